import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LADDER_FORM } from '../../src/modules/escalation/escalation.routes.js';
import { loadLadders } from '../../src/modules/escalation/escalation.service.js';
import { team } from '../../src/modules/notifications/notification.test-helpers.js';
import { issueFormToken } from '../../src/platform/http/form-token.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { encodeForm, type Form, formInput, type FormInput } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// The escalation ladders' page and forms, fed anything through the real app on both engines,
// signed in as a coordinator: saving the global ladder (its steps as the page has them, at the
// version it is at, with a fresh one-time token, so some saves go through and later copies meet
// a newer save), giving a team a ladder, removing a ladder, and the page with any query string.
// Whatever is sent: never a 5xx; a refusal is a page that says what went wrong, in a language
// of the workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

/** What a route is sent: the shared form input. */
type X = FormInput;

interface Scene {
  who: StaffSignIn;
  ladder: Form;
  teamId: string;
}

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  build(x: X, s: Scene): Probe;
}

const LADDER_FIELDS = ['_csrf', '_once', 'version', 'resolution_hours', ...[0, 1, 2, 3].flatMap((r) => ['id', 'minutes', 'action', 'urgency', 'severity', 'remove'].map((n) => `step_${r}_${n}`))];

const ROUTES: Route[] = [
  {
    label: 'POST /staff/escalation/ladders/global',
    weight: 5,
    fields: LADDER_FIELDS,
    build: (x, s) =>
      formProbe('POST /staff/escalation/ladders/global', '/staff/escalation/ladders/global', x.mutate({ _csrf: x.token ?? s.who.csrf, ...s.ladder }), x.how, x.type, {
        cookie: s.who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'POST /staff/escalation/ladders',
    weight: 2,
    fields: ['_csrf', 'team_id'],
    build: (x, s) =>
      formProbe('POST /staff/escalation/ladders', '/staff/escalation/ladders', x.mutate({ _csrf: x.token ?? s.who.csrf, team_id: s.teamId }), x.how, x.type, {
        cookie: s.who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'POST /staff/escalation/ladders/:id/delete',
    weight: 1,
    fields: ['_csrf'],
    build: (x, s) =>
      formProbe('POST /staff/escalation/ladders/:id/delete', '/staff/escalation/ladders/global/delete', x.mutate({ _csrf: x.token ?? s.who.csrf }), x.how, x.type, {
        cookie: s.who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'GET /staff/escalation',
    weight: 1,
    fields: ['done'],
    build: (x, s) => {
      const q = encodeForm(x.mutate({ done: 'saved' }), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
      return { label: 'GET /staff/escalation', method: 'GET', url: `/staff/escalation?${q}`, headers: { cookie: s.who.cookie, 'accept-language': x.accept } };
    },
  },
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`escalation ladders, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffSignIn;
    let teamId: string;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      coordinator = await signInAs(h, 'coordinator');
      teamId = await team(h.deps, { regions: ['mena'], members: [coordinator.userId] });
    });
    afterAll(async () => {
      console.log(triedReport(`escalation ladders on ${engine.name}`));
      await h?.close();
    });

    /** The global ladder's form as the page has it now, with a fresh one-time token. */
    async function ladderForm(): Promise<Form> {
      const global = (await loadLadders(h.deps)).find((l) => l.id === 'global')!;
      const form: Form = {
        _once: issueFormToken(h.deps.vault.formKey, LADDER_FORM, h.deps.now()),
        version: String(global.version),
        resolution_hours: String(global.resolutionHours),
      };
      global.steps.forEach((s, r) => {
        form[`step_${r}_id`] = s.id;
        form[`step_${r}_minutes`] = String(s.minutes);
        form[`step_${r}_action`] = s.action;
        form[`step_${r}_urgency`] = s.urgency ?? '';
        form[`step_${r}_severity`] = s.severity ?? '';
      });
      return form;
    }

    it('the ladder forms and the page, with anything in them', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: formInput(r, STAFF_LOCALES),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, { who: coordinator, ladder: await ladderForm(), teamId }), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
