import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { ShredLedger } from './backup/shreds.js';
import type { Vault } from './crypto/vault.js';
import type { I18n } from './i18n/index.js';
import type { Dialect, Storage } from './storage/db.js';
import type { Database } from './storage/schema.js';

/**
 * What the platform itself needs from the running process: configuration, the database, the
 * vault, the catalogues and the clock. The composition root's `Deps` (src/deps.ts) is this and
 * whatever the composition adds; platform code takes only this, so it never imports upwards.
 */
export interface PlatformDeps {
  config: Config;
  storage: Storage;
  db: Kysely<Database>;
  dialect: Dialect;
  vault: Vault;
  i18n: I18n;
  /** The current time in milliseconds; tests move it. */
  now: () => number;
  /**
   * How code that must let real time pass reads a monotonic clock and waits (the follow-up
   * floor). Absent in a running Haven, which uses the real clock; tests set one so they pay no
   * real waits.
   */
  timer?: Timer;
  /** The deletion lists beside the backup keys (ADR 11); absent where no backup key folder is in use. */
  shreds?: ShredLedger;
}

/** A monotonic clock in milliseconds and a wait on it. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}
