import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { listAuditForCase } from '../../platform/audit/audit.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { purgeCasePersonalData } from '../cases/index.js';
import { listRules, runRetention } from './index.js';
import { deleteRule, saveRule } from './retention.service.js';

const DAY = 24 * 60 * 60 * 1000;

// Rules per status and incident type (ADR 12): the exact rule wins, a disabled type rule
// keeps its type, an untyped case follows the general rule; each case is purged once, under
// the rule that governs it, and its audit entry names that rule.
for (const engine of engines) {
  describe.skipIf(!engine.available)(`retention by incident type on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await staffMember(h.deps, 'admin');
    });
    afterAll(async () => h?.close());

    async function closedCase(incidentType: string | null, daysAgo: number) {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'closed', incident_type: incidentType, closed_at: h.clock.now() - daysAgo * DAY })
        .where('id', '=', caseId)
        .execute();
      return caseId;
    }
    const row = (id: number) =>
      h.deps.db.selectFrom('cases').select(['purged_at', 'purge_rule']).where('id', '=', id).executeTakeFirstOrThrow();
    const rule = (p: { incident_type: string | null; days: number; enabled?: boolean }) =>
      saveRule(h.deps, admin.principal, { status: 'closed', basis: 'closed_at', enabled: true, ...p });

    it('purges each case under exactly the rule that governs it, and audits that rule', async () => {
      await rule({ incident_type: 'harassment', days: 7 });
      await rule({ incident_type: 'doxing', days: 7, enabled: false });
      // The general rule for closed cases stays the seeded 90 days.
      const harassmentDue = await closedCase('harassment', 8);
      const harassmentNotDue = await closedCase('harassment', 6);
      const doxingOld = await closedCase('doxing', 1000);
      const untypedDue = await closedCase(null, 91);
      const untypedNotDue = await closedCase(null, 30);
      const otherDue = await closedCase('surveillance', 91);
      const otherNotDue = await closedCase('surveillance', 8);

      expect(await runRetention(h.deps)).toEqual({ purged: 3, skipped: 0 });
      expect((await row(harassmentDue)).purge_rule).toBe('retention:closed:harassment:7d');
      expect((await row(untypedDue)).purge_rule).toBe('retention:closed:90d');
      expect((await row(otherDue)).purge_rule).toBe('retention:closed:90d');
      // A disabled type rule keeps its type, however old, even though the general rule is on.
      for (const id of [harassmentNotDue, doxingOld, untypedNotDue, otherNotDue])
        expect((await row(id)).purged_at, String(id)).toBeNull();

      const audit = (await listAuditForCase(h.deps.db, harassmentDue)).filter((a) => a.action === 'case.purged');
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail).toEqual({ reason: 'retention', rule: 'retention:closed:harassment:7d' });

      // The case page names the type's rule.
      const handler = await staffMember(h.deps, 'handler');
      const page = await h.app.inject({ url: `/staff/cases/${harassmentDue}`, headers: { cookie: handler.cookie } });
      expect(page.body).toMatch(/retention rule: Closed, Online harassment[^,]*, after 7 days/);

      // A second run purges nothing twice.
      expect(await runRetention(h.deps)).toEqual({ purged: 0, skipped: 0 });
      expect((await listAuditForCase(h.deps.db, harassmentDue)).filter((a) => a.action === 'case.purged')).toHaveLength(1);
    });

    it('re-checks the incident type with the case locked: a case re-triaged since it was listed is not purged', async () => {
      const id = await closedCase('doxing', 200);
      // Listed by the general rule (which leaves doxing and harassment alone), then re-triaged.
      const general = { status: 'closed', incidentType: null, exceptIncidentTypes: ['doxing', 'harassment'], basis: 'closed_at' as const, days: 90 };
      expect(await purgeCasePersonalData(h.deps, id, { kind: 'retention', rule: general })).toBe('not_due');
      const harassment = { status: 'closed', incidentType: 'harassment', basis: 'closed_at' as const, days: 7 };
      expect(await purgeCasePersonalData(h.deps, id, { kind: 'retention', rule: harassment })).toBe('not_due');
      expect((await row(id)).purged_at).toBeNull();
    });

    it('a deleted type rule hands its type back to the general rule', async () => {
      const id = await closedCase('doxing', 100);
      expect(await runRetention(h.deps)).toEqual({ purged: 0, skipped: 0 });
      const res = await deleteRule(h.deps, admin.principal, { status: 'closed', incidentType: 'doxing' });
      expect(res.ok).toBe(true);
      // This one and the two kept doxing cases of the tests above (1000 and 200 days old).
      expect(await runRetention(h.deps)).toEqual({ purged: 3, skipped: 0 });
      expect((await row(id)).purge_rule).toBe('retention:closed:90d');
    });

    it('audits saving and deleting a type rule with old and new values; a general rule cannot be deleted', async () => {
      await rule({ incident_type: 'ncii', days: 14 });
      await rule({ incident_type: 'ncii', days: 21, enabled: false });
      const deleted = await deleteRule(h.deps, admin.principal, { status: 'closed', incidentType: 'ncii' });
      expect(deleted.ok).toBe(true);
      const again = await deleteRule(h.deps, admin.principal, { status: 'closed', incidentType: 'ncii' });
      expect(again).toEqual({ ok: false, code: 'NOT_FOUND' });
      const entries = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'detail'])
        .where('action', 'in', ['retention.rule_saved', 'retention.rule_deleted'])
        .orderBy('id')
        .execute();
      const ncii = entries.map((e) => ({ ...e, detail: JSON.parse(e.detail!) })).filter((e) => e.detail.incident_type === 'ncii');
      expect(ncii.map((e) => [e.action, e.detail.days ?? null, e.detail.enabled ?? null, e.detail.previous])).toEqual([
        ['retention.rule_saved', 14, true, null],
        ['retention.rule_saved', 21, false, 'closed_at:14:1'],
        ['retention.rule_deleted', null, null, 'closed_at:21:0'],
      ]);
      expect(ncii.every((e) => e.actor_id === admin.id && e.detail.status === 'closed')).toBe(true);
      // The general rule has no incident type: nothing to delete by type; it stays.
      expect((await listRules(h.deps)).some((r) => r.status === 'closed' && r.incidentType === null)).toBe(true);
    });
  });
}
