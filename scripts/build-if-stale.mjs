#!/usr/bin/env node
// `npm start` runs this first: it compiles Haven (`npm run build`) only when dist/ is missing or
// older than a source it is built from, so a start after the first one reaches the first page
// in about a second instead of waiting for the TypeScript compiler. The check compares
// modification times; `npm run build` always compiles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time (ms) under `path`, 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

/** Where a build leaves its time. */
export const stampOf = (dir) => join(dir, 'dist', '.built');

/** True when the project at `dir` has no build yet or a source changed after it. */
export function isStale(dir) {
  const stamp = stampOf(dir);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return INPUTS.some((p) => newest(join(dir, p)) > built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!isStale(root)) process.exit(0);
  process.stdout.write('Compiling Haven (only when the sources changed since the last build)…\n');
  const started = Date.now();
  const res = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
  writeFileSync(stampOf(root), `${new Date(started).toISOString()}\n`);
}
