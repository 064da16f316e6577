import type { Config } from './config/index.js';
import type { Deps } from './deps.js';
import { resealersOf } from './contracts/module.js';
import { MODULES } from './modules.js';
import { openVault } from './modules/vault/index.js';
import { backupKeysDir } from './platform/backup/keys.js';
import { fileLedger } from './platform/backup/shreds.js';
import { deriveBackupKey, loadMasterKey } from './platform/crypto/vault.js';
import { I18n, loadCatalog } from './platform/i18n/index.js';
import { projectRoot } from './platform/paths.js';
import { join } from 'node:path';
import { migrateToLatest } from './platform/storage/migrate.js';
import { openStorage } from './platform/storage/db.js';

let catalog: ReturnType<typeof loadCatalog> | undefined;

/** Loads the message catalogue once per process. */
export function sharedI18n(): I18n {
  catalog ??= loadCatalog(join(projectRoot(), 'locales'));
  return new I18n(catalog);
}

/**
 * Opens everything Haven runs on: the database (migrated to the latest schema), the key
 * and the messages. Used by the server, the CLI and the tests alike.
 */
export async function openRuntime(
  config: Config,
  opts: { now?: () => number; migrate?: boolean } = {},
): Promise<Deps & { keySource: string; close(): Promise<void> }> {
  const master = loadMasterKey(config);
  const storage = openStorage(config);
  const now = opts.now ?? Date.now;
  let vault: Awaited<ReturnType<typeof openVault>>;
  try {
    if (opts.migrate !== false) await migrateToLatest(storage);
    // Sealed mode (ADR 10): the vault starts sealed; an administrator unseals it at /staff/unseal.
    vault = await openVault({ db: storage.db, config, now, dialect: storage.dialect }, master.key);
  } catch (e) {
    // A process that cannot start must not keep a PostgreSQL pool alive (it would hang on exit).
    await storage.close().catch(() => undefined);
    throw e;
  }
  return {
    config,
    storage,
    db: storage.db,
    dialect: storage.dialect,
    vault,
    i18n: sharedI18n(),
    now,
    shreds: fileLedger(backupKeysDir(config.dataDir), deriveBackupKey(master.key)),
    // The CLI changes keys too (`haven seal-off`), with no app built: the modules' re-seals are here.
    resealers: resealersOf(MODULES),
    keySource: `${master.source === 'env' ? 'HAVEN_MASTER_KEY' : master.file!}${config.sealed ? ' (sealed mode: unseal at /staff/unseal)' : ''}`,
    close: () => storage.close(),
  };
}
