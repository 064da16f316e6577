import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { openMessageBody } from '../../src/modules/cases/message-body.js';
import { normalizeReceipt } from '../../src/platform/crypto/receipt.js';
import { Vault } from '../../src/platform/crypto/vault.js';
import type { Storage } from '../../src/platform/storage/db.js';
import type { Engine } from '../engines.js';
import { prepareHaven, type HavenProcess, type PreparedHaven } from './haven-process.js';

/**
 * The intake crash test: real clients send the real request form to a real `haven serve`,
 * which is SIGKILLed at random moments and started again on the same database. After every
 * restart each acknowledged request must be there, intact, exactly once; each form whose
 * answer was lost in the kill is sent again with the same form token and must come out
 * right: refused as already sent (409) when its case was saved, accepted (201) when it was
 * not, never a second case. A person told "already sent" when nothing was saved has lost
 * their request; that is what this test exists to catch.
 */

export interface CrashOptions {
  /** How many times the server is killed and started again. */
  cycles: number;
  /** Concurrent clients, each sending one form after another. */
  clients: number;
  /** Each kill comes at a random moment this many milliseconds after the flood starts. */
  killAfterMs: [number, number];
  /** A bound on the forms one client sends in one cycle. */
  maxPerClient: number;
  /** Acknowledged receipts read back through /followup after each restart. */
  httpSample: number;
}

export const CRASH_DEFAULTS: CrashOptions = {
  cycles: Number(process.env.HAVEN_CRASH_CYCLES ?? 20),
  clients: 8,
  killAfterMs: [150, 900],
  maxPerClient: 60,
  httpSample: 2,
};

export interface CrashCounts {
  engine: string;
  killCycles: number;
  /** Forms posted (the flood and the resends). */
  requestsSent: number;
  /** Forms answered 201 with a receipt that arrived whole. */
  acknowledged: number;
  /** Acknowledged requests found, intact and once, after the last restart. */
  found: number;
  /** Forms whose answer was lost in a kill (or was not a 201) and were sent again. */
  resent: number;
  /** Resends of a saved request refused as already sent (409), nothing added. */
  resendRefusedSaved: number;
  /** Resends of a request that was not saved, accepted (201). */
  resendAccepted: number;
  /** Resends that came out right, either way: the request exists exactly once. */
  resendsSavedOnce: number;
  /** Markers found in more than one case. */
  duplicates: number;
  /** Resends refused as already sent although nothing had been saved: lost requests. */
  wronglyRefused: number;
  /** Acknowledged requests read back through /followup and the conversation page. */
  readBackOverHttp: number;
  /** Spent form tokens minus cases, after the last restart (claims without a case). */
  tokensWithoutCase: number | null;
}

export interface CrashReport {
  counts: CrashCounts;
  /** Everything that went wrong, one line each (empty when the run passed). */
  problems: string[];
}

interface Attempt {
  marker: string;
  description: string;
  body: string;
  cycle: number;
  /** `answered`: a complete answer that was not a receipt; `settled`: resent and accounted for. */
  state: 'sending' | 'acked' | 'lost' | 'answered' | 'settled';
  status?: number;
  receipt?: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const MARKER = /crash-marker-[a-z0-9-]+/;

function tokenIn(html: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

function receiptIn(html: string): string | null {
  // The code's groups are in spans, with a break opportunity between them (views/receipt.tsx).
  const m = /id="receipt"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  const code = m ? m[1]!.replace(/<[^>]*>/g, '').trim() : '';
  return /^[0-9A-Z-]+$/.test(code) ? code : null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** What a decrypted index of the database says about each marker. */
interface Found {
  caseIds: number[];
  receiptHashes: string[];
  descriptions: string[];
}

/**
 * Reads every requester message in the database and decrypts it with the vault built from
 * the same master key the server uses, keyed by the marker in its text. Case rows never
 * change their first message here, so decryptions are kept between calls.
 */
class MarkerIndex {
  private readonly plain = new Map<string, string>();
  constructor(
    private readonly storage: Storage,
    private readonly vault: Vault,
  ) {}

  async read(): Promise<Map<string, Found>> {
    const rows = await this.storage.db
      .selectFrom('cases')
      .innerJoin('messages', 'messages.case_id', 'cases.id')
      .select([
        'cases.id as caseId',
        'cases.receipt_hash',
        'cases.key_wrapped',
        'messages.id',
        'messages.body_enc',
        'messages.sealed_to_key',
      ])
      .where('messages.kind', '=', 'requester')
      .execute();
    const out = new Map<string, Found>();
    for (const r of rows) {
      let text = this.plain.get(r.id);
      if (text === undefined) {
        const key = this.vault.caseKey(r.caseId, r.key_wrapped);
        text = openMessageBody(this.vault, key, r);
        this.plain.set(r.id, text);
      }
      const marker = MARKER.exec(text)?.[0];
      if (!marker) continue;
      const f = out.get(marker) ?? { caseIds: [], receiptHashes: [], descriptions: [] };
      if (!f.caseIds.includes(r.caseId)) {
        f.caseIds.push(r.caseId);
        f.receiptHashes.push(r.receipt_hash);
        f.descriptions.push(text);
      }
      out.set(marker, f);
    }
    return out;
  }
}

async function count(storage: Storage, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(storage.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Spent form tokens (whichever table holds them in this schema), or null when none does. */
async function spentTokens(storage: Storage): Promise<number | null> {
  for (const table of ['spent_tokens', 'intake_form_tokens']) {
    try {
      return await count(storage, table);
    } catch {
      // not this schema's table
    }
  }
  return null;
}

/**
 * The database's own checks (SQLite), and Haven's invariants on both engines: every case has
 * its first message and its `case.created` audit row, nothing points at a case that does not
 * exist, and the counts agree.
 */
export async function integrityProblems(storage: Storage): Promise<string[]> {
  const problems: string[] = [];
  const db = storage.db;
  if (storage.dialect === 'sqlite') {
    const ic = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
    const verdict = ic.rows.map((r) => Object.values(r)[0]).join('; ');
    if (verdict !== 'ok') problems.push(`PRAGMA integrity_check: ${verdict}`);
    const fk = await sql`PRAGMA foreign_key_check`.execute(db);
    if (fk.rows.length > 0) problems.push(`PRAGMA foreign_key_check: ${JSON.stringify(fk.rows.slice(0, 5))}`);
  }
  const one = async (label: string, q: ReturnType<typeof sql<{ n: number | string }>>) => {
    const n = Number((await q.execute(db)).rows[0]?.n ?? 0);
    if (n !== 0) problems.push(`${label}: ${n}`);
  };
  await one(
    'cases without their first message',
    sql`SELECT count(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.kind = 'requester')`,
  );
  await one(
    'cases without their case.created audit row',
    sql`SELECT count(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.case_id = c.id AND a.action = 'case.created')`,
  );
  await one(
    'messages of a case that does not exist',
    sql`SELECT count(*) AS n FROM messages m WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = m.case_id)`,
  );
  await one(
    'audit rows of a case that does not exist',
    sql`SELECT count(*) AS n FROM audit_log a WHERE a.case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = a.case_id)`,
  );
  await one(
    'follow-up sessions of a case that does not exist',
    sql`SELECT count(*) AS n FROM requester_sessions s WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = s.case_id)`,
  );
  const created = await sql<{ n: number | string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'case.created'`.execute(db);
  const cases = await count(storage, 'cases');
  if (Number(created.rows[0]?.n) !== cases) {
    problems.push(`${cases} cases but ${Number(created.rows[0]?.n)} case.created audit rows`);
  }
  return problems;
}

/** Runs the whole crash test on one engine and returns its counts and problems. */
export async function runIntakeCrash(engine: Engine, opts: CrashOptions = CRASH_DEFAULTS): Promise<CrashReport> {
  const db = await engine.create();
  const master = randomBytes(32);
  const vault = new Vault(master);
  const index = new MarkerIndex(db.storage, vault);
  const env = {
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.url ?? '',
    HAVEN_MASTER_KEY: master.toString('hex'),
    HAVEN_SEALED: 'false',
    INTAKE_MIN_FILL_SECONDS: '0',
    INTAKE_BUDGET_PER_HOUR: '100000',
    LOG_LEVEL: 'warn',
  };
  const counts: CrashCounts = {
    engine: engine.name,
    killCycles: 0,
    requestsSent: 0,
    acknowledged: 0,
    found: 0,
    resent: 0,
    resendRefusedSaved: 0,
    resendAccepted: 0,
    resendsSavedOnce: 0,
    duplicates: 0,
    wronglyRefused: 0,
    readBackOverHttp: 0,
    tokensWithoutCase: 0,
  };
  const problems: string[] = [];
  const attempts: Attempt[] = [];
  let seq = 0;
  let server: HavenProcess | undefined;
  let next: PreparedHaven | undefined;

  const post = async (origin: string, a: Attempt): Promise<Response> => {
    counts.requestsSent += 1;
    return fetch(`${origin}/request`, {
      method: 'POST',
      headers: FORM,
      body: a.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
  };

  /** One client: form page, then the form, again and again until the server dies or the bound. */
  const client = async (origin: string, cycle: number, id: number, stop: { now: boolean }) => {
    for (let i = 0; i < opts.maxPerClient && !stop.now; i++) {
      let token: string;
      try {
        const page = await fetch(`${origin}/request`, { signal: AbortSignal.timeout(20_000) });
        token = tokenIn(await page.text());
      } catch {
        return; // the server is gone before this form was sent: nothing to account for
      }
      const marker = `crash-marker-${engine.name}-${cycle}-${id}-${i}-${(seq += 1)}-${randomBytes(4).toString('hex')}`;
      const description = `Please help, ${marker}, our office laptop was seized at the border yesterday.`;
      const a: Attempt = {
        marker,
        description,
        cycle,
        state: 'sending',
        body: new URLSearchParams({
          _csrf: token,
          description,
          urgency: 'reactive',
          country: 'KE',
          language: 'en',
          contact_method: 'none',
          contact: '',
          beneficiary: 'journalist',
          consent: 'yes',
        }).toString(),
      };
      attempts.push(a);
      try {
        const res = await post(origin, a);
        const html = await res.text();
        a.status = res.status;
        const receipt = res.status === 201 ? receiptIn(html) : null;
        if (receipt) {
          a.state = 'acked';
          a.receipt = receipt;
          counts.acknowledged += 1;
        } else {
          a.state = 'answered';
        }
      } catch {
        a.state = 'lost';
        return;
      }
    }
  };

  /** After a restart: check every acknowledged request, resend every unanswered form, read a sample back. */
  const settle = async (origin: string) => {
    const before = await index.read();
    const pending = attempts.filter((a) => a.state === 'lost' || a.state === 'answered');
    const rightly = new Set<Attempt>();
    const resend = async (a: Attempt) => {
      const saved = (before.get(a.marker)?.caseIds.length ?? 0) > 0;
      counts.resent += 1;
      const res = await post(origin, a);
      const html = await res.text();
      a.status = res.status;
      if (saved && res.status === 409) {
        counts.resendRefusedSaved += 1;
        rightly.add(a);
      } else if (!saved && res.status === 201 && receiptIn(html)) {
        counts.resendAccepted += 1;
        counts.acknowledged += 1;
        a.state = 'acked';
        a.receipt = receiptIn(html)!;
        rightly.add(a);
      } else if (!saved && res.status === 409) {
        counts.wronglyRefused += 1;
        problems.push(
          `cycle ${a.cycle}: a form whose answer was lost was not saved, and sending it again was refused as already sent (409): ${a.marker}`,
        );
      } else {
        problems.push(
          `cycle ${a.cycle}: resending a form ${saved ? 'that was saved' : 'that was not saved'} answered ${res.status}: ${a.marker}`,
        );
      }
      // Whatever the answer, this form is accounted for now.
      if (a.state !== 'acked') a.state = 'settled';
    };
    // Each form once, all at the same time, as people whose page failed would press "send" again.
    await Promise.all(pending.map(resend));
    const after = await index.read();
    for (const a of rightly) if (after.get(a.marker)?.caseIds.length === 1) counts.resendsSavedOnce += 1;
    for (const a of attempts.filter((x) => x.state === 'acked')) {
      const f = after.get(a.marker);
      const hash = vault.keyedHash('receipt', normalizeReceipt(a.receipt ?? '') ?? '');
      if (!f) problems.push(`cycle ${a.cycle}: an acknowledged request is missing: ${a.marker}`);
      else if (!f.receiptHashes.includes(hash)) problems.push(`cycle ${a.cycle}: the receipt of ${a.marker} does not open its case`);
      else if (!f.descriptions.includes(a.description)) problems.push(`cycle ${a.cycle}: the description of ${a.marker} was changed`);
    }
    const sample = attempts.filter((a) => a.state === 'acked').sort(() => Math.random() - 0.5).slice(0, opts.httpSample);
    await Promise.all(sample.map((a) => readBack(origin, a)));
    return after;
  };

  /** Reads an acknowledged request back the way its sender would: receipt → conversation. */
  const readBack = async (origin: string, a: Attempt) => {
    const page = await fetch(`${origin}/followup`);
    const signIn = await fetch(`${origin}/followup`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ _csrf: tokenIn(await page.text()), receipt: a.receipt! }).toString(),
      redirect: 'manual',
    });
    await signIn.text();
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('haven_followup='))?.split(';')[0];
    if (signIn.status !== 303 || !cookie) {
      problems.push(`the receipt of ${a.marker} was refused on /followup (${signIn.status})`);
      return;
    }
    const conv = await fetch(`${origin}/followup/conversation`, { headers: { cookie }, redirect: 'manual' });
    const html = await conv.text();
    if (conv.status !== 200 || !html.includes(a.description)) {
      problems.push(`the conversation of ${a.marker} does not show what was sent (${conv.status})`);
      return;
    }
    counts.readBackOverHttp += 1;
  };

  try {
    const debug = process.env.HAVEN_CRASH_DEBUG === '1';
    let t = performance.now();
    const lap = (what: string) => {
      if (debug) console.log(`${engine.name} ${what}: ${Math.round(performance.now() - t)} ms`);
      t = performance.now();
    };
    server = await (await prepareHaven(env)).start();
    lap('first start');
    for (let cycle = 1; cycle <= opts.cycles; cycle++) {
      // The next server loads its code meanwhile; it opens nothing before it is told to start.
      next = await prepareHaven(env);
      await settle(server.origin);
      lap(`cycle ${cycle} settle`);
      const sentBefore = counts.requestsSent;
      const stop = { now: false };
      const origin = server.origin;
      const victim = server;
      const killer = sleep(between(opts.killAfterMs)).then(async () => {
        stop.now = true;
        await victim.kill();
      });
      await Promise.all([killer, ...Array.from({ length: opts.clients }, (_, id) => client(origin, cycle, id, stop))]);
      counts.killCycles += 1;
      // Anything still marked as sending had no answer when the process died.
      for (const a of attempts) if (a.state === 'sending') a.state = 'lost';
      lap(`cycle ${cycle} flood (${counts.requestsSent - sentBefore} sent)`);
      server = await next.start();
      next = undefined;
      lap(`cycle ${cycle} restart`);
    }
    const final = await settle(server.origin);
    for (const [marker, f] of final) {
      if (f.caseIds.length > 1) {
        counts.duplicates += 1;
        problems.push(`${marker} was saved ${f.caseIds.length} times (cases ${f.caseIds.join(', ')})`);
      }
    }
    counts.found = attempts.filter((a) => {
      const f = a.state === 'acked' ? final.get(a.marker) : undefined;
      return f?.caseIds.length === 1 && f.descriptions[0] === a.description;
    }).length;
    const spent = await spentTokens(db.storage);
    counts.tokensWithoutCase = spent === null ? null : spent - (await count(db.storage, 'cases'));
    // Stopped cleanly first, so the checks see the database at rest.
    await server.stop();
    server = undefined;
    problems.push(...(await integrityProblems(db.storage)));
    return { counts, problems };
  } catch (e) {
    const tail = server ? `\n--- haven serve said:\n${server.tail()}` : '';
    throw new Error(`${e instanceof Error ? e.message : String(e)}${tail}`, { cause: e });
  } finally {
    await server?.kill();
    await next?.discard();
    await db.dispose();
  }
}

/** The counts as one block for the test log and docs/security-testing.md. */
export function formatCounts(c: CrashCounts): string {
  return [
    `intake crash test on ${c.engine}:`,
    `  kill cycles ${c.killCycles}, requests sent ${c.requestsSent} (resent ${c.resent}), acknowledged ${c.acknowledged}, found ${c.found}`,
    `  resends: saved once ${c.resendsSavedOnce} (refused as already saved ${c.resendRefusedSaved}, accepted ${c.resendAccepted}), wrongly refused ${c.wronglyRefused}`,
    `  duplicates ${c.duplicates}, read back over HTTP ${c.readBackOverHttp}, form tokens spent without a case ${c.tokensWithoutCase ?? 'n/a'}`,
  ].join('\n');
}

/** The crash test as a Vitest suite on one engine (one file per engine, so they run side by side). */
export function describeIntakeCrash(engine: Engine | undefined, opts: CrashOptions = CRASH_DEFAULTS): void {
  const name = engine?.name ?? 'an engine that is not configured';
  describe.skipIf(!engine?.available)(`intake under SIGKILL on ${name}`, () => {
    it(
      `keeps every acknowledged request and lets every lost one be sent again, over ${opts.cycles} kills`,
      async () => {
        const { counts, problems } = await runIntakeCrash(engine!, opts);
        console.log(formatCounts(counts));
        expect({ problems: problems.length, first: problems.slice(0, 10) }).toEqual({ problems: 0, first: [] });
        expect(counts.killCycles).toBe(opts.cycles);
        expect(counts.found).toBe(counts.acknowledged);
        // The kills must have cut forms in flight, or the run proved nothing.
        expect(counts.resent).toBeGreaterThan(0);
      },
      60_000 + opts.cycles * 20_000,
    );
  });
}
