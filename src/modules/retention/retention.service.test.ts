import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { listAuditForCase } from '../../platform/audit/audit.js';
import { createJobRunner } from '../../platform/jobs/jobs.js';
import { newRequest, staffMember } from '../cases/case.fixtures.js';
import { jobs, listRules, runRetention } from './index.js';
import { saveRule } from './retention.service.js';

const DAY = 24 * 60 * 60 * 1000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`retention on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    async function caseIn(status: string, p: { closedAt?: number | null; lastActivityAt?: number }) {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db
        .updateTable('cases')
        .set({
          status,
          closed_at: p.closedAt ?? null,
          ...(p.lastActivityAt !== undefined ? { last_activity_at: p.lastActivityAt } : {}),
        })
        .where('id', '=', caseId)
        .execute();
      return caseId;
    }
    const purgedAt = async (id: number) =>
      (await h.deps.db.selectFrom('cases').select('purged_at').where('id', '=', id).executeTakeFirstOrThrow()).purged_at;

    it('starts with the seeded defaults', async () => {
      const rules = await listRules(h.deps);
      expect(rules.map((r) => `${r.status}:${r.basis}:${r.days}:${r.enabled}`)).toEqual([
        'closed:closed_at:90:true',
        'out_of_mandate:closed_at:90:true',
        'referred:closed_at:90:true',
        'resolved:last_activity_at:180:true',
        'spam:closed_at:7:true',
      ]);
    });

    it('purges what is due, leaves what is not, and skips what is already purged', async () => {
      const now = h.clock.now();
      const closedDue = await caseIn('closed', { closedAt: now - 90 * DAY });
      const closedNotDue = await caseIn('closed', { closedAt: now - 89 * DAY });
      const resolvedDue = await caseIn('resolved', { lastActivityAt: now - 181 * DAY });
      const resolvedNotDue = await caseIn('resolved', { lastActivityAt: now - 170 * DAY });
      // Old, but still being worked on: no rule for open cases.
      const openOld = await caseIn('open', { lastActivityAt: now - 1000 * DAY });

      expect(await runRetention(h.deps)).toEqual({ purged: 2, skipped: 0 });
      expect(await purgedAt(closedDue)).toBe(now);
      expect(await purgedAt(resolvedDue)).toBe(now);
      for (const id of [closedNotDue, resolvedNotDue, openOld]) expect(await purgedAt(id)).toBeNull();

      // A second run finds nothing more; the purged cases keep their first purge time.
      h.clock.advance(60_000);
      expect(await runRetention(h.deps)).toEqual({ purged: 0, skipped: 0 });
      expect(await purgedAt(closedDue)).toBe(now);
      const entries = (await listAuditForCase(h.deps.db, closedDue)).filter((a) => a.action === 'case.purged');
      expect(entries).toHaveLength(1);

      // A day later the one that was a day short is due.
      h.clock.advance(DAY);
      expect(await runRetention(h.deps)).toEqual({ purged: 1, skipped: 0 });
      expect(await purgedAt(closedNotDue)).toBe(h.clock.now());
    });

    it('follows rule changes: a disabled rule purges nothing, a new status gets its own rule', async () => {
      const admin = await staffMember(h.deps, 'admin');
      const now = h.clock.now();
      await saveRule(h.deps, admin.principal, { status: 'closed', incident_type: null, basis: 'closed_at', days: 90, enabled: false });
      const closed = await caseIn('closed', { closedAt: now - 365 * DAY });
      const waiting = await caseIn('waiting', { lastActivityAt: now - 31 * DAY });
      expect(await runRetention(h.deps)).toEqual({ purged: 0, skipped: 0 });
      await saveRule(h.deps, admin.principal, { status: 'waiting', incident_type: null, basis: 'last_activity_at', days: 30, enabled: true });
      await saveRule(h.deps, admin.principal, { status: 'closed', incident_type: null, basis: 'closed_at', days: 90, enabled: true });
      expect(await runRetention(h.deps)).toEqual({ purged: 2, skipped: 0 });
      expect(await purgedAt(closed)).not.toBeNull();
      expect(await purgedAt(waiting)).not.toBeNull();
      const row = await h.deps.db.selectFrom('cases').select('purge_rule').where('id', '=', waiting).executeTakeFirstOrThrow();
      expect(row.purge_rule).toBe('retention:waiting:30d');
      await saveRule(h.deps, admin.principal, { status: 'waiting', incident_type: null, basis: 'last_activity_at', days: 30, enabled: false });
    });

    it('runs as a scheduled job through the runner', async () => {
      const now = h.clock.now();
      const id = await caseIn('referred', { closedAt: now - 100 * DAY });
      const runner = createJobRunner(h.deps, jobs(h.deps));
      const results = await runner.runDue({ force: true });
      expect(results).toEqual([{ name: 'retention', outcome: 'done' }]);
      expect(await purgedAt(id)).toBe(now);
    });
  });
}
