import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, type Engine } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { Deps } from '../../deps.js';
import { DEMO_HANDLER_EMAIL } from '../accounts/index.js';
import { countNonDemoCases, requesterView, submitRequest } from '../cases/index.js';
import { demoPlan, REACTIVE_SHARE } from './demo.js';
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
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(a.deps.db);
        const file = join(a.dataDir, 'haven.db');
        let raw = readFileSync(file).toString('utf8');
        if (existsSync(`${file}-wal`)) raw += readFileSync(`${file}-wal`).toString('utf8');
        const phrases = [
          ...DEMO_TEXT.en!.initialReply,
          ...DEMO_TEXT.es!.initialReply,
          ...DEMO_TEXT.en!.followUp,
          'example.org',
        ];
        for (const p of phrases.map((x) => x.slice(0, 24))) expect(raw).not.toContain(p);
        expect(raw).not.toContain('two-step verification');
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
      } finally {
        await h.close();
      }
    });
  });
}
