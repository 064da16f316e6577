// `npx tsx bench/report.ts [file]`: bench/results/latest.json (or `file`) as the Markdown table
// of docs/benchmarks.md's results section.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRecords, markdownTable, type BenchRecord } from './results.js';

const file = process.argv[2] ?? join(import.meta.dirname, 'results', 'latest.json');
const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
const problems = checkRecords(data);
if (problems.length)
  throw new Error(`${file} is not a results file: ${problems.slice(0, 5).join('; ')}`);
console.log(markdownTable(data as BenchRecord[]));
