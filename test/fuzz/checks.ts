import { createHash } from 'node:crypto';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { errorDefinition, knownErrorCodes, type ErrorCode } from '../../src/platform/errors.js';
import type { I18n } from '../../src/platform/i18n/index.js';
import type { Storage } from '../../src/platform/storage/db.js';

/**
 * The properties every answer must have, whatever was sent: never a 5xx; a 4xx always says
 * what went wrong (an error page or form in the person's language, or the API's error shape);
 * and a refused request leaves the database exactly as it was.
 */

/** How a surface answers a refusal. */
export type Surface =
  | { kind: 'public' | 'staff'; locales: readonly string[]; lang?: string }
  | { kind: 'api' };

/** Titles of the pages that answer a refusal without an error summary (role="alert"). */
const ERROR_TITLES = ['common.error.title', 'intake.already_sent.title', 'cases.conflict.title', 'accounts.enrol.invalid_title'];

/** Message keys shown untranslated (a key in a page is a message that never reached the person). */
const RAW_KEY = /\b(?:common|intake|cases|accounts|retention|vault|taxonomies|jobs)\.[a-z0-9_]+\.[a-z0-9_.]+\b/;

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x?0*27;|&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Text a person reads in a page: no tags, no attributes, entities decoded. */
export function visibleText(html: string): string {
  return decode(html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]*>/g, ' '));
}

/** Why an answer breaks the properties, or null when it does not. */
export function answerProblem(res: InjectResponse, surface: Surface, i18n: I18n): string | null {
  const status = res.statusCode;
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (surface.kind === 'api') {
    if (!type.startsWith('application/json')) return `a ${status} came as "${type}", not JSON`;
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return `a ${status} is not JSON: ${res.body.slice(0, 80)}`;
    }
    const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } })?.error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || e.message.trim() === '') {
      return `a ${status} lacks { error: { code, message } }: ${res.body.slice(0, 120)}`;
    }
    if (e.field !== undefined && typeof e.field !== 'string') return `a ${status} names a field that is not a string`;
    const known = knownErrorCodes().includes(e.code) ? errorDefinition(e.code as ErrorCode) : undefined;
    if (!known) return `a ${status} has the unknown code ${e.code}`;
    if (known.status !== status) return `${e.code} came with ${status}, the catalogue says ${known.status}`;
    if (RAW_KEY.test(e.message)) return `a ${status} message is an untranslated key: ${e.message}`;
    return null;
  }
  if (!type.startsWith('text/html')) return `a ${status} came as "${type}", not a page`;
  const lang = /<html[^>]*\slang="([^"]*)"/.exec(res.body)?.[1];
  if (!lang || !surface.locales.includes(lang)) return `a ${status} page is in "${lang}", not one of ${surface.locales.join(', ')}`;
  if (surface.lang && lang !== surface.lang) return `a ${status} page is in ${lang}, the person asked for ${surface.lang}`;
  const h1 = visibleText(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(res.body)?.[1] ?? '').trim();
  const alert = /role="alert"/.test(res.body);
  const titled = ERROR_TITLES.some((k) => i18n.has(lang, k) && h1 === i18n.format(lang, k));
  if (!alert && !titled) return `a ${status} page says nothing about what went wrong (h1 "${h1.slice(0, 60)}")`;
  const raw = RAW_KEY.exec(visibleText(res.body));
  if (raw) return `a ${status} page shows the untranslated key ${raw[0]}`;
  return null;
}

/** Fails the current fast-check run with `problem` and what was sent. */
export function assertAnswer(res: InjectResponse, surface: Surface, i18n: I18n, sent: () => string): void {
  const problem = answerProblem(res, surface, i18n);
  if (problem) throw new Error(`${problem}\n  sent: ${sent()}\n  answer: ${res.body.slice(0, 300)}`);
}

// Tables a refused request may change: counters of failed attempts, and the schedule.
const MAY_CHANGE = new Set(['attempt_guards', 'rate_counts', 'intake_budget', 'jobs', 'kysely_migration', 'kysely_migration_lock']);
// Columns that move on every request that merely reads (a session's idle timer, a token's last
// use), and the counters of failed attempts that older schemas kept on the account itself.
const VOLATILE = new Set(['last_seen_at', 'expires_at', 'last_used_at', 'failed_logins', 'locked_until']);
// Audit entries a refused request may add: reading a page, a failed attempt.
const AUDIT_ON_REFUSAL = ['case.viewed', 'account.sign_in_failed', 'account.locked', 'vault.unseal_failed'];

/** The tables of each database, read once: a fuzz run never changes the schema. */
const tableLists = new WeakMap<Storage, Promise<string[]>>();

function tables(storage: Storage): Promise<string[]> {
  let list = tableLists.get(storage);
  if (!list) {
    const q =
      storage.dialect === 'sqlite'
        ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
        : sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
    list = q.execute(storage.db).then((r) => r.rows.map((row) => row.name).filter((n) => !MAY_CHANGE.has(n)).sort());
    tableLists.set(storage, list);
  }
  return list;
}

function canonical(row: Record<string, unknown>): string {
  const keys = Object.keys(row).filter((k) => !VOLATILE.has(k)).sort();
  return JSON.stringify(keys.map((k) => {
    const v = row[k];
    return Buffer.isBuffer(v) ? `bytes:${v.toString('hex')}` : v;
  }));
}

/** Every table's rows (minus volatile columns), digested; the audit log as its count of changes. */
export async function snapshot(storage: Storage): Promise<Map<string, string>> {
  // Each table read on its own connection at once (PostgreSQL's pool; SQLite runs them in turn).
  const digests = await Promise.all(
    (await tables(storage)).map(async (table): Promise<[string, string]> => {
      if (table === 'audit_log') {
        const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM audit_log WHERE action NOT IN (${sql.join(AUDIT_ON_REFUSAL)})`.execute(storage.db);
        return [table, `${Number(r.rows[0]?.n)} changes`];
      }
      const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(storage.db)).rows.map(canonical).sort();
      return [table, `${rows.length} rows ${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`];
    }),
  );
  return new Map(digests);
}

/** The tables whose content differs between two snapshots, with both states. */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [table, was] of before) if (after.get(table) !== was) out.push(`${table}: ${was} → ${after.get(table)}`);
  return out;
}

/**
 * Sends one request and checks the answer; for a 4xx, also that nothing was written. `send`
 * performs the request; `describe` says what was sent, for the counterexample.
 */
export async function refusedWritesNothing(
  storage: Storage,
  send: () => Promise<InjectResponse>,
  surface: Surface,
  i18n: I18n,
  describe: () => string,
): Promise<InjectResponse> {
  const before = await snapshot(storage);
  const res = await send();
  assertAnswer(res, surface, i18n, describe);
  if (res.statusCode >= 400) {
    const diff = changed(before, await snapshot(storage));
    if (diff.length > 0) throw new Error(`a refused request (${res.statusCode}) wrote: ${diff.join('; ')}\n  sent: ${describe()}`);
  }
  return res;
}

/** Inputs tried, per scope (an engine) and label, for the closing lines of each file. */
const tried = new Map<string, Map<string, number>>();
let scope = '';

/** Counts the inputs that follow under `name` (the engine a describe block runs on). */
export function countScope(name: string): void {
  scope = name;
}

export function countInput(label: string): void {
  const m = tried.get(scope) ?? new Map<string, number>();
  m.set(label, (m.get(label) ?? 0) + 1);
  tried.set(scope, m);
}

/** "title: N inputs tried", then one line per label, for the current scope. */
export function triedReport(title: string): string {
  const m = tried.get(scope) ?? new Map<string, number>();
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return [`${title}: ${total} inputs tried`, ...[...m].map(([k, n]) => `  ${k}: ${n}`)].join('\n');
}

/** Describes a request for a counterexample: long values are cut, invisible characters shown. */
export function show(x: unknown): string {
  const s = typeof x === 'string' ? x : Buffer.isBuffer(x) ? `<bytes ${x.toString('latin1')}>` : JSON.stringify(x);
  const cut = s.length > 400 ? `${s.slice(0, 400)}… (${s.length} characters)` : s;
  // eslint-disable-next-line no-control-regex -- control characters are what this makes visible
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\ud800-\udfff\u2028\u2029\u202e\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How many times more runs (and time) than the default a property gets (HAVEN_FUZZ_SCALE). */
function scale(): number {
  return Number(process.env.HAVEN_FUZZ_SCALE ?? 1);
}

/** fast-check settings for HTTP properties: modest runs, a time bound even while shrinking. */
/**
 * The seed `npm test` uses, so a run is the same on every machine: a red run replays exactly and
 * a green one stays green until the code changes. Exploring new inputs is a separate, deliberate
 * run: `HAVEN_FUZZ_SEED=random` (fast-check picks and prints a seed), with HAVEN_FUZZ_SCALE.
 */
export const DEFAULT_FUZZ_SEED = 20261201;

/**
 * How long one property may run, at scale 1: the runs a property is given are usually done well
 * before it, and where a slow engine or machine does not get through them, the suite's time
 * budget (25 minutes on two cores, CI's) goes first. A deliberate exploring run scales it.
 */
export const PROPERTY_TIME_MS = 12_000;

export function runs(numRuns: number): { numRuns: number; interruptAfterTimeLimit: number; markInterruptAsFailure: boolean; seed?: number } {
  const seed = process.env.HAVEN_FUZZ_SEED ?? String(DEFAULT_FUZZ_SEED);
  return {
    numRuns: Math.max(1, Math.round(numRuns * scale())),
    interruptAfterTimeLimit: PROPERTY_TIME_MS * scale(),
    markInterruptAsFailure: false,
    ...(seed === 'random' ? {} : { seed: Number(seed) }),
  };
}

/**
 * The test timeout of a test holding one property: its time bound (`runs`) and room for the
 * test's own set-up. Were the test stopped first, its property would go on sending requests
 * behind the next test's back, into the same app and database.
 */
export function fuzzTimeout(properties = 1): number {
  return 30_000 + properties * PROPERTY_TIME_MS * scale();
}

/**
 * fc.assert for an async property, returning only once no run of it is still going. At its time
 * limit fast-check stops waiting for the run in progress but does not stop it: the run would go
 * on writing while the next property (or test) takes its snapshots of the same database, and a
 * refusal there would seem to have written what this run wrote.
 */
export async function assertProperty<T>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  settings: fc.Parameters<[T]>,
): Promise<void> {
  let last: Promise<unknown> = Promise.resolve();
  try {
    await fc.assert(
      fc.asyncProperty(arb, (value) => {
        const run = predicate(value);
        last = run.catch(() => undefined);
        return run;
      }),
      settings,
    );
  } finally {
    await last;
  }
}
