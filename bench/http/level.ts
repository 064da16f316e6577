// The HTTP level of `npm run bench`: for one engine and one database size, Haven in its own
// process (bench/http/server.ts) on a copy of a cached demo database, driven over loopback from
// this process. Every measure is added to `results` beside a baseline of the same run.

import http from 'node:http';
import { CASE_STATUSES } from '../../src/contracts/case.js';
import type { Db, Results } from '../results.js';
import { summarize } from '../results.js';
import { ensureDatabase, workCopy } from './cache.js';
import { intakeLoad, rawCommitRate } from './intake-load.js';
import { closedLoop, get, startServer, watchRss, type BenchServer } from './load.js';
import type { RewrapRun, SearchIndexRun, SearchTerms } from './server.js';

export interface LevelOptions {
  engine: Db;
  size: number;
  cacheDir: string;
  quick: boolean;
  results: Results;
  /** PostgreSQL: a server where the benchmark may create databases. */
  adminUrl?: string;
  log: (line: string) => void;
  /** Build the database again even when the cache holds it (to time `haven demo`). */
  rebuild?: boolean;
  /** A folder of SQLite databases built elsewhere (cache.ts). */
  importDir?: string;
  /** Leave search out: its index walk over a database not yet indexed takes long (`--skip-search`). */
  skipSearch?: boolean;
}

/** How much of each measure: `--quick` keeps the whole run under a few minutes. */
export function budget(quick: boolean) {
  return quick
    ? {
        trivial: 200,
        queue: 25,
        search: 25,
        cases: 60,
        views: 500,
        viewsMs: 15_000,
        intakeMs: 2500,
        floodMs: 3000,
        rawMs: 1500,
        idleMs: 1000,
        rotationMs: 2000,
      }
    : {
        trivial: 1000,
        queue: 200,
        search: 200,
        cases: 500,
        views: 10_000,
        viewsMs: 15 * 60_000,
        intakeMs: 15_000,
        floodMs: 15_000,
        rawMs: 5000,
        idleMs: 3000,
        rotationMs: 10_000,
      };
}

/** Sequential GETs of `url(i)`, after a few unmeasured ones; p50, p95 and failures. */
async function sample(n: number, url: (i: number) => string, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < Math.min(5, n); i++) await get(agent, url(i), headers);
    const times: number[] = [];
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const r = await get(agent, url(i), headers);
      if (r.status !== 200) failed++;
      times.push(r.ms);
    }
    return { ...summarize(times), failed };
  } finally {
    agent.destroy();
  }
}

/** Sequential GETs of `url` until `until` settles; the latencies seen meanwhile. */
async function probeWhile<T>(until: Promise<T>, url: string, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let done = false;
  const settled = until.finally(() => (done = true));
  const times: number[] = [];
  let failed = 0;
  while (!done) {
    try {
      const r = await get(agent, url, headers);
      times.push(r.ms);
      if (r.status !== 200) failed++;
    } catch {
      failed++;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  agent.destroy();
  return { value: await settled, ...summarize(times), failed };
}

/** A stylesheet of the public pages: the cheapest request Haven answers, the HTTP baseline. */
async function trivialUrl(baseUrl: string): Promise<string> {
  const agent = new http.Agent({ keepAlive: false });
  const page = await get(agent, `${baseUrl}/request`);
  const href = /<link[^>]+href="([^"]+\.css)"/.exec(page.body)?.[1];
  return href ? new URL(href, baseUrl).toString() : `${baseUrl}/request`;
}

export async function httpLevel(o: LevelOptions): Promise<void> {
  const { engine: db, size, results, log } = o;
  const b = budget(o.quick);
  const add = (name: string, value: number, unit: string, baseline?: string) =>
    results.add({ name, db, size, value, unit, ...(baseline ? { baseline } : {}) });

  const entry = await ensureDatabase(o.cacheDir, db, size, {
    adminUrl: o.adminUrl,
    log,
    rebuild: o.rebuild,
    importDir: o.importDir,
  });
  if (entry.builtSeconds !== undefined) add('demo.build_s', entry.builtSeconds, 's');
  const work = await workCopy(o.cacheDir, entry, db, size, o.adminUrl);
  let server: BenchServer | undefined;
  try {
    server = await startServer(work.env);
    const base = server.baseUrl;
    add('server.rss_start_mb', server.rssMb(), 'MB');
    const rss = watchRss(server.pid);
    const s = await server.session();
    const staff = { cookie: s.cookie };

    // Baseline: the cheapest request over the same loopback, one at a time.
    const trivial = await trivialUrl(base);
    const t = await sample(b.trivial, () => trivial, {});
    add('http.trivial.p50_ms', t.p50, 'ms');
    add('http.trivial.p95_ms', t.p95, 'ms');

    // Every filter the queue offers (one sort: awaiting a reply, then first-response due).
    const first = await get(new http.Agent(), `${base}/staff`, staff);
    if (first.status !== 200)
      throw new Error(`GET /staff answered ${first.status}: the bench session was refused`);
    const cursor = /[?&;]cursor=([^"&]+)/.exec(first.body)?.[1];
    const filters: [string, string][] = [
      ['main', ''],
      ...(cursor ? ([['page2', `cursor=${cursor}`]] as [string, string][]) : []),
      ['spam', 'view=spam'],
      ...CASE_STATUSES.map((st): [string, string] => [`status_${st}`, `status=${st}`]),
      ...(s.incidentType
        ? ([['incident_type', `incident_type=${s.incidentType}`]] as [string, string][])
        : []),
      ...(s.region ? ([['region', `region=${s.region}`]] as [string, string][]) : []),
      ...(s.language ? ([['language', `language=${s.language}`]] as [string, string][]) : []),
      ['assignee_mine', 'assignee=mine'],
      ['assignee_unassigned', 'assignee=unassigned'],
      ...(s.assignee
        ? ([['assignee_staff', `assignee=${encodeURIComponent(s.assignee)}`]] as [string, string][])
        : []),
      ...(s.region
        ? ([['status_closed_region', `status=closed&region=${s.region}`]] as [string, string][])
        : []),
    ];
    for (const [label, qs] of filters) {
      const q = await sample(b.queue, () => `${base}/staff${qs ? `?${qs}` : ''}`, staff);
      if (q.failed) log(`  warning: /staff?${qs} failed ${q.failed} times`);
      add(`http.queue.${label}.p50_ms`, q.p50, 'ms', 'http.trivial.p50_ms');
      add(`http.queue.${label}.p95_ms`, q.p95, 'ms', 'http.trivial.p95_ms');
    }

    // The case page, cases picked at random over the whole database.
    const caseUrl = () =>
      `${base}/staff/cases/${1 + Math.floor(Math.random() * Math.max(1, s.maxCaseId))}`;
    const c = await sample(b.cases, caseUrl, staff);
    if (c.failed) log(`  warning: the case page failed ${c.failed} times`);
    add('http.case.p50_ms', c.p50, 'ms', 'http.trivial.p50_ms');
    add('http.case.p95_ms', c.p95, 'ms', 'http.trivial.p95_ms');

    // Search (ADR 37), unless left out (`--skip-search`). `haven demo` indexes what it writes; a
    // cache entry built before the index existed is indexed here first (timed: the walk a new
    // install or a key rotation runs).
    if (!o.skipSearch) {
      const built = await server.call<SearchIndexRun>({ op: 'search-index' }, 12 * 60 * 60_000);
      if (built.indexed > 0) {
        log(`  indexed ${built.indexed.toLocaleString('en')} cases for search in ${(built.durationMs / 1000).toFixed(0)} s (--rebuild makes it part of haven demo)`);
        add('search.index_walk.cases_per_s', built.indexed / (built.durationMs / 1000), 'cases/s');
        add('search.index_walk.max_stall_ms', built.maxStallMs, 'ms');
      }
      const terms = await server.call<SearchTerms>({ op: 'search-terms' });
      add('search.index_rows_per_case', terms.rows / Math.max(1, terms.cases), 'rows');
      if (terms.bytes !== null) add('search.index_bytes_per_case', terms.bytes / Math.max(1, terms.cases), 'bytes');
      // A word in most English requests, one in few, two together, one in none, an email, a domain.
      const searches: [string, string][] = [
        ['common', 'my'],
        ['rare', 'checkpoint'],
        ['two_words', 'phone battery'],
        ['absent', 'zqxvjk'],
        ...(terms.email ? ([['email', terms.email]] as [string, string][]) : []),
        ...(terms.domain ? ([['domain', terms.domain]] as [string, string][]) : []),
      ];
      for (const [label, q] of searches) {
        const r = await sample(b.search, () => `${base}/staff/search?q=${encodeURIComponent(q)}`, staff);
        if (r.failed) log(`  warning: search ${label} failed ${r.failed} times`);
        add(`http.search.${label}.p50_ms`, r.p50, 'ms', 'http.trivial.p50_ms');
        add(`http.search.${label}.p95_ms`, r.p95, 'ms', 'http.trivial.p95_ms');
      }
    }

    // Many case-page views (16 clients): the server's memory must stay flat.
    const views = await closedLoop({
      clients: 16,
      count: b.views,
      durationMs: b.viewsMs,
      next: caseUrl,
      headers: staff,
    });
    add('http.case.views.c16', views.ok, 'views');
    add('http.case.views_per_s.c16', views.perSecond, 'views/s');
    add('server.rss_after_case_views_mb', server.rssMb(), 'MB', 'server.rss_start_mb');

    // Intake at 1, 16 and 64 clients, against the raw durable commit rate of the same disk/server.
    const raw = await rawCommitRate(db, {
      durationMs: b.rawMs,
      dir: work.env.DATA_DIR,
      databaseUrl: work.env.DATABASE_URL,
    });
    add('db.raw_commits_per_s', raw, 'commits/s');
    for (const clients of [1, 16, 64]) {
      const r = await intakeLoad({ baseUrl: base, clients, durationMs: b.intakeMs });
      if (r.refused || r.errors)
        log(`  note: intake c${clients}: ${r.refused} refused, ${r.errors} errors`);
      add(
        `intake.submissions_per_s.c${clients}`,
        r.perSecond,
        'submissions/s',
        'db.raw_commits_per_s',
      );
      add(`intake.p50_ms.c${clients}`, r.p50, 'ms', 'http.trivial.p50_ms');
      add(`intake.p95_ms.c${clients}`, r.p95, 'ms', 'http.trivial.p95_ms');
      add(`intake.p99_ms.c${clients}`, r.p99, 'ms', 'http.trivial.p95_ms');
      add(`intake.refused.c${clients}`, r.refused + r.errors, 'requests');
    }

    // The staff queue while a second flood of requests arrives (64 intake clients).
    const flood = probeWhile(
      intakeLoad({ baseUrl: base, clients: 64, durationMs: b.floodMs }),
      `${base}/staff`,
      staff,
    );
    const f = await flood;
    add('http.queue.main.p95_ms.during_intake', f.p95, 'ms', 'http.queue.main.p95_ms');
    add(
      'intake.submissions_per_s.c64.during_queue',
      f.value.perSecond,
      'submissions/s',
      'db.raw_commits_per_s',
    );
    add('server.rss_peak_mb', rss.stop(), 'MB', 'server.rss_start_mb');

    // Jobs on the large database: the longest event-loop stall inside the server while each runs,
    // against the longest stall of the same server idle; and a probe request's latency meanwhile.
    const idle = await server.call<number>({ op: 'idle-stall', ms: b.idleMs });
    add('jobs.idle.max_stall_ms', idle, 'ms');
    const rule = await server.call<{ days: number; due: number }>({
      op: 'retention-rule',
      spanDays: 2,
    });
    add('jobs.retention.cases_due', rule.due, 'cases');
    for (const [name, label] of [
      ['retention', 'retention'],
      ['backup-keys', 'backup_keys'],
    ] as const) {
      const p = await probeWhile(server.job(name), trivial, {});
      if (!p.value.outcome.startsWith('done')) log(`  warning: job ${name}: ${p.value.outcome}`);
      add(`jobs.${label}.max_stall_ms`, p.value.maxStallMs, 'ms', 'jobs.idle.max_stall_ms');
      add(`jobs.${label}.duration_ms`, p.value.durationMs, 'ms');
      add(`jobs.${label}.probe_p95_ms`, p.p95, 'ms', 'http.trivial.p95_ms');
      add(`jobs.${label}.probe_max_ms`, p.max, 'ms', 'http.trivial.p95_ms');
    }

    // Key rotation moving case keys (batches of 200, as finishRotation does), stopped after a
    // bounded time: a million keys take minutes, and every batch costs the same.
    const rot = await probeWhile(
      server.call<RewrapRun>({ op: 'rewrap', ms: b.rotationMs }),
      trivial,
      {},
    );
    add('jobs.key_rotation.max_stall_ms', rot.value.maxStallMs, 'ms', 'jobs.idle.max_stall_ms');
    add('jobs.key_rotation.duration_ms', rot.value.durationMs, 'ms');
    add('jobs.key_rotation.keys_per_s', rot.value.rewrapped / (rot.value.durationMs / 1000), 'keys/s');
    add('jobs.key_rotation.probe_p95_ms', rot.p95, 'ms', 'http.trivial.p95_ms');
    add('jobs.key_rotation.probe_max_ms', rot.max, 'ms', 'http.trivial.p95_ms');

    // SIGTERM while retention runs (more closures made due than the run above purged).
    const more = await server.call<{ days: number; due: number }>({
      op: 'retention-rule',
      spanDays: 6,
    });
    add('jobs.retention.cases_due.sigterm', more.due, 'cases');
    await server.call({ op: 'job-start', name: 'retention' });
    await new Promise((r) => setTimeout(r, 200));
    add('server.sigterm_exit_ms.during_retention', await server.terminate(60_000), 'ms');
  } finally {
    await server?.close();
    await work.dispose();
  }
}
