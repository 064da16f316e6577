import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { totpUri } from '../platform/auth/totp.js';
import { openRuntime } from '../runtime.js';
import { DEMO_DEFAULT_REQUESTS, DEMO_DEFAULT_SEED, runDemo } from '../modules/demo/index.js';

function positiveInt(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * The parser of --year at `now`: a four-digit calendar year from 2000 to the current one (a
 * year still under way ends today). Anything else ("23", "2023.0", "0x7e7", next year) is
 * refused with a message saying what is accepted.
 */
export function demoYear(now: number): (value: string) => number {
  const latest = new Date(now).getUTCFullYear();
  return (value: string): number => {
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (!(year >= 2000 && year <= latest)) {
      throw new InvalidArgumentError(
        `--year must be a four-digit year from 2000 to ${latest} (not in the future); without it, the demo covers the 12 months up to today`,
      );
    }
    return year;
  };
}

function table(title: string, counts: Record<string, number>, total: number): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const width = Math.max(...rows.map(([k]) => k.length), 8);
  return [
    title,
    ...rows.map(
      ([k, n]) =>
        `  ${k.padEnd(width)} ${String(n).padStart(9)}  ${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%`,
    ),
  ].join('\n');
}

/**
 * `haven demo`: fills the database with a realistic synthetic year of requests. `now` only
 * decides which years --year accepts; the runtime's clock dates the requests.
 */
export function demoCommand(now: number = Date.now()): Command {
  return new Command('demo')
    .description(
      'fill the database with a realistic synthetic year of requests (the 12 months up to today), answered by a demo handler',
    )
    .addOption(
      new Option('--requests <n>', 'how many requests')
        .default(DEMO_DEFAULT_REQUESTS)
        .argParser(positiveInt('--requests', 0, 10_000_000)),
    )
    .addOption(
      new Option('--seed <seed>', 'the same seed gives the same cases').default(DEMO_DEFAULT_SEED),
    )
    .addOption(
      new Option(
        '--year <year>',
        'a past calendar year instead of the 12 months up to today (2023: the reports of the 2023 figures)',
      ).argParser(demoYear(now)),
    )
    .option(
      '--all-messages',
      'in the 12 months up to today, also write whole the cases the retention rules would already have emptied',
    )
    .addOption(
      new Option('--batch <n>', 'cases written per transaction')
        .default(5000)
        .argParser(positiveInt('--batch', 1, 20_000)),
    )
    .option('--force', 'add demo cases even though the database holds real (non-demo) cases')
    .addHelpText(
      'after',
      `
Demo data is meant for a fresh or demo-only database. To protect real requests, the command
refuses to run when the database holds any case it did not create itself; --force overrides
that (the demo cases are then mixed with the real ones and cannot be told apart in the UI).

By default the requests arrive over the 12 months up to today, like a live helpline's: new
and open cases near today, finished ones older. A live helpline has applied its retention
rules all along, so cases they would already have emptied (closed more than 90 days ago with
the default rules) are written without messages, contact or country, their structured data
kept for reports; --all-messages writes them whole (the next retention run then empties them).
--year writes a calendar year whole instead; a year still under way ends today.

Every message is encrypted like a real one. The command prints a demo handler's email,
password and TOTP secret (an existing demo handler gets new credentials), and one receipt
code to try the requester's follow-up page.

Examples:
  haven demo                       3,709 requests over the 12 months up to today (82% reactive)
  haven demo --year 2023           the helpline's 2023: 3,709 requests, 82% reactive
  haven demo --requests 1000000    a million requests over the 12 months, streamed in batches
  haven demo --seed demo-2 --year 2024`,
    )
    .action(
      async (o: {
        requests: number;
        seed: string;
        year?: number;
        allMessages?: boolean;
        batch: number;
        force?: boolean;
      }) => {
        const config = loadConfig();
        const rt = await openRuntime(config);
        try {
          const engine = rt.dialect === 'postgres' ? 'PostgreSQL' : `SQLite (${rt.storage.file})`;
          console.log(
            `Generating ${o.requests.toLocaleString('en')} demo requests for ${o.year ?? 'the 12 months up to today'} (seed "${o.seed}") on ${engine}…`,
          );
          const res = await runDemo(rt, {
            requests: o.requests,
            seed: o.seed,
            ...(o.year !== undefined ? { year: o.year } : {}),
            allMessages: o.allMessages === true,
            force: o.force === true,
            batchSize: o.batch,
            progressEvery: Math.max(1, Math.round(50_000 / o.batch)),
            onProgress: (p) => {
              if (p.done === p.total) return;
              const rate = p.done / (p.elapsedMs / 1000);
              console.log(
                `  ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')}  (${Math.round(rate).toLocaleString('en')} cases/s)`,
              );
            },
          });
          if (!res.ok) {
            process.exitCode = 1;
            if (res.code === 'DEMO_REAL_CASES_PRESENT') {
              console.error(
                `Refusing: the database holds ${res.realCases} case(s) that are not demo data. ` +
                  'Use a fresh database, or pass --force to add demo cases beside them.',
              );
            } else {
              console.error(`Refusing: ${res.year} has not started yet; choose a past year.`);
            }
            return;
          }
          const s = res.summary;
          const seconds = s.elapsedMs / 1000;
          console.log('');
          console.log(
            `Created ${s.requests.toLocaleString('en')} cases and ${s.messages.toLocaleString('en')} messages in ${seconds.toFixed(1)} s (${Math.round(s.requests / Math.max(seconds, 0.001)).toLocaleString('en')} cases/s).`,
          );
          console.log(table('By urgency:', s.byUrgency, s.requests));
          console.log(table('By region:', s.byRegion, s.requests));
          console.log(table('By status:', s.byStatus, s.requests));
          if (s.emptiedByRetention > 0) {
            console.log(
              `${s.emptiedByRetention.toLocaleString('en')} finished cases are written as the retention rules had already left them (no messages, contact or country).`,
            );
          }
          if (s.answered > 0) {
            console.log(
              `First response within the deadline: ${((100 * s.answeredInTime) / s.answered).toFixed(1)}% of ${s.answered.toLocaleString('en')} answered.`,
            );
          }
          const h = res.handler;
          console.log('');
          console.log('Demo handler (sign in at ' + `${config.publicUrl}/staff):`);
          console.log(`  email        ${h.email}`);
          console.log(`  password     ${h.password}`);
          console.log(`  TOTP secret  ${h.totpSecret}`);
          console.log(`  TOTP URI     ${totpUri(h.totpSecret, h.email)}`);
          if (s.sample) {
            console.log(
              `Receipt of an open demo case (#${s.sample.caseId}), for the follow-up page: ${s.sample.receipt}`,
            );
          }
        } finally {
          await rt.close();
        }
      },
    );
}
