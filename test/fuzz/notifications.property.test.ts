import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { newRequest } from '../../src/modules/cases/case.fixtures.js';
import { notify } from '../../src/modules/notifications/notification.service.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { encodeForm, formInput, type FormInput, idSegment } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// A handler's notifications, fed anything through the real app on both engines: the choices
// form, marking one notification read (theirs, someone else's, or any id), marking all read,
// and the page with any query (a page cursor among it). Whatever is sent: never a 5xx; a
// refusal is a page that says what went wrong, in a language of the workspace; a refused
// request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

/** What a route is sent: the shared form input and the ids in its path. */
type X = FormInput & {
  id: () => string;
};

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  build(x: X, who: StaffSignIn): Probe;
}

const ROUTES: Route[] = [
  {
    label: 'POST /staff/notifications/settings',
    weight: 4,
    fields: ['_csrf', 'on'],
    build: (x, who) =>
      formProbe(
        'POST /staff/notifications/settings',
        '/staff/notifications/settings',
        x.mutate({ _csrf: x.token ?? who.csrf, on: ['case_assigned:in_app', 'deadline:email'] }),
        x.how,
        x.type,
        { cookie: who.cookie, 'accept-language': x.accept },
      ),
  },
  {
    label: 'POST /staff/notifications/:id/read',
    weight: 3,
    fields: ['_csrf'],
    build: (x, who) =>
      formProbe('POST /staff/notifications/:id/read', `/staff/notifications/${x.id()}/read`, x.mutate({ _csrf: x.token ?? who.csrf }), x.how, x.type, {
        cookie: who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'POST /staff/notifications/read-all',
    weight: 1,
    fields: ['_csrf'],
    build: (x, who) =>
      formProbe('POST /staff/notifications/read-all', '/staff/notifications/read-all', x.mutate({ _csrf: x.token ?? who.csrf }), x.how, x.type, {
        cookie: who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'GET /staff/notifications',
    weight: 2,
    fields: ['before', 'done', 'count', 'lang'],
    build: (x, who) => {
      const q = encodeForm(x.mutate({ before: `1796600000000.${x.id()}`, done: 'all_read', count: '3' }), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
      return { label: 'GET /staff/notifications', method: 'GET', url: `/staff/notifications?${q}`, headers: { cookie: who.cookie, 'accept-language': x.accept } };
    },
  },
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`notifications, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffSignIn;
    let other: StaffSignIn;
    const ids: string[] = [];

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      handler = await signInAs(h, 'handler');
      other = await signInAs(h, 'handler');
      const { caseId } = await newRequest(h.deps);
      for (const [i, who] of [handler, other, handler].entries()) {
        await notify(h.deps, { mark: `fuzz:${i}`, caseId, kind: 'case_assigned', recipients: async () => [who.userId] });
      }
      ids.push(...(await h.deps.db.selectFrom('notifications').select('id').execute()).map((r) => r.id));
    });
    afterAll(async () => {
      console.log(triedReport(`notifications on ${engine.name}`));
      await h?.close();
    });

    it('the choices form, marking read, and the page with any query', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: formInput(r, STAFF_LOCALES, {
            // Their own, someone else's, or anything.
            id: fc.nat({ max: 2 }).chain((i) => idSegment(() => ids[i]!)),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, handler), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
