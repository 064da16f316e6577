#!/usr/bin/env node
// The `haven` command. In a checkout with the development tools installed it runs the
// TypeScript sources through tsx, so it is never older than the code; in an installation
// without them (npm ci --omit=dev) it runs the compiled CLI from `npm run build`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'src', 'main.ts');
const compiled = join(root, 'dist', 'src', 'main.js');

let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  register = undefined;
}
if (register && existsSync(sources)) {
  register();
  await import(pathToFileURL(sources).href);
} else if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  console.error('haven: run `npm run build` first (dist/ is missing and tsx is not installed)');
  process.exit(1);
}
