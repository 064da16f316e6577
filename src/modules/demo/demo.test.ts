import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, type Engine } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { Deps } from '../../deps.js';
import { DEMO_HANDLER_EMAIL } from '../accounts/index.js';
import { createHash } from 'node:crypto';
import { countNonDemoCases, requesterView, submitRequest } from '../cases/index.js';
import { runRetention } from '../retention/index.js';
import { demoPlan, demoWindow, LIVE_BACKLOG, REACTIVE_SHARE, type DemoCase } from './demo.js';
import { DEMO_TEXT } from './demo.text.js';
import { generateDemo, runDemo } from './index.js';
import { insertStaffRow } from '../../../test/staff-row.js';

const YEAR_START = Date.UTC(2023, 0, 1);
const YEAR_END = Date.UTC(2024, 0, 1);
const HANDLER_ID = 'demo-handler-test';

/** A staff row for the demo to attribute replies to (the accounts module is not under test here). */
async function addHandler(deps: Deps): Promise<void> {
  const now = deps.now();
  await insertStaffRow(deps.db, {
    id: HANDLER_ID,
    email: 'demo.test@handler.invalid',
    displayName: 'Demo',
    role: 'handler',
    at: now,
  });
}

async function demoHarness(engine: Engine, requests: number, seed: string): Promise<Harness> {
  const h = await createHarness(engine);
  await addHandler(h.deps);
  const res = await generateDemo(h.deps, {
    requests,
    seed,
    year: 2023,
    handlerId: HANDLER_ID,
    batchSize: 64,
  });
  expect(res.ok).toBe(true);
  return h;
}

/** Every structured column of the demo, in a stable order: what a seed must reproduce. */
async function structured(deps: Deps) {
  const cases = await deps.db
    .selectFrom('cases')
    .select([
      'id',
      'status',
      'urgency',
      'incident_type',
      'severity',
      'country',
      'region',
      'language',
      'beneficiary',
      'mandate',
      'contact_method',
      'assignee_id',
      'awaiting_reply',
      'created_at',
      'updated_at',
      'first_response_due_at',
      'first_response_at',
      'last_activity_at',
      'closed_at',
      'version',
    ])
    .select((eb) =>
      eb.case().when('contact_enc', 'is', null).then(0).else(1).end().as('has_contact'),
    )
    .orderBy('id')
    .execute();
  const messages = await deps.db
    .selectFrom('messages')
    .select(['case_id', 'kind', 'author_id', 'created_at'])
    .orderBy('case_id')
    .orderBy('created_at')
    .orderBy('kind')
    .execute();
  return { cases, messages };
}

describe('demo plan (pure)', () => {
  it('gives exactly the requested count and the 82/18 split for any size', () => {
    for (const requests of [0, 1, 7, 200, 3709]) {
      let n = 0;
      let reactive = 0;
      for (const c of demoPlan({
        requests,
        seed: 's',
        from: YEAR_START,
        to: YEAR_END,
        firstResponseMinutes: 120,
      })) {
        n++;
        if (c.urgency === 'reactive') reactive++;
      }
      expect(n).toBe(requests);
      expect(reactive).toBe(Math.round(requests * REACTIVE_SHARE));
    }
  });

  it('spreads requests over regions, languages and incident types unevenly', () => {
    const by = (key: 'region' | 'language' | 'incidentType' | 'beneficiary') => {
      const m = new Map<string, number>();
      for (const c of demoPlan({
        requests: 3709,
        seed: 'spread',
        from: YEAR_START,
        to: YEAR_END,
        firstResponseMinutes: 120,
      })) {
        m.set(String(c[key]), (m.get(String(c[key])) ?? 0) + 1);
      }
      return m;
    };
    const regions = by('region');
    expect(regions.size).toBeGreaterThanOrEqual(5);
    const languages = by('language');
    expect(languages.size).toBeGreaterThan(15);
    expect(languages.get('es')!).toBeGreaterThan(languages.get('fr')!);
    const types = by('incidentType');
    expect(types.get('harassment')!).toBeGreaterThan(types.get('ncii')! * 3);
    expect(by('beneficiary').get('journalist')!).toBeGreaterThan(300);
  });
});

describe('the demo window', () => {
  const NOW = Date.UTC(2026, 10, 22, 9, 30);
  const DAY = 24 * 60 * 60_000;

  it('is by default the 12 months up to now, and a calendar year on request', () => {
    expect(demoWindow(NOW)).toEqual({ from: Date.UTC(2025, 10, 22), to: NOW });
    expect(demoWindow(NOW, 2023)).toEqual({ from: YEAR_START, to: YEAR_END });
    expect(demoWindow(NOW, 2026)).toEqual({ from: Date.UTC(2026, 0, 1), to: NOW });
    expect(demoWindow(NOW, 2027)).toBeNull();
  });

  it('puts nothing after now, even on the day under way', () => {
    const w = demoWindow(NOW)!;
    let last = 0;
    let latest = 0;
    for (const c of demoPlan({ requests: 5000, seed: 'edge', ...w, firstResponseMinutes: 120 })) {
      for (const t of [c.createdAt, c.updatedAt, c.lastActivityAt, c.firstResponseAt, c.closedAt])
        latest = Math.max(latest, t ?? 0);
      for (const m of c.messages) latest = Math.max(latest, m.at);
      last = Math.max(last, c.createdAt);
    }
    expect(latest).toBeLessThanOrEqual(NOW);
    // The day under way has its requests, spread over its hours rather than piled up at now.
    expect(last).toBeGreaterThan(NOW - DAY / 2);
    expect(last).toBeLessThan(NOW - 1);
  });

  it('is the same for the same seed and clock, and moves with the clock', () => {
    const rules = [
      {
        status: 'closed',
        incidentType: null,
        basis: 'closed_at' as const,
        days: 90,
        enabled: true,
      },
    ];
    const plan = (now: number) => [
      ...demoPlan({
        requests: 300,
        seed: 's',
        ...demoWindow(now)!,
        firstResponseMinutes: 120,
        retention: rules,
      }),
    ];
    const first = plan(NOW);
    expect(plan(NOW)).toEqual(first);
    const later = plan(NOW + 30 * DAY);
    expect(later.map((c) => c.createdAt)).not.toEqual(first.map((c) => c.createdAt));
    expect(Math.min(...later.map((c) => c.createdAt))).toBeGreaterThanOrEqual(
      NOW + 29 * DAY - 365 * DAY,
    );
  });

  /** The queue at `now` of a plan: new cases, those past their deadline, claimed ones, waiting ones. */
  function queueAt(plan: Iterable<DemoCase>, now: number) {
    const q = { new: 0, overdue: 0, claimed: 0, waiting: 0, open: 0 };
    for (const c of plan) {
      if (c.status === 'new') {
        q.new++;
        if (c.firstResponseDueAt <= now) q.overdue++;
        if (c.assigned) q.claimed++;
      }
      if (c.status === 'waiting') q.waiting++;
      if (c.status === 'open') q.open++;
    }
    return q;
  }

  it('ends the 12 months up to now with a live backlog: new requests, some overdue, some claimed, others waiting', () => {
    const plan = (live: boolean, seed = 'haven') =>
      demoPlan({ requests: 3709, seed, ...demoWindow(NOW)!, firstResponseMinutes: 120, live });
    // Answered as in a past year, the queue at now is all but empty: nothing overdue.
    expect(queueAt(plan(false), NOW)).toEqual({ new: 1, overdue: 0, claimed: 1, waiting: 51, open: 38 });
    // As a live helpline holds it: five new requests, three of them past the two-hour deadline.
    expect(queueAt(plan(true), NOW)).toEqual({ new: 5, overdue: 3, claimed: 1, waiting: 45, open: 34 });
    // Every seed has a backlog of a few requests, all of the last hours, not a pile.
    for (const seed of ['live', 'a', 'b', 'c', 'd', 'e']) {
      const cases = [...plan(true, seed)];
      const q = queueAt(cases, NOW);
      expect(q.new, seed).toBeGreaterThanOrEqual(2);
      expect(q.new, seed).toBeLessThanOrEqual(8);
      expect(q.overdue, seed).toBeGreaterThanOrEqual(1);
      expect(q.overdue, seed).toBeLessThan(q.new + 1);
      expect(q.waiting, seed).toBeGreaterThan(15);
      for (const c of cases.filter((c) => c.status === 'new'))
        expect(NOW - c.createdAt, seed).toBeLessThan(LIVE_BACKLOG.hours * 60 * 60_000);
    }
    // Only the last hours change: every case that arrived before them is as it was.
    const cut = NOW - LIVE_BACKLOG.hours * 60 * 60_000;
    const before = (live: boolean) => [...plan(live)].filter((c) => c.createdAt < cut);
    expect(before(true)).toEqual(before(false));
    // And the same seed and clock give the same backlog.
    expect([...plan(true)]).toEqual([...plan(true)]);
  });

  it('gives the 2023 of the seed exactly: 3,709 requests, 82% reactive, the same cases every time', () => {
    const hash = createHash('sha256');
    const status: Record<string, number> = {};
    let n = 0;
    let reactive = 0;
    let messages = 0;
    for (const c of demoPlan({
      requests: 3709,
      seed: 'haven',
      ...demoWindow(NOW, 2023)!,
      firstResponseMinutes: 120,
    })) {
      n++;
      if (c.urgency === 'reactive') reactive++;
      messages += c.messages.length;
      status[c.status] = (status[c.status] ?? 0) + 1;
      hash.update(JSON.stringify(c));
    }
    expect({ n, reactive, messages, status }).toEqual({
      n: 3709,
      reactive: 3041,
      messages: 22_105,
      status: { closed: 2903, resolved: 526, referred: 205, waiting: 37, open: 34, vetting: 4 },
    });
    // The cases of `haven demo --year 2023` as they have always been, but for the referred
    // ones' closed_at (set since the demo follows ADR 9 there).
    expect(hash.digest('hex')).toBe(
      '3fab13d8e089f17ea755fb7421469c94498493a49e89d1e0d7a7d57f7bae295a',
    );
  });
});

/** The messages in the database. */
async function messageCount(deps: Deps): Promise<number> {
  const row = await deps.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`haven demo's 12 months up to now on ${engine.name}`, () => {
    const DAY = 24 * 60 * 60_000;
    let h: Harness;
    let emptied = 0;
    beforeAll(async () => {
      h = await createHarness(engine);
      await addHandler(h.deps);
      const res = await generateDemo(h.deps, {
        requests: 600,
        seed: 'live',
        handlerId: HANDLER_ID,
        batchSize: 128,
      });
      if (!res.ok) throw new Error(res.code);
      expect(res.summary.year).toBeNull();
      emptied = res.summary.emptiedByRetention;
    });
    afterAll(async () => h?.close());

    it('spreads the requests over the 12 months up to the clock, active cases near today, finished ones older', async () => {
      const now = h.deps.now();
      const from = demoWindow(now)!.from;
      const { cases, messages } = await structured(h.deps);
      expect(cases).toHaveLength(600);
      for (const c of cases) {
        for (const t of [
          c.created_at,
          c.updated_at,
          c.last_activity_at,
          c.first_response_at,
          c.closed_at,
        ]) {
          if (t === null) continue;
          expect(t).toBeGreaterThanOrEqual(from);
          expect(t).toBeLessThanOrEqual(now);
        }
      }
      for (const m of messages) expect(m.created_at).toBeLessThanOrEqual(now);
      // Every month of the window has its share (about 1/12 each).
      const months = new Array<number>(12).fill(0);
      for (const c of cases)
        months[Math.min(11, Math.floor((c.created_at - from) / ((365 * DAY) / 12)))]!++;
      for (const m of months) expect(m).toBeGreaterThan(600 * 0.04);
      // Some cases are still being worked on, all of them recent; most are finished.
      const active = cases.filter((c) => ['new', 'vetting', 'open', 'waiting'].includes(c.status));
      expect(active.length).toBeGreaterThan(0);
      expect(active.length / cases.length).toBeLessThan(0.1);
      for (const c of active) expect(now - c.created_at).toBeLessThan(125 * DAY);
      expect(active.some((c) => now - c.last_activity_at < 7 * DAY)).toBe(true);
      const lastWeek = cases.filter((c) => now - c.created_at < 7 * DAY);
      expect(lastWeek.filter((c) => c.closed_at === null).length).toBeGreaterThan(0);
      const older = cases.filter((c) => now - c.created_at > 150 * DAY);
      for (const c of older) expect(c.closed_at).not.toBeNull();
      expect(older.length / cases.length).toBeGreaterThan(0.5);
    });

    it('ends at a live helpline\'s now: the last hours were answered late or not yet, as the live plan has them', async () => {
      const now = h.deps.now();
      const plan = (live: boolean) =>
        [...demoPlan({ requests: 600, seed: 'live', ...demoWindow(now)!, firstResponseMinutes: h.deps.config.firstResponseMinutes, live })].map(
          (c) => [c.createdAt, c.firstResponseAt, c.status],
        );
      const { cases } = await structured(h.deps);
      const written = cases.map((c) => [c.created_at, c.first_response_at, c.status]);
      expect(written).toEqual(plan(true));
      expect(written).not.toEqual(plan(false));
    });

    it('is written as a live helpline holds it: the first retention run deletes no message', async () => {
      const before = await messageCount(h.deps);
      expect(before).toBeGreaterThan(600);
      // The cases the default rules (90 days after closing, 180 after a resolved case's last
      // activity) have already emptied: structured data only.
      expect(emptied).toBeGreaterThan(0);
      const emptyRows = await h.deps.db
        .selectFrom('cases')
        .select(['id', 'country', 'contact_enc'])
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('messages').select('id').whereRef('messages.case_id', '=', 'cases.id'),
            ),
          ),
        )
        .execute();
      expect(emptyRows).toHaveLength(emptied);
      for (const r of emptyRows) expect([r.country, r.contact_enc]).toEqual([null, null]);

      // Written as their purge left them: marked purged under their rule, key and receipt gone, audited.
      const purged = await h.deps.db
        .selectFrom('cases')
        .select(['id', 'purged_at', 'purge_rule', 'closed_at', 'last_activity_at'])
        .where('purged_at', 'is not', null)
        .execute();
      expect(purged.map((r) => r.id).sort()).toEqual(emptyRows.map((r) => r.id).sort());
      for (const r of purged) {
        expect(r.purge_rule).toMatch(/^retention:(closed|referred|resolved|spam):(\w+:)?\d+d$/);
        expect(r.purged_at!).toBeLessThanOrEqual(h.deps.now());
        expect(r.purged_at!).toBeGreaterThan(r.closed_at ?? r.last_activity_at);
      }
      const purgeAudits = await h.deps.db
        .selectFrom('audit_log')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('action', '=', 'case.purged')
        .executeTakeFirstOrThrow();
      expect(Number(purgeAudits.n)).toBe(emptied);

      const report = await runRetention(h.deps);
      expect(await messageCount(h.deps)).toBe(before);
      // Nothing was due that a live helpline would not already have purged.
      expect(report.purged).toBe(0);
      // An hour later the job finds nothing new to do.
      h.clock.advance(60 * 60_000);
      expect((await runRetention(h.deps)).purged).toBeLessThan(5);
      expect(await messageCount(h.deps)).toBeGreaterThan(before * 0.98);
    });

    it('--all-messages writes every case whole: then the first retention run deletes most messages', async () => {
      const w = await createHarness(engine);
      try {
        await addHandler(w.deps);
        const res = await generateDemo(w.deps, {
          requests: 300,
          seed: 'live',
          allMessages: true,
          handlerId: HANDLER_ID,
          batchSize: 128,
        });
        if (!res.ok) throw new Error(res.code);
        expect(res.summary.emptiedByRetention).toBe(0);
        const before = await messageCount(w.deps);
        expect(before).toBe(res.summary.messages);
        await runRetention(w.deps);
        expect(await messageCount(w.deps)).toBeLessThan(before / 2);
      } finally {
        await w.close();
      }
    });
  });
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`haven demo on ${engine.name}`, () => {
    let a: Harness;
    beforeAll(async () => {
      a = await demoHarness(engine, 200, 'seed-1');
    });
    afterAll(async () => a?.close());

    it('writes exactly the requested cases, 82% reactive, each with a requester message and a creation audit', async () => {
      const { cases, messages } = await structured(a.deps);
      expect(cases).toHaveLength(200);
      expect(cases.filter((c) => c.urgency === 'reactive')).toHaveLength(Math.round(200 * 0.82));
      const withRequester = new Set(
        messages.filter((m) => m.kind === 'requester').map((m) => m.case_id),
      );
      for (const c of cases) expect(withRequester.has(c.id)).toBe(true);
      const audit = await a.deps.db
        .selectFrom('audit_log')
        .select(['case_id', 'at'])
        .where('action', '=', 'case.created')
        .execute();
      expect(new Set(audit.map((r) => r.case_id))).toEqual(new Set(cases.map((c) => c.id)));
      expect(await countNonDemoCases(a.deps)).toBe(0);
    });

    it('closes only resolved, closed and referred cases, answers from the handler, all within the year', async () => {
      const { cases, messages } = await structured(a.deps);
      expect(cases.some((c) => c.status === 'referred')).toBe(true);
      for (const c of cases) {
        // Referred (out of mandate) cases are finished too: closed_at is set on entering referred (ADR 9).
        expect(c.closed_at !== null).toBe(['resolved', 'closed', 'referred'].includes(c.status));
        if (c.closed_at !== null) expect(c.updated_at).toBeGreaterThanOrEqual(c.closed_at);
        for (const t of [
          c.created_at,
          c.updated_at,
          c.last_activity_at,
          c.first_response_at,
          c.closed_at,
        ]) {
          if (t === null) continue;
          expect(t).toBeGreaterThanOrEqual(YEAR_START);
          expect(t).toBeLessThan(YEAR_END);
        }
        expect(c.first_response_due_at - c.created_at).toBe(120 * 60_000);
        if (c.first_response_at !== null) expect(c.assignee_id).toBe(HANDLER_ID);
        if (c.status !== 'new') expect(c.incident_type).not.toBeNull();
      }
      for (const m of messages) {
        expect(m.created_at).toBeGreaterThanOrEqual(YEAR_START);
        expect(m.created_at).toBeLessThan(YEAR_END);
        expect(m.author_id).toBe(m.kind === 'requester' ? null : HANDLER_ID);
      }
      // Most of a past year's cases are finished; a few out-of-mandate ones were referred.
      const finished = cases.filter((c) =>
        ['resolved', 'closed', 'referred'].includes(c.status),
      ).length;
      expect(finished / cases.length).toBeGreaterThan(0.8);
      expect(messages.some((m) => m.kind === 'note')).toBe(true);
      // First responses mostly within the two-hour deadline, some overdue.
      const answered = cases.filter((c) => c.first_response_at !== null);
      const inTime = answered.filter((c) => c.first_response_at! <= c.first_response_due_at).length;
      expect(inTime / answered.length).toBeGreaterThan(0.7);
      expect(inTime).toBeLessThan(answered.length);
    });

    it('is deterministic for a seed, and a different seed gives different data', async () => {
      const b = await demoHarness(engine, 200, 'seed-1');
      const c = await demoHarness(engine, 200, 'seed-2');
      try {
        const sa = await structured(a.deps);
        expect(await structured(b.deps)).toEqual(sa);
        expect((await structured(c.deps)).cases).not.toEqual(sa.cases);
      } finally {
        await b.close();
        await c.close();
      }
    });

    it('writes cases the requester functions can open, with encrypted bodies', async () => {
      const view = await requesterView(a.deps, 1);
      expect(view.messages[0]!.kind).toBe('requester');
      expect(view.messages[0]!.body.length).toBeGreaterThan(10);
      const row = await a.deps.db
        .selectFrom('messages')
        .select('body_enc')
        .where('case_id', '=', 1)
        .executeTakeFirstOrThrow();
      expect(row.body_enc.toString('utf8')).not.toContain(view.messages[0]!.body.slice(0, 12));

      if (engine.name === 'sqlite') {
        const rawOf = async (x: Harness) => {
          await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(x.deps.db);
          const file = join(x.dataDir, 'haven.db');
          let raw = readFileSync(file).toString('utf8');
          if (existsSync(`${file}-wal`)) raw += readFileSync(`${file}-wal`).toString('utf8');
          return raw;
        };
        const raw = await rawOf(a);
        // A phrase Haven itself ships in a new database (a reply template's opening, say) is
        // not the demo's: only the others can tell whether a message was written in clear.
        const fresh = await createHarness(engine);
        const shipped = await rawOf(fresh);
        await fresh.close();
        const phrases = [
          ...DEMO_TEXT.en!.initialReply,
          ...DEMO_TEXT.es!.initialReply,
          ...DEMO_TEXT.en!.followUp,
          'example.org',
        ]
          .map((x) => x.slice(0, 24))
          .filter((x) => !shipped.includes(x));
        expect(phrases.length).toBeGreaterThan(5);
        for (const p of phrases) expect(raw).not.toContain(p);
        expect(raw).not.toContain('two-step verification');
      }
    });

    it('gives each case the keyed hash of its contact, as a request from the form gets, so its page finds duplicates without a write', async () => {
      const rows = await a.deps.db.selectFrom('cases').select(['id', 'key_wrapped', 'contact_enc', 'contact_hash', 'purged_at']).execute();
      const withContact = rows.filter((r) => r.contact_enc !== null);
      expect(withContact.length).toBeGreaterThan(10);
      expect(withContact.every((r) => r.contact_hash !== null)).toBe(true);
      expect(rows.filter((r) => r.purged_at !== null).every((r) => r.contact_hash === null)).toBe(true);
      // The same handle sent through the form gets the same hash (on a database of its own: this
      // one must stay demo-only).
      const first = withContact[0]!;
      const contact = a.deps.vault.caseKey(first.id, first.key_wrapped).open('contact', first.contact_enc!);
      const h = await createHarness(engine);
      try {
        h.deps.vault = a.deps.vault;
        const { caseId } = await submitRequest(h.deps, {
          description: 'A second request from the same person.',
          urgency: 'reactive',
          country: 'MX',
          language: 'es',
          contactMethod: 'email',
          contact,
          beneficiary: 'journalist',
        });
        const sent = await h.deps.db.selectFrom('cases').select('contact_hash').where('id', '=', caseId).executeTakeFirstOrThrow();
        expect(sent.contact_hash).toBe(first.contact_hash);
      } finally {
        await h.close();
      }
    });

    it('refuses a database with real cases unless forced, and accepts more demo data', async () => {
      const h = await createHarness(engine);
      try {
        await submitRequest(h.deps, {
          description: 'A real request',
          urgency: 'reactive',
          country: 'KE',
          language: 'en',
          contactMethod: 'none',
          contact: null,
          beneficiary: null,
        });
        const refused = await generateDemo(h.deps, { requests: 10, seed: 's', handlerId: null });
        expect(refused).toEqual({ ok: false, code: 'DEMO_REAL_CASES_PRESENT', realCases: 1 });
        expect(await h.deps.db.selectFrom('cases').select('id').execute()).toHaveLength(1);
        const forced = await generateDemo(h.deps, {
          requests: 10,
          seed: 's',
          handlerId: null,
          force: true,
        });
        expect(forced.ok).toBe(true);
        expect(await countNonDemoCases(h.deps)).toBe(1);
      } finally {
        await h.close();
      }
      // A demo-only database takes another demo run, with new ids after the old ones.
      const more = await generateDemo(a.deps, { requests: 5, seed: 'more', handlerId: HANDLER_ID });
      expect(more.ok).toBe(true);
      const ids = (await a.deps.db.selectFrom('cases').select('id').orderBy('id').execute()).map(
        (r) => r.id,
      );
      expect(ids).toEqual(Array.from({ length: 205 }, (_, i) => i + 1));
    });

    it('refuses a year that has not started', async () => {
      expect(await generateDemo(a.deps, { requests: 5, year: 2100, handlerId: null })).toEqual({
        ok: false,
        code: 'DEMO_YEAR_NOT_STARTED',
        year: 2100,
      });
    });

    it('haven demo: answers as the demo handler, who gets new credentials on every run', async () => {
      const h = await createHarness(engine);
      try {
        const first = await runDemo(h.deps, { requests: 20, seed: 'run', batchSize: 8 });
        if (!first.ok) throw new Error(first.code);
        expect(first.summary.requests).toBe(20);
        expect(first.handler.email).toBe(DEMO_HANDLER_EMAIL);
        expect(Object.keys(first.handler).sort()).toEqual(['email', 'password', 'totpSecret']);
        const handler = await h.deps.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', DEMO_HANDLER_EMAIL)
          .executeTakeFirstOrThrow();
        const authors = async () =>
          new Set(
            (
              await h.deps.db
                .selectFrom('messages')
                .select('author_id')
                .where('kind', '!=', 'requester')
                .execute()
            ).map((m) => m.author_id),
          );
        expect(await authors()).toEqual(new Set([handler.id]));

        const second = await runDemo(h.deps, { requests: 5, seed: 'run-2' });
        if (!second.ok) throw new Error(second.code);
        expect(second.handler.password).not.toBe(first.handler.password);
        expect(await h.deps.db.selectFrom('users').select('id').execute()).toHaveLength(1);
        expect(await authors()).toEqual(new Set([handler.id]));
        expect(await countNonDemoCases(h.deps)).toBe(0);
        // Example partners to refer to (ADR 36), added once: the second run finds the directory filled.
        const partners = await h.deps.db.selectFrom('partners').select('name').execute();
        expect(partners).toHaveLength(4);
        expect(partners.every((p) => p.name.endsWith('(example)'))).toBe(true);
      } finally {
        await h.close();
      }
    });
  });
}
