import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { I18n } from '../platform/i18n/index.js';
import type { Vault } from '../platform/crypto/vault.js';
import type { ShredLedger } from '../platform/backup/shreds.js';
import type { Dialect, Storage } from '../platform/storage/db.js';
import type { Database } from '../platform/storage/schema.js';

/** What every module is given: the composition root builds one of these and nothing else. */
export interface Deps {
  config: Config;
  storage: Storage;
  db: Kysely<Database>;
  dialect: Dialect;
  vault: Vault;
  i18n: I18n;
  /** The current time in milliseconds; tests move it. */
  now: () => number;
  /** The deletion lists beside the backup keys (ADR 11); absent where no backup key folder is in use. */
  shreds?: ShredLedger;
}
