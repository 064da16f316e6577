import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAt, everyCrashPoint, SimulatedCrash } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { createDispatcher } from '../../platform/events/outbox.js';
import { createPace, JobStopped } from '../../platform/jobs/pace.js';
import { purgeCasePersonalData } from '../cases/index.js';
import { addNote } from '../cases/case.service.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { searchSubscribers } from './search.jobs.js';
import { indexCase, runIndexing, searchCases, searchIndexSize, WALK_BATCH } from './search.service.js';

// The search index and the search on both engines: the cases module's events index a case's
// messages, notes and contact; the tables hold keyed hashes only, never a word; a search finds
// cases having every word, newest first, only among those the person may know; a purge takes a
// case's rows with it in its transaction; the walk indexes cases the events never saw; two
// indexers of one case at once leave one set of rows; a crash mid-index leaves the old rows or
// the new ones, never a mix; each search is audited without its words.

const MARKER = 'zebrafinchquokka';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`search on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let other: StaffFixture;
    let lead: StaffFixture;
    const deliver = () => createDispatcher(h.deps, searchSubscribers(h.deps)).runDue();
    const find = async (who: StaffFixture, q: string, cursor?: number) => {
      const r = await searchCases(h.deps, who.principal, cursor === undefined ? { q } : { q, cursor });
      if (!r.ok) throw new Error(`search refused: ${r.code}`);
      return r.value;
    };
    const ids = async (who: StaffFixture, q: string) => (await find(who, q)).rows.map((r) => r.id);
    const tokenRows = async (caseId: number) =>
      Number(
        (
          await h.deps.db
            .selectFrom('search_tokens')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('case_id', '=', caseId)
            .executeTakeFirst()
        )?.n ?? 0,
      );

    let mexico: number;
    let beirut: number;
    let moscow: number;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      other = await staffMember(h.deps, 'handler', 'Bo Handler');
      lead = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      mexico = (
        await newRequest(h.deps, {
          description: `Mi cuenta de correo fue hackeada después de un mensaje de phishing desde https://login.evil-example.com/reset. ${MARKER}`,
          contact: 'ana.perez@example.org',
          contactMethod: 'email',
        })
      ).caseId;
      h.clock.advance(1000);
      beirut = (
        await newRequest(h.deps, {
          description: 'تمّ اختراق حسابي على فيسبوك، وأنا صحفيّة أعمل في بيروت. وصلتني رسالة تصيّد.',
          language: 'ar',
          contact: '+961 3 123 456',
        })
      ).caseId;
      h.clock.advance(1000);
      moscow = (
        await newRequest(h.deps, {
          description: 'Мой телефон изъяли на границе, кто-то читает мои сообщения в Telegram. Phishing тоже был.',
          language: 'ru',
          contact: '+7 912 345-67-89',
        })
      ).caseId;
      await deliver();
    });
    afterAll(async () => h?.close());

    it('finds a case by the words of its request in any language, by its contact and by its indicators', async () => {
      expect(await ids(handler, 'despues PHISHING')).toEqual([mexico]);
      expect(await ids(handler, 'phishing')).toEqual([moscow, mexico]);
      expect(await ids(handler, 'إختراق صحفية')).toEqual([beirut]);
      expect(await ids(handler, 'ТЕЛЕФОН')).toEqual([moscow]);
      expect(await ids(handler, 'ana.perez@example.org')).toEqual([mexico]);
      expect(await ids(handler, 'evil-example.com')).toEqual([mexico]);
      expect(await ids(handler, '8 912 345 67 89')).toEqual([moscow]);
      expect(await ids(handler, 'phishing бейрут')).toEqual([]);
      expect(await ids(handler, 'nowhere')).toEqual([]);
    });

    it('finds a note added later, once its event is delivered', async () => {
      expect(await ids(handler, 'ransomware')).toEqual([]);
      const added = await addNote(h.deps, handler.principal, beirut, 'Looks like ransomware on the newsroom laptop.');
      expect(added.ok).toBe(true);
      await deliver();
      expect(await ids(handler, 'ransomware laptop')).toEqual([beirut]);
    });

    it('stores keyed hashes only: no word, contact or marker anywhere in the search tables', async () => {
      const tokens = await h.deps.db.selectFrom('search_tokens').select(['token']).execute();
      expect(tokens.length).toBeGreaterThan(20);
      for (const t of tokens) expect(t.token).toHaveLength(12);
      const blob = Buffer.concat(tokens.map((t) => t.token));
      for (const word of [MARKER, 'phishing', 'ana.perez', 'example.org', 'телефон', 'بيروت']) {
        expect(blob.includes(Buffer.from(word, 'utf8'))).toBe(false);
        expect(blob.toString('latin1').includes(word)).toBe(false);
      }
      const rest = JSON.stringify([
        await h.deps.db.selectFrom('search_cases').selectAll().execute(),
        await h.deps.db.selectFrom('search_walks').selectAll().execute(),
      ]);
      expect(rest).not.toContain(MARKER);
      // The audit entries of the searches above hold neither the words nor anything made from them.
      const audit = await h.deps.db.selectFrom('audit_log').selectAll().where('action', 'like', 'search.%').execute();
      expect(audit.length).toBeGreaterThan(0);
      const text = JSON.stringify(audit);
      for (const word of ['phishing', 'despues', 'ana.perez', 'телефон', 'ransomware']) expect(text).not.toContain(word);
    });

    it('audits each search and each case it showed', async () => {
      const before = await h.deps.db.selectFrom('audit_log').select('id').where('action', 'like', 'search.%').execute();
      await find(other, 'phishing');
      const after = await h.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', 'like', 'search.%')
        .where('id', 'not in', before.length ? before.map((b) => b.id) : [-1])
        .orderBy('id')
        .execute();
      expect(after.map((a) => [a.action, a.case_id, a.actor_id])).toEqual([
        ['search.searched', null, other.id],
        ['search.matched', moscow, other.id],
        ['search.matched', mexico, other.id],
      ]);
      expect(JSON.parse(after[0]!.detail!)).toEqual({ kinds: 'w', tokens: 1, results: 2 });
    });

    it('lists only the cases the person may know (need-to-know)', async () => {
      await h.deps.db.updateTable('cases').set({ restricted: 1 }).where('id', '=', mexico).execute();
      await h.deps.db.insertInto('case_access').values({ case_id: mexico, user_id: handler.id, added_by: lead.id, added_at: h.deps.now() }).execute();
      try {
        expect(await ids(handler, 'phishing')).toEqual([moscow, mexico]);
        expect(await ids(other, 'phishing')).toEqual([moscow]);
        expect(await ids(other, 'ana.perez@example.org')).toEqual([]);
        // Its number does not jump to it for someone who may not know it.
        expect((await find(other, `#${mexico}`)).jump).toBeNull();
        expect((await find(handler, `#${mexico}`)).jump).toBe(mexico);
      } finally {
        await h.deps.db.deleteFrom('case_access').where('case_id', '=', mexico).execute();
        await h.deps.db.updateTable('cases').set({ restricted: 0 }).where('id', '=', mexico).execute();
      }
    });

    it('jumps to a case by its number, and pages newest first', async () => {
      const jumped = await find(handler, `case ${moscow}`);
      expect(jumped.jump).toBe(moscow);
      expect(jumped.rows.map((r) => r.id)).toEqual([moscow]);
      expect((await find(handler, '999999')).jump).toBeNull();
      // A cursor lists what is older than it.
      expect((await find(handler, 'phishing', moscow)).rows.map((r) => r.id)).toEqual([mexico]);
      expect((await find(handler, 'phishing', mexico)).rows).toEqual([]);
    });

    it('refuses a query with no word to search for', async () => {
      const r = await searchCases(h.deps, handler.principal, { q: 'a , !' });
      expect(r).toEqual({ ok: false, code: 'VALIDATION_FAILED', field: 'q' });
    });

    it('two indexers of one case at once leave one set of rows', async () => {
      const before = await tokenRows(moscow);
      expect(before).toBeGreaterThan(5);
      const outcomes = await Promise.all([indexCase(h.deps, moscow), indexCase(h.deps, moscow), indexCase(h.deps, moscow)]);
      expect(outcomes).toEqual(['indexed', 'indexed', 'indexed']);
      expect(await tokenRows(moscow)).toBe(before);
      const state = await h.deps.db.selectFrom('search_cases').selectAll().where('case_id', '=', moscow).executeTakeFirstOrThrow();
      expect(state.tokens).toBe(before);
      expect(state.stale).toBe(0);
    });

    it('a crash at any statement of an indexing leaves the old rows or the new ones, and indexing again completes it', async () => {
      const before = await tokenRows(beirut);
      const tried = await everyCrashPoint(
        h.deps.db,
        (db) => indexCase({ ...h.deps, db }, beirut),
        async () => {
          expect(await tokenRows(beirut)).toBe(before);
          expect(await ids(handler, 'ransomware laptop')).toEqual([beirut]);
        },
      );
      expect(tried).toBeGreaterThan(3);
      expect(await tokenRows(beirut)).toBe(before);
      // The crash is not mistaken for a sealed instance: nothing was marked stale.
      const c = crashAt(h.deps.db, 1);
      await expect(indexCase({ ...h.deps, db: c.db }, beirut)).rejects.toBeInstanceOf(SimulatedCrash);
      expect((await h.deps.db.selectFrom('search_cases').select('stale').where('case_id', '=', beirut).executeTakeFirstOrThrow()).stale).toBe(0);
    });

    it('the walk indexes cases the events never reached, once, and resumes from where it stopped', async () => {
      const late = (await newRequest(h.deps, { description: 'Servidor caído por un ataque DDoS masivo' })).caseId;
      // No event delivered: not found yet.
      expect(await ids(handler, 'ddos masivo')).toEqual([]);
      // The walk under key 0 finished long ago? Not in this database: it has never run.
      const first = await runIndexing(h.deps, createPace());
      expect(first.finished).toBe(true);
      expect(first.sealed).toBe(false);
      expect(first.indexed).toBe(1);
      expect(await ids(handler, 'ddos masivo')).toEqual([late]);
      const walk = await h.deps.db.selectFrom('search_walks').selectAll().where('key_id', '=', 0).executeTakeFirstOrThrow();
      expect(walk.finished_at).not.toBeNull();
      // Finished: a second run indexes nothing.
      expect((await runIndexing(h.deps, createPace())).indexed).toBe(0);
      await deliver();
    });

    it('a walk stopped between two batches resumes where it stopped', async () => {
      // Cases the events never reached: more than one batch of them.
      await h.deps.db.insertInto('search_walks').values({ key_id: 0, after_id: 0, started_at: 0, finished_at: null }).onConflict((oc) => oc.column('key_id').doUpdateSet({ after_id: 0, finished_at: null })).execute();
      const fresh: number[] = [];
      for (let i = 0; i < WALK_BATCH + 5; i++) fresh.push((await newRequest(h.deps, { description: `Campaña de desinformación número ${i}` })).caseId);
      const stop = new AbortController();
      let turns = 0;
      const pace = { signal: stop.signal, breathe: async () => {
        turns += 1;
        stop.abort();
        throw new JobStopped();
      } };
      await expect(runIndexing(h.deps, pace)).rejects.toBeInstanceOf(JobStopped);
      expect(turns).toBe(1);
      const walk = await h.deps.db.selectFrom('search_walks').selectAll().where('key_id', '=', 0).executeTakeFirstOrThrow();
      expect(walk.after_id).toBeGreaterThan(0);
      expect(walk.finished_at).toBeNull();
      const done = (await ids(handler, 'desinformacion')).length;
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThan(fresh.length);
      const rest = await runIndexing(h.deps, createPace());
      expect(rest.finished).toBe(true);
      expect(rest.indexed).toBe(fresh.length - done);
      expect((await find(handler, 'desinformacion')).rows.map((r) => r.id)).toEqual([...fresh].reverse());
      await deliver();
    });

    it('a purge deletes the case’s index rows in its own transaction', async () => {
      expect(await tokenRows(mexico)).toBeGreaterThan(0);
      expect(await purgeCasePersonalData(h.deps, mexico, { kind: 'requester' })).toBe('purged');
      expect(await tokenRows(mexico)).toBe(0);
      expect(await h.deps.db.selectFrom('search_cases').select('case_id').where('case_id', '=', mexico).executeTakeFirst()).toBeUndefined();
      expect(await ids(handler, 'ana.perez@example.org')).toEqual([]);
      // An event delivered after the purge indexes nothing back.
      expect(await indexCase(h.deps, mexico)).toBe('dropped');
      expect(await tokenRows(mexico)).toBe(0);
    });

    it('reports its size per case', async () => {
      const size = await searchIndexSize(h.deps);
      expect(size.cases).toBeGreaterThanOrEqual(3);
      expect(size.rows).toBeGreaterThan(size.cases);
      if (engine.name === 'postgres') expect(size.bytes).toBeGreaterThan(0);
      const { rows } = await sql<{ n: number }>`select count(*) as n from search_tokens`.execute(h.deps.db);
      expect(Number(rows[0]!.n)).toBe(size.rows);
    });
  });
}
