import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField } from '../../../test/staff-session.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { team } from '../notifications/notification.test-helpers.js';
import { loadLadders, runEscalationClock } from './escalation.service.js';

// /staff/escalation over HTTP on both engines, JavaScript off: coordinators and administrators
// read and change the ladders, handlers and auditors may not; a ladder saved with its form's
// one-time token (the same form twice saves once), audited; refused input (not increasing,
// out of bounds, an unknown action or severity, control characters) is a 422 with an error
// summary and saves nothing; a team's ladder added and removed; unknown ladders are 404; the
// page in Arabic is right to left.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the escalation pages on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let auditor: StaffFixture;
    let teamId: string;

    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      handler = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
      teamId = await team(h.deps, { regions: ['mena'], members: [coordinator.id] });
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const changes = async () => (await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'escalation.ladder_changed').execute()).length;
    const globalSteps = async () => (await loadLadders(h.deps)).find((l) => l.id === 'global')!.steps.map((s) => [s.minutes, s.action]);

    /** The global ladder's form, filled from the page as a browser would send it, with `over` changed. */
    async function globalForm(over: Record<string, string> = {}): Promise<Record<string, string>> {
      const page = await get(coordinator, '/staff/escalation');
      const section = page.body.slice(page.body.indexOf('id="ladder-global"'), page.body.indexOf('</form>', page.body.indexOf('id="ladder-global"')));
      const fields: Record<string, string> = { _once: hiddenField(section, '_once'), version: hiddenField(section, 'version') };
      for (const m of section.matchAll(/<input[^>]*name="(step_\d+_(?:id|minutes)|resolution_hours)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!;
      for (const m of section.matchAll(/<select[^>]*name="(step_\d+_(?:action|urgency|severity))"[^>]*>([\s\S]*?)<\/select>/g)) {
        const selected = /<option value="([^"]*)" selected/.exec(m[2]!);
        fields[m[1]!] = selected ? selected[1]! : '';
      }
      return { ...fields, ...over };
    }

    it('shows the global ladder from the configuration to coordinators; refuses handlers and auditors', async () => {
      const page = await get(coordinator, '/staff/escalation');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Global ladder');
      expect(page.body).toContain('ESCALATE_LEAD_MINUTES');
      expect(page.body).toMatch(/name="step_0_minutes"[^>]*value="60"/);
      expect(page.body).toMatch(/name="step_2_minutes"[^>]*value="120"/);
      expect(page.body).toContain('href="/staff/escalation"');
      for (const who of [handler, auditor]) {
        expect((await get(who, '/staff/escalation')).statusCode).toBe(403);
        expect((await post(who, '/staff/escalation/ladders/global', await globalForm())).statusCode).toBe(403);
      }
      const arabic = await get(coordinator, '/staff/escalation?lang=ar');
      expect(arabic.body).toMatch(/<html lang="ar" dir="rtl"/);
      expect(arabic.body).toContain('السلّم العام');
    });

    it('saves a ladder with a new step once (303, flash, audited), the same form twice saving once', async () => {
      const before = await changes();
      const fields = await globalForm({ step_3_minutes: '240', step_3_action: 'notify_coordinators', step_3_urgency: 'reactive', step_3_severity: 'critical', resolution_hours: '48' });
      const res = await post(coordinator, '/staff/escalation/ladders/global', fields);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/escalation?done=saved');
      expect(await globalSteps()).toEqual([
        [60, 'notify_shift_lead'],
        [90, 'notify_director'],
        [120, 'deadline_missed'],
        [240, 'notify_coordinators'],
      ]);
      const again = await post(coordinator, '/staff/escalation/ladders/global', fields);
      expect(again.headers.location).toBe('/staff/escalation?done=repeated');
      expect(await changes()).toBe(before + 1);
      expect((await get(coordinator, '/staff/escalation?done=saved')).body).toContain('The ladder is saved.');
      // A form read before that save, with a fresh token: refused, nothing changed.
      const stale = { ...(await globalForm()), version: fields.version! };
      expect((await post(coordinator, '/staff/escalation/ladders/global', stale)).statusCode).toBe(409);
      // Removing a step.
      const removed = await post(coordinator, '/staff/escalation/ladders/global', await globalForm({ step_3_remove: 'yes' }));
      expect(removed.statusCode).toBe(303);
      expect((await globalSteps()).length).toBe(3);
    });

    it('refuses invalid steps with a 422 and an error summary, saving nothing', async () => {
      const before = await globalSteps();
      const cases: [Record<string, string>, string, string][] = [
        [{ step_1_minutes: '50' }, 'step_1_minutes', 'Each step must come later than the step above it.'],
        [{ step_0_minutes: '0' }, 'step_0_minutes', 'Enter a whole number of minutes from 1 to 10,080'],
        [{ step_0_minutes: '10081' }, 'step_0_minutes', 'Enter a whole number of minutes'],
        [{ step_0_minutes: 'sixty' }, 'step_0_minutes', 'Enter a whole number of minutes'],
        [{ step_2_action: 'launch_rockets' }, 'step_2_action', 'Choose what happens at this step.'],
        [{ step_1_urgency: 'urgent' }, 'step_1_urgency', 'Choose an urgency from the list'],
        [{ step_1_severity: 'apocalyptic' }, 'step_1_severity', 'Choose a severity from the list'],
        [{ step_1_severity: 'high\u0007' }, 'step_1_severity', ''],
        [{ resolution_hours: '9000' }, 'resolution_hours', 'Enter a whole number of hours'],
      ];
      for (const [over, field, message] of cases) {
        const res = await post(coordinator, '/staff/escalation/ladders/global', await globalForm(over));
        expect(res.statusCode, field).toBe(422);
        expect(res.body).toContain('class="error-summary"');
        expect(res.body).toContain(`href="#f-${field}"`);
        expect(res.body).toContain(message);
      }
      expect(await globalSteps()).toEqual(before);
      // Without its one-time token, or with a forged one: nothing is saved.
      const forged = await post(coordinator, '/staff/escalation/ladders/global', await globalForm({ _once: 'x.y.z' }));
      expect(forged.statusCode).toBeGreaterThanOrEqual(400);
      expect(await globalSteps()).toEqual(before);
    });

    it('shows on the case page each step reached, when and who was told', async () => {
      const start = h.clock.now();
      await h.deps.db.updateTable('cases').set({ awaiting_reply: 0 }).execute();
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      const before = await get(coordinator, `/staff/cases/${caseId}`);
      expect(before.body).toContain('No step of the escalation ladder has been reached.');
      try {
        h.clock.ms = start + 61 * 60_000;
        expect(await runEscalationClock(h.deps)).toBe(1);
        const page = await get(coordinator, `/staff/cases/${caseId}`);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('id="escalations"');
        expect(page.body).toContain('after 60 minutes: tell the shift lead');
        expect(page.body).toContain('<bdi>Cy Coordinator</bdi>');
        // Its audit trail names the step, in the reader's language.
        expect(page.body).toContain('Escalation step reached (people told)');
        const spanish = await get(coordinator, `/staff/cases/${caseId}?lang=es`);
        expect(spanish.body).toContain('tras 60 minutos: avisar a la persona responsable del turno');
      } finally {
        h.clock.ms = start;
      }
    });

    it('reads and saves ladders through the API with the same rules', async () => {
      const api = (who: StaffFixture, method: 'GET' | 'PUT', url: string, body?: unknown) =>
        h.app.inject({
          method,
          url,
          headers: { authorization: who.bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
      const list = await api(coordinator, 'GET', '/api/v1/escalation/ladders');
      expect(list.statusCode).toBe(200);
      const global = (list.json() as { ladders: { id: string; version: number; steps: { id: string; minutes: number; action: string }[] }[] }).ladders.find((l) => l.id === 'global')!;
      expect(global.steps.map((s) => s.minutes)).toEqual([60, 90, 120]);
      const steps = global.steps.map((s) => ({ id: s.id, minutes: s.minutes, action: s.action }));
      const put = await api(coordinator, 'PUT', '/api/v1/escalation/ladders/global', { version: global.version, resolution_hours: 96, steps: [...steps, { minutes: 600, action: 'notify_coordinators', urgency: 'reactive' }] });
      expect(put.statusCode, put.body).toBe(200);
      expect((put.json() as { steps: unknown[]; version: number }).steps).toHaveLength(4);
      // The same version again: saved meanwhile.
      expect((await api(coordinator, 'PUT', '/api/v1/escalation/ladders/global', { version: global.version, resolution_hours: 96, steps })).statusCode).toBe(409);
      const version = (put.json() as { version: number }).version;
      const refused = await api(coordinator, 'PUT', '/api/v1/escalation/ladders/global', { version, resolution_hours: 96, steps: [steps[1], steps[0]] });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'Each step must come later than the step above it.', field: 'steps.1.minutes' } });
      expect((await api(coordinator, 'PUT', '/api/v1/escalation/ladders/global', { version, resolution_hours: 96, steps, extra: 1 })).statusCode).toBe(422);
      expect((await api(handler, 'GET', '/api/v1/escalation/ladders')).statusCode).toBe(403);
      // Back to three steps, for the tests after this one.
      expect((await api(coordinator, 'PUT', '/api/v1/escalation/ladders/global', { version, resolution_hours: 48, steps })).statusCode).toBe(200);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()).toMatchObject({ paths: { '/escalation/ladders/{id}': { put: { operationId: 'putEscalationLadder' } } } });
    });

    it("gives a team its own ladder, then removes it; unknown ladders and teams are refused", async () => {
      const added = await post(coordinator, '/staff/escalation/ladders', { team_id: teamId });
      expect(added.statusCode).toBe(303);
      const own = (await loadLadders(h.deps)).find((l) => l.teamId === teamId)!;
      expect(own.steps.map((s) => s.minutes)).toEqual((await globalSteps()).map((s) => s[0]));
      expect((await post(coordinator, '/staff/escalation/ladders', { team_id: teamId })).statusCode).toBe(422);
      expect((await post(coordinator, '/staff/escalation/ladders', { team_id: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);
      expect((await post(coordinator, '/staff/escalation/ladders', { team_id: 'not a team' })).statusCode).toBe(422);
      const page = await get(coordinator, '/staff/escalation');
      expect(page.body).toContain(`id="ladder-${own.id}"`);
      expect((await post(coordinator, `/staff/escalation/ladders/${own.id}/delete`, {})).statusCode).toBe(303);
      expect((await loadLadders(h.deps)).some((l) => l.teamId === teamId)).toBe(false);
      expect((await post(coordinator, `/staff/escalation/ladders/${own.id}/delete`, {})).statusCode).toBe(404);
      expect((await post(coordinator, '/staff/escalation/ladders/global/delete', {})).statusCode).toBe(409);
      expect((await post(coordinator, '/staff/escalation/ladders/nope', await globalForm())).statusCode).toBe(404);
    });
  });
}
