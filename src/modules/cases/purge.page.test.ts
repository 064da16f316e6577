import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember } from './case.fixtures.js';
import { purgeCasePersonalData } from './index.js';

const DAY = 24 * 60 * 60 * 1000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a purged case's page on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    it('says when and by which rule the personal data was deleted, and offers no reply or note', async () => {
      const handler = await staffMember(h.deps, 'handler');
      const byRule = await newRequest(h.deps, { description: 'RULE-MARKER text' });
      await h.deps.db.updateTable('cases').set({ status: 'closed', closed_at: h.clock.now() - 91 * DAY }).where('id', '=', byRule.caseId).execute();
      await purgeCasePersonalData(h.deps, byRule.caseId, { kind: 'retention', rule: { status: 'closed', basis: 'closed_at', days: 90 } });
      const byRequester = await newRequest(h.deps);
      await purgeCasePersonalData(h.deps, byRequester.caseId, { kind: 'requester' });

      const a = await h.app.inject({ url: `/staff/cases/${byRule.caseId}`, headers: { cookie: handler.cookie } });
      expect(a.statusCode).toBe(200);
      expect(a.body).toContain('Personal data deleted on');
      expect(a.body).toContain('retention rule: Closed, after 90 days');
      expect(a.body).not.toContain('RULE-MARKER');
      expect(a.body).not.toContain(`action="/staff/cases/${byRule.caseId}/replies"`);
      expect(a.body).not.toContain(`action="/staff/cases/${byRule.caseId}/notes"`);

      const b = await h.app.inject({ url: `/staff/cases/${byRequester.caseId}`, headers: { cookie: handler.cookie } });
      expect(b.body).toContain('at the requester’s request');

      // A reply posted anyway changes nothing.
      const res = await h.app.inject({
        method: 'POST',
        url: `/staff/cases/${byRule.caseId}/replies`,
        payload: new URLSearchParams({ _csrf: handler.csrf, body: 'late' }).toString(),
        headers: { cookie: handler.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(409);
      const n = await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', byRule.caseId).execute();
      expect(n).toEqual([]);
    });
  });
}
