import type { Command } from 'commander';
import { ASSIGNABLE_ROLES } from '../platform/auth/roles.js';
import { loadConfig } from '../config/index.js';
import { AccountInputError, createUserWithEnrollment } from '../modules/accounts/index.js';
import { openRuntime } from '../runtime.js';

/** Turns an accounts input error into a sentence for the terminal (English, like the rest of the CLI). */
export function cliMessage(
  rt: { i18n: { format(locale: string, key: string): string } },
  e: AccountInputError,
): string {
  return `--${e.field === 'display_name' ? 'name' : e.field}: ${rt.i18n.format('en', e.messageKey)}`;
}

/** `haven user add --email E --role R [--name N]`: prints a one-time enrolment link. */
export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage staff accounts');
  user
    .command('add')
    .description('add a staff member and print their one-time enrolment link (valid 72 hours)')
    .requiredOption('--email <email>', 'the address they will sign in with')
    .requiredOption('--role <role>', `one of: ${ASSIGNABLE_ROLES.join(', ')}`)
    .option('--name <name>', 'the name colleagues see (they can change it when enrolling)')
    .action(async (opts: { email: string; role: string; name?: string }) => {
      const rt = await openRuntime(loadConfig());
      try {
        const { enrollUrl } = await createUserWithEnrollment(rt, {
          email: opts.email,
          role: opts.role,
          displayName: opts.name,
        });
        console.log(
          `Added ${opts.email.trim().toLowerCase()} (${opts.role}). Send them this one-time link through a safe channel;`,
        );
        console.log(
          'it lets them set a password and a second factor, works once and expires in 72 hours:',
        );
        console.log(`  ${enrollUrl}`);
      } catch (e) {
        if (e instanceof AccountInputError) throw new Error(cliMessage(rt, e));
        throw e;
      } finally {
        await rt.close();
      }
    });
}
