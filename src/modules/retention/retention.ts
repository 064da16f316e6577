// Retention rules as data: how long a case of one status keeps its personal data. Pure.

/** What a rule counts from: when the case was finished, or its last activity. */
export const RETENTION_BASES = ['closed_at', 'last_activity_at'] as const;
export type RetentionBasis = (typeof RETENTION_BASES)[number];

/** Bounds on a rule's period, in days: at least a day, at most ten years. */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

/** A status code a rule may key on: any lower-case code, so new statuses (e.g. spam) need no code change. */
export const STATUS_CODE = /^[a-z_]{1,32}$/;

export interface RetentionRule {
  status: string;
  basis: RetentionBasis;
  days: number;
  enabled: boolean;
  updatedAt: number;
  updatedBy: string | null;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest `basis` time a case may have and be due under `rule` at `now`. */
export function cutoffOf(rule: Pick<RetentionRule, 'days'>, now: number): number {
  return now - rule.days * DAY_MS;
}
