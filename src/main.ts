import { buildCli } from './cli/index.js';

// Entry point of the `haven` command and of `npm start` (which runs `haven serve`).
try {
  await buildCli().parseAsync(process.argv);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
