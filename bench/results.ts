// The record format of bench/results/latest.json, percentiles, ratios and the printed table.
//
// Every measure is one record: `{ name, db, size, value, unit, baseline?, ratio? }`.
//   name      what was measured, dotted, e.g. `intake.submissions_per_s.c64`
//   db        'sqlite' or 'postgres'
//   size      how many cases the database held (0 when the measure does not depend on it)
//   value     the number, in `unit`
//   baseline  the name of the record (same db and size, same file) this one is compared with
//   ratio     how many times worse than its baseline: value / baseline for times and sizes,
//             baseline / value for rates; 1 means as fast as the baseline, lower is better

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = 'sqlite' | 'postgres';

export interface BenchRecord {
  name: string;
  db: Db;
  size: number;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
}

/** Units whose larger values are better (rates); the others are costs (times, memory). */
const RATE_UNITS = new Set(['per_s', '/s', 'cases/s', 'submissions/s', 'commits/s', 'requests/s']);

export function isRate(unit: string): boolean {
  return RATE_UNITS.has(unit) || unit.endsWith('/s');
}

/**
 * How many times worse than the baseline a value is: value / baseline for costs, baseline /
 * value for rates. Undefined when either is not a positive finite number.
 */
export function ratioOf(value: number, baselineValue: number, unit: string): number | undefined {
  if (
    !(Number.isFinite(value) && Number.isFinite(baselineValue)) ||
    value <= 0 ||
    baselineValue <= 0
  ) {
    return undefined;
  }
  return isRate(unit) ? baselineValue / value : value / baselineValue;
}

/**
 * The p-th percentile (0 < p ≤ 1) of values sorted ascending, by nearest rank: the smallest
 * value with at least p of the values at or below it. NaN for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** p50, p95, p99 and max of unsorted samples. */
export function summarize(samples: readonly number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s.length ? s[s.length - 1]! : Number.NaN,
    n: s.length,
  };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en');
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** Collects records, fills in ratios from baselines of the same db and size, prints each line. */
export class Results {
  readonly records: BenchRecord[] = [];
  constructor(private readonly print: (line: string) => void = () => undefined) {}

  /** The record named `name` for this db and size, if measured. */
  find(name: string, db: Db, size: number): BenchRecord | undefined {
    return this.records.find((r) => r.name === name && r.db === db && r.size === size);
  }

  /**
   * Adds a record. With `baseline` (a record's name, same db and size, added before), the ratio
   * is computed from it; a baseline not measured is left out rather than guessed.
   */
  add(r: Omit<BenchRecord, 'ratio'>): BenchRecord | undefined {
    if (!Number.isFinite(r.value)) {
      this.print(
        `  ${r.db.padEnd(8)} ${String(r.size).padStart(9)}  ${r.name.padEnd(48)} not measured`,
      );
      return undefined;
    }
    const rec: BenchRecord = { name: r.name, db: r.db, size: r.size, value: r.value, unit: r.unit };
    if (r.baseline !== undefined) {
      const base = this.find(r.baseline, r.db, r.size);
      if (base) {
        rec.baseline = r.baseline;
        const ratio = ratioOf(r.value, base.value, r.unit);
        if (ratio !== undefined) rec.ratio = Math.round(ratio * 1000) / 1000;
      }
    }
    rec.value = Math.round(rec.value * 1000) / 1000;
    this.records.push(rec);
    this.print(formatRow(rec));
    return rec;
  }
}

export function formatRow(r: BenchRecord): string {
  const ratio =
    r.ratio === undefined ? '' : `  ×${r.ratio.toFixed(r.ratio < 10 ? 2 : 0)} ${r.baseline}`;
  return `  ${r.db.padEnd(8)} ${String(r.size).padStart(9)}  ${r.name.padEnd(48)} ${fmt(r.value).padStart(10)} ${r.unit}${ratio}`;
}

/** The whole table, one line per record, with a heading. */
export function formatTable(records: readonly BenchRecord[]): string {
  const head = `  ${'db'.padEnd(8)} ${'size'.padStart(9)}  ${'name'.padEnd(48)} ${'value'.padStart(10)} unit  ×ratio baseline`;
  return [head, ...records.map(formatRow)].join('\n');
}

/**
 * Checks the shape of a results file: an array of records with the fields above. Returns the
 * problems found (none: an empty list).
 */
export function checkRecords(data: unknown): string[] {
  if (!Array.isArray(data)) return ['not an array'];
  const problems: string[] = [];
  data.forEach((r: unknown, i) => {
    const o = r as Record<string, unknown>;
    if (typeof o !== 'object' || o === null) return problems.push(`${i}: not an object`);
    if (typeof o.name !== 'string' || !o.name) problems.push(`${i}: name`);
    if (o.db !== 'sqlite' && o.db !== 'postgres') problems.push(`${i}: db`);
    if (typeof o.size !== 'number' || !Number.isInteger(o.size) || o.size < 0)
      problems.push(`${i}: size`);
    if (typeof o.value !== 'number') problems.push(`${i}: value`);
    if (typeof o.unit !== 'string' || !o.unit) problems.push(`${i}: unit`);
    if (o.baseline !== undefined && typeof o.baseline !== 'string') problems.push(`${i}: baseline`);
    if (o.ratio !== undefined && typeof o.ratio !== 'number') problems.push(`${i}: ratio`);
    const extra = Object.keys(o).filter(
      (k) => !['name', 'db', 'size', 'value', 'unit', 'baseline', 'ratio'].includes(k),
    );
    if (extra.length) problems.push(`${i}: unknown fields ${extra.join(', ')}`);
    return undefined;
  });
  return problems;
}

/** Writes the records as a JSON array (the file others read: keep its shape). */
export function writeResults(file: string, records: readonly BenchRecord[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(records, null, 2)}\n`);
}

/**
 * A Markdown table of records, one row per name and size, one column per database: each cell
 * the value and unit, and the ratio to its baseline (for docs/benchmarks.md).
 */
export function markdownTable(records: readonly BenchRecord[]): string {
  const dbs = (['sqlite', 'postgres'] as const).filter((d) => records.some((r) => r.db === d));
  const rows: { name: string; size: number }[] = [];
  for (const r of records) {
    if (!rows.some((x) => x.name === r.name && x.size === r.size))
      rows.push({ name: r.name, size: r.size });
  }
  const cell = (r: BenchRecord | undefined) =>
    r
      ? `${fmt(r.value)} ${r.unit}${r.ratio === undefined ? '' : ` (×${r.ratio.toFixed(r.ratio < 10 ? 2 : 0)})`}`
      : '–';
  const baseline = (name: string, size: number) =>
    records.find((r) => r.name === name && r.size === size && r.baseline)?.baseline ?? '';
  return [
    `| name | size | ${dbs.join(' | ')} | baseline |`,
    `| --- | ---: | ${dbs.map(() => '---:').join(' | ')} | --- |`,
    ...rows.map(
      ({ name, size }) =>
        `| \`${name}\` | ${size.toLocaleString('en')} | ${dbs
          .map((d) => cell(records.find((r) => r.name === name && r.size === size && r.db === d)))
          .join(' | ')} | ${baseline(name, size) ? `\`${baseline(name, size)}\`` : ''} |`,
    ),
  ].join('\n');
}
