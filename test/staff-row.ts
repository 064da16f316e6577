import type { Kysely } from 'kysely';
import type { Database } from '../src/platform/storage/schema.js';

/**
 * Writes an active staff member straight into `users`, for tests and benchmarks that need
 * someone to hold or answer cases but not the sign-in flow (which has its own tests).
 */
export async function insertStaffRow(
  db: Kysely<Database>,
  row: {
    id: string;
    email: string;
    displayName: string;
    role: string;
    at: number;
    totpSecretEnc?: Buffer | null;
  },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: row.id,
      email: row.email,
      display_name: row.displayName,
      role: row.role,
      status: 'active',
      password_hash: null,
      totp_secret_enc: row.totpSecretEnc ?? null,
      totp_last_step: null,
      locale: 'en',
      created_at: row.at,
      updated_at: row.at,
    })
    .execute();
}
