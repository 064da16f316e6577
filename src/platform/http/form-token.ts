import { createHmac } from 'node:crypto';
import { randomBytes, safeEqual } from '../crypto/vault.js';

/**
 * Stateless form tokens for forms shown before any session exists (the public request form,
 * the staff sign-in form). A token carries when it was issued and a MAC under a key derived
 * from the master key. They last long enough for a slow Tor upload (default 6 hours), and
 * tell the handler how long the form was open.
 */
export const FORM_TOKEN_MAX_AGE_MS = 6 * 60 * 60 * 1000;

function mac(key: Buffer, purpose: string, payload: string): string {
  return createHmac('sha256', key).update(`${purpose}\0${payload}`).digest('base64url');
}

export function issueFormToken(key: Buffer, purpose: string, now: number): string {
  const payload = `${now.toString(36)}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${mac(key, purpose, payload)}`;
}

export type FormTokenCheck = { ok: true; issuedAt: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export function checkFormToken(
  key: Buffer,
  purpose: string,
  token: unknown,
  now: number,
  maxAgeMs = FORM_TOKEN_MAX_AGE_MS,
): FormTokenCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const payload = `${parts[0]}.${parts[1]}`;
  if (!safeEqual(parts[2]!, mac(key, purpose, payload))) return { ok: false, reason: 'forged' };
  const issuedAt = parseInt(parts[0]!, 36);
  if (!Number.isFinite(issuedAt) || issuedAt > now + 60_000 || now - issuedAt > maxAgeMs) {
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, issuedAt };
}
