import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { caseIdForReceipt } from '../../src/modules/cases/index.js';
import { submit } from '../../src/modules/intake/intake.test-helpers.js';
import { applyPlaybook } from '../../src/modules/playbooks/task.service.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { encodeForm, type Form, formInput, type FormInput, idSegment } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// Playbooks' pages and forms, and the case page's playbook forms, fed anything through the real
// app on both engines, signed in as a coordinator: adding a playbook, changing it, retiring and
// bringing it back, adding, changing, moving and removing steps, applying a playbook to a case,
// ticking, reopening and handing on a task, with any playbook, step, case or task in the path.
// Whatever is sent: never a 5xx; a refusal is a page that says what went wrong, in a language
// of the workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

/** What a route is sent: the shared form input and the ids in its path. */
type X = FormInput & {
  first: () => string;
  second: () => string;
};

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  /** The real ids the two mutated path segments stand in for. */
  real: [() => string, () => string];
  build(x: X, who: StaffSignIn): Probe;
}

const ids = { caseId: '', taskId: '' };
const STEP: Form = { required: 'yes', due_minutes: '90', title_en: 'Call back', guidance_en: 'Ask how it went.', title_ar: 'معاودة الاتصال', title_es: '', title_fr: '', title_ru: '' };
const NAMES: Form = { incident_type: 'ncii', name_en: 'Intimate images', name_es: 'Imágenes íntimas', name_fr: '', name_ar: '', name_ru: '' };

const post = (label: string, path: (a: string, b: string) => string, base: Form, real: [() => string, () => string], weight = 2): Route => ({
  label,
  weight,
  fields: ['_csrf', ...Object.keys(base)],
  real,
  build(x, who) {
    const form = x.mutate({ _csrf: x.token ?? who.csrf, ...base });
    return formProbe(label, path(x.first(), x.second()), form, x.how, x.type, { cookie: who.cookie, 'accept-language': x.accept });
  },
});

const get = (label: string, path: (a: string, b: string) => string, base: Form, real: [() => string, () => string]): Route => ({
  label,
  weight: 1,
  fields: Object.keys(base),
  real,
  build(x, who) {
    const q = encodeForm(x.mutate(base), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
    return { label, method: 'GET', url: `${path(x.first(), x.second())}?${q}`, headers: { cookie: who.cookie, 'accept-language': x.accept } };
  },
});

const none = () => '';
const ROUTES: Route[] = [
  post('POST /staff/playbooks', () => '/staff/playbooks', { _once: '', ...NAMES }, [none, none], 3),
  post('POST /staff/playbooks/:id', (p) => `/staff/playbooks/${p}`, NAMES, [() => 'doxing', none]),
  post('POST /staff/playbooks/:id/retire', (p) => `/staff/playbooks/${p}/retire`, {}, [() => 'online-harassment', none], 1),
  post('POST /staff/playbooks/:id/reactivate', (p) => `/staff/playbooks/${p}/reactivate`, {}, [() => 'online-harassment', none], 1),
  post('POST /staff/playbooks/:id/steps', (p) => `/staff/playbooks/${p}/steps`, { _once: '', ...STEP }, [() => 'website-down', none], 3),
  post('POST /staff/playbooks/:id/steps/:stepId', (p, s) => `/staff/playbooks/${p}/steps/${s}`, STEP, [() => 'lost-device', () => 'lost-device-2'], 3),
  post('POST /staff/playbooks/:id/steps/:stepId/up', (p, s) => `/staff/playbooks/${p}/steps/${s}/up`, {}, [() => 'doxing', () => 'doxing-3'], 1),
  post('POST /staff/playbooks/:id/steps/:stepId/down', (p, s) => `/staff/playbooks/${p}/steps/${s}/down`, {}, [() => 'doxing', () => 'doxing-2'], 1),
  post('POST /staff/playbooks/:id/steps/:stepId/remove', (p, s) => `/staff/playbooks/${p}/steps/${s}/remove`, {}, [() => 'suspicious-device', () => 'suspicious-device-5'], 1),
  post('POST /staff/cases/:id/playbook', (c) => `/staff/cases/${c}/playbook`, { playbook: 'account-takeover' }, [() => ids.caseId, none], 2),
  post('POST /staff/cases/:id/tasks/:taskId/done', (c, t) => `/staff/cases/${c}/tasks/${t}/done`, {}, [() => ids.caseId, () => ids.taskId], 2),
  post('POST /staff/cases/:id/tasks/:taskId/undo', (c, t) => `/staff/cases/${c}/tasks/${t}/undo`, {}, [() => ids.caseId, () => ids.taskId], 1),
  post('POST /staff/cases/:id/tasks/:taskId/assignee', (c, t) => `/staff/cases/${c}/tasks/${t}/assignee`, { assignee: '' }, [() => ids.caseId, () => ids.taskId], 2),
  get('GET /staff/playbooks', () => '/staff/playbooks', { done: 'created' }, [none, none]),
  get('GET /staff/playbooks/:id', (p) => `/staff/playbooks/${p}`, { done: 'saved' }, [() => 'doxing', none]),
  get('GET /staff/playbooks/:id/steps/:stepId', (p, s) => `/staff/playbooks/${p}/steps/${s}`, { done: 'step_saved' }, [() => 'doxing', () => 'doxing-1']),
  get('GET /staff/cases/:id?playbook=', (c) => `/staff/cases/${c}`, { playbook: 'applied' }, [() => ids.caseId, none]),
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`playbooks, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffSignIn;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      coordinator = await signInAs(h, 'coordinator');
      const caseId = (await caseIdForReceipt(h.deps, await submit(h)))!;
      const principal = { userId: coordinator.userId, email: coordinator.email, displayName: 'Coordinator', role: 'coordinator' as const, roles: ['coordinator' as const], locale: 'en', timeZone: 'UTC', via: 'session' as const };
      await applyPlaybook(h.deps, principal, caseId, 'lost-device');
      const task = await h.deps.db.selectFrom('case_tasks').select('id').where('case_id', '=', caseId).orderBy('position').executeTakeFirstOrThrow();
      ids.caseId = String(caseId);
      ids.taskId = task.id;
    });
    afterAll(async () => {
      console.log(triedReport(`playbooks on ${engine.name}`));
      await h?.close();
    });

    it('every playbook form and page, and the case page’s playbook forms', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: formInput(r, STAFF_LOCALES, {
            first: idSegment(r.real[0]),
            second: idSegment(r.real[1]),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, coordinator), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
