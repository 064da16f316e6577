import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { AccountInputError, createTokenForEmail } from '../modules/accounts/index.js';
import { openRuntime } from '../runtime.js';
import { cliMessage } from './user.js';

/** `haven token create --email E [--label L]`: prints an API token for an active staff member. */
export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for an active staff member and print it (shown only once)')
    .requiredOption('--email <email>', 'the staff member the token acts as')
    .option('--label <label>', 'what the token is for', 'cli')
    .action(async (opts: { email: string; label: string }) => {
      const rt = await openRuntime(loadConfig());
      try {
        const value = await createTokenForEmail(rt, opts.email, opts.label);
        // Only the token on stdout, so it can be captured by a script; advice on stderr.
        console.error('API token (shown once; keep it secret, revoke it from your account page):');
        console.log(value);
      } catch (e) {
        if (e instanceof AccountInputError) throw new Error(cliMessage(rt, e));
        throw e;
      } finally {
        await rt.close();
      }
    });
}
