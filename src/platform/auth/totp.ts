import { Secret, TOTP } from 'otpauth';

/** Second factor: RFC 6238 TOTP, 6 digits, 30 s steps, one step of drift either side. */
export const TOTP_PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Haven', label, secret: Secret.fromBase32(secret), digits: 6, period: TOTP_PERIOD, algorithm: 'SHA1' });
}

export function totpUri(secret: string, label: string): string {
  return totp(secret, label).toString();
}

/** The current code (for tests and the CLI's demo account). */
export function totpNow(secret: string, at: number): string {
  return totp(secret, 'x').generate({ timestamp: at });
}

/**
 * Checks a code and returns the time step it matched, or null. The caller refuses a step at
 * or before the last one used, so a code cannot be replayed.
 */
export function verifyTotp(secret: string, code: string, at: number): number | null {
  const clean = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const delta = totp(secret, 'x').validate({ token: clean, timestamp: at, window: 1 });
  if (delta === null) return null;
  return Math.floor(at / 1000 / TOTP_PERIOD) + delta;
}
