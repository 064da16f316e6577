import { buildCli } from '../../src/cli/index.js';

// `haven serve`, loaded ahead and started on cue: the crash test spawns the next server while
// the current one is still being flooded, and writes a line to this process's standard input
// once the current one has been killed. Loading the code takes most of a start under tsx and
// touches no state; everything that does (opening the database, migrations, the vault, the
// deletion lists, listening) runs after the cue, through the same command line as
// `bin/haven.js serve`. Standard input closing means the test is gone: so is this process.

let started = false;
process.stdin.on('data', () => {
  if (started) return;
  started = true;
  void buildCli()
    .parseAsync([process.argv[0]!, 'haven', 'serve'])
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    });
});
process.stdin.on('end', () => process.exit(started ? 0 : 1));
