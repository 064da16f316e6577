import { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openStorage } from '../platform/storage/db.js';
import { migrateToLatest } from '../platform/storage/migrate.js';
import { backupCommand, restoreCommand } from './backup.js';
import { demoCommand } from './demo.js';
import { registerJobCommands } from './jobs.js';
import { serve } from './serve.js';
import { registerTokenCommands } from './token.js';
import { registerUserCommands } from './user.js';
import { vaultCommands } from './vault.js';

/** The `haven` command line. Every command reads the same configuration as the server. */
export function buildCli(): Command {
  const program = new Command('haven')
    .description('Haven: a digital-security helpline for people at risk')
    .showHelpAfterError();

  program
    .command('serve', { isDefault: true })
    .description('run the web server (public intake, staff workspace, API)')
    .action(async () => {
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('bring the database to the latest schema')
    .action(async () => {
      // Only the database: opening the vault reads tables that migrations create.
      const storage = openStorage(loadConfig());
      try {
        const res = await migrateToLatest(storage);
        const applied = res.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      } finally {
        await storage.close();
      }
    });

  registerUserCommands(program);
  registerTokenCommands(program);
  registerJobCommands(program);

  program.addCommand(demoCommand());
  for (const c of vaultCommands()) program.addCommand(c);
  program.addCommand(backupCommand());
  program.addCommand(restoreCommand());

  return program;
}
