import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/index.js';
import { totpUri } from '../platform/auth/totp.js';
import { openRuntime } from '../runtime.js';
import {
  DEMO_DEFAULT_REQUESTS,
  DEMO_DEFAULT_SEED,
  DEMO_DEFAULT_YEAR,
  runDemo,
} from '../modules/demo/index.js';

function positiveInt(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
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

/** `haven demo`: fills the database with a realistic synthetic year of requests. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'fill the database with a realistic synthetic year of requests, answered by a demo handler',
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
      new Option('--year <year>', 'the year the requests arrive in')
        .default(DEMO_DEFAULT_YEAR)
        .argParser(positiveInt('--year', 2000, 2100)),
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

Every message is encrypted like a real one. A year still under way ends today. The command
prints a demo handler's email, password and TOTP secret (an existing demo handler gets new
credentials), and one receipt code to try the requester's follow-up page.

Examples:
  haven demo                       3,709 requests over 2023 (82% reactive)
  haven demo --requests 1000000    a million requests, streamed in batches
  haven demo --seed demo-2 --year 2024`,
    )
    .action(
      async (o: {
        requests: number;
        seed: string;
        year: number;
        batch: number;
        force?: boolean;
      }) => {
        const config = loadConfig();
        const rt = await openRuntime(config);
        try {
          const engine = rt.dialect === 'postgres' ? 'PostgreSQL' : `SQLite (${rt.storage.file})`;
          console.log(
            `Generating ${o.requests.toLocaleString('en')} demo requests for ${o.year} (seed "${o.seed}") on ${engine}…`,
          );
          const res = await runDemo(rt, {
            requests: o.requests,
            seed: o.seed,
            year: o.year,
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
