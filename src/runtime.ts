import type { Config } from './config/index.js';
import type { Deps } from './contracts/deps.js';
import { loadMasterKey, Vault } from './platform/crypto/vault.js';
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
  if (opts.migrate !== false) await migrateToLatest(storage);
  return {
    config,
    storage,
    db: storage.db,
    dialect: storage.dialect,
    vault: new Vault(master.key),
    i18n: sharedI18n(),
    now: opts.now ?? Date.now,
    keySource: master.source === 'env' ? 'HAVEN_MASTER_KEY' : master.file!,
    close: () => storage.close(),
  };
}
