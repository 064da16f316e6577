import type { Role } from '../../platform/auth/roles.js';

/** A staff account as the rest of the module sees it (no secrets). */
export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  /**
   * The primary role (`users.role`), or null when the database holds a name Haven does not
   * know (a newer release's role, a hand edit): such a person holds no role here, cannot
   * sign in or use a token, and is shown with an unknown role rather than a guessed one.
   */
  role: Role | null;
  status: UserStatus;
  locale: string;
  createdAt: number;
}

/**
 * `pending` until the person has set a password and confirmed a second factor from their
 * enrolment link; `disabled` accounts keep their history but cannot sign in.
 */
export const USER_STATUSES = ['pending', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * The email of the first administrator before they have chosen one. It has no `@`, so no
 * address a person types can ever match it.
 */
export const BOOTSTRAP_EMAIL = '#first-admin';

/** How long a one-time enrolment link stays valid. */
export const ENROL_TTL_MS = 72 * 60 * 60 * 1000;

/** Failures (password or second factor) allowed before an account is locked for a while. */
export const FREE_FAILURES = 5;
export const MAX_LOCK_MINUTES = 60;

/**
 * When an account that has just reached `failures` consecutive failures unlocks: not locked
 * below FREE_FAILURES, then 1, 2, 4… minutes, capped at an hour, so a guesser gets a few
 * dozen tries a day while a person who mistypes waits a minute.
 */
export function lockedUntilAfter(failures: number, now: number): number | null {
  if (failures < FREE_FAILURES) return null;
  const minutes = Math.min(2 ** (failures - FREE_FAILURES), MAX_LOCK_MINUTES);
  return now + minutes * 60_000;
}

/** Emails are compared case-insensitively and without surrounding spaces. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The address of a one-time enrolment link. */
export function enrolUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/staff/enrol/${token}`;
}
