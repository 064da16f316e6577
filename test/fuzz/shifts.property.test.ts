import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openDueHandovers } from '../../src/modules/shifts/handover.service.js';
import { addException, addSlot } from '../../src/modules/shifts/shift.service.js';
import { issueFormToken } from '../../src/platform/http/form-token.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { encodeForm, type Form, formInput, type FormInput, idSegment } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// Shifts' and handovers' pages and forms, fed anything through the real app on both engines,
// signed in as a coordinator: adding a shift, its people, one date's change and their removal,
// a handover's note and acknowledgement, any id in the path, any query string. Whatever is
// sent: never a 5xx; a refusal is a page that says what went wrong, in a language of the
// workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

interface Ids {
  team: string;
  slot: string;
  exception: string;
  handover: string;
  person: string;
}

/** What a route is sent: the shared form input and the ids in its path. */
type X = FormInput & {
  id: () => string;
};

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  real: (ids: Ids) => string;
  build(x: X, who: StaffSignIn, ids: Ids, h: Harness): Probe;
}

const post = (
  label: string,
  path: (id: string) => string,
  base: (ids: Ids, h: Harness) => Form,
  fields: readonly string[],
  real: (ids: Ids) => string,
  weight = 2,
): Route => ({
  label,
  weight,
  fields: ['_csrf', ...fields],
  real,
  build(x, who, ids, h) {
    const form = x.mutate({ _csrf: x.token ?? who.csrf, ...base(ids, h) });
    return formProbe(label, path(x.id()), form, x.how, x.type, {
      cookie: who.cookie,
      'accept-language': x.accept,
    });
  },
});

const get = (
  label: string,
  path: (id: string) => string,
  base: Form,
  real: (ids: Ids) => string,
  weight = 1,
): Route => ({
  label,
  weight,
  fields: Object.keys(base),
  real,
  build(x, who) {
    const q = encodeForm(x.mutate(base), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
    return {
      label,
      method: 'GET',
      url: `${path(x.id())}?${q}`,
      headers: { cookie: who.cookie, 'accept-language': x.accept },
    };
  },
});

const none = () => '';
const ROUTES: Route[] = [
  post(
    'POST /staff/shifts/slots',
    () => '/staff/shifts/slots',
    (ids) => ({
      team: ids.team,
      weekday: '3',
      start: '06:00',
      end: '14:00',
      members: [ids.person],
      lead: ids.person,
    }),
    ['team', 'weekday', 'start', 'end', 'members', 'lead'],
    none,
    3,
  ),
  post(
    'POST /staff/shifts/slots/:id/people',
    (id) => `/staff/shifts/slots/${id}/people`,
    (ids) => ({ members: [ids.person], lead: '' }),
    ['members', 'lead'],
    (ids) => ids.slot,
    2,
  ),
  post(
    'POST /staff/shifts/slots/:id/exceptions',
    (id) => `/staff/shifts/slots/${id}/exceptions`,
    (ids) => ({ date: '2026-12-21', kind: 'absence', person: ids.person, replacement: '' }),
    ['date', 'kind', 'person', 'replacement'],
    (ids) => ids.slot,
    3,
  ),
  post(
    'POST /staff/shifts/exceptions/:id/remove',
    (id) => `/staff/shifts/exceptions/${id}/remove`,
    () => ({}),
    [],
    (ids) => ids.exception,
    1,
  ),
  post(
    'POST /staff/shifts/slots/:id/remove',
    (id) => `/staff/shifts/slots/${id}/remove`,
    () => ({}),
    [],
    (ids) => ids.slot,
    1,
  ),
  post(
    'POST /staff/handovers/:id/notes',
    (id) => `/staff/handovers/${id}/notes`,
    (_ids, h) => ({
      note: 'Llamar a la abogada.',
      _once: issueFormToken(h.deps.vault.formKey, 'handover-note-form', h.deps.now()),
    }),
    ['note', '_once'],
    (ids) => ids.handover,
    3,
  ),
  post(
    'POST /staff/handovers/:id/acknowledge',
    (id) => `/staff/handovers/${id}/acknowledge`,
    (_ids, h) => ({
      _once: issueFormToken(h.deps.vault.formKey, 'handover-ack-form', h.deps.now()),
    }),
    ['_once'],
    (ids) => ids.handover,
    2,
  ),
  get('GET /staff/shifts', () => '/staff/shifts', { done: 'slot_added' }, none),
  get('GET /staff/shifts/now', () => '/staff/shifts/now', { done: 'x' }, none),
  get(
    'GET /staff/shifts/slots/:id',
    (id) => `/staff/shifts/slots/${id}`,
    { done: 'exception_added' },
    (ids) => ids.slot,
  ),
  get(
    'GET /staff/handovers',
    () => '/staff/handovers',
    { show: 'waiting', before: '1800000000000.00000000-0000-4000-8000-000000000000' },
    none,
  ),
  get(
    'GET /staff/handovers/:id',
    (id) => `/staff/handovers/${id}`,
    { done: 'acknowledged' },
    (ids) => ids.handover,
  ),
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(
    `shifts and handovers, fed anything, on ${engine.name}`,
    () => {
      let h: Harness;
      let coordinator: StaffSignIn;
      const ids: Ids = {
        team: crypto.randomUUID(),
        slot: '',
        exception: '',
        handover: '',
        person: '',
      };

      beforeAll(async () => {
        countScope(engine.name);
        h = await createHarness(engine);
        h.clock.ms = Date.UTC(2026, 11, 7, 13, 45);
        coordinator = await signInAs(h, 'coordinator');
        ids.person = coordinator.userId;
        await h.deps.db
          .insertInto('teams')
          .values({ id: ids.team, name: 'Fuzz', time_zone: 'UTC', region: null, created_at: 0 })
          .execute();
        await h.deps.db
          .insertInto('team_members')
          .values({ team_id: ids.team, user_id: ids.person })
          .execute();
        const principal = {
          userId: ids.person,
          email: coordinator.email,
          displayName: 'C',
          role: 'coordinator' as const,
          roles: ['coordinator' as const],
          locale: 'en',
          timeZone: 'UTC',
          via: 'session' as const,
        };
        const slot = await addSlot(h.deps, principal, {
          team: ids.team,
          weekday: 1,
          start: 360,
          end: 840,
          members: [ids.person],
          lead: ids.person,
        });
        if (!slot.ok) throw new Error('no slot');
        ids.slot = slot.value.id;
        const exception = await addException(h.deps, principal, {
          slot: ids.slot,
          date: '2026-12-14',
          kind: 'absence',
          person: ids.person,
          replacement: null,
        });
        if (!exception.ok) throw new Error('no exception');
        ids.exception = exception.value.id;
        h.clock.ms = Date.UTC(2026, 11, 7, 13, 45);
        await openDueHandovers(h.deps);
        ids.handover = (
          await h.deps.db.selectFrom('handovers').select('id').executeTakeFirstOrThrow()
        ).id;
      });
      afterAll(async () => {
        console.log(triedReport(`shifts and handovers on ${engine.name}`));
        await h?.close();
      });

      it(
        'every shift and handover form and page',
        async () => {
          const arb = fc.oneof(
            ...ROUTES.map((r) => ({
              weight: r.weight,
              arbitrary: formInput(r, STAFF_LOCALES, {
                id: idSegment(() => r.real(ids)),
              }),
            })),
          );
          await assertProperty(
            arb,
            async ({ route, ...x }) => {
              await send(h, route.build(x, coordinator, ids, h), surface);
            },
            runs(200),
          );
        },
        fuzzTimeout(),
      );
    },
  );
}
