import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../src/modules.js';
import { createActiveUser, createTokenForEmail } from '../src/modules/accounts/index.js';
import { combinePolicies, type PolicyEngine } from '../src/platform/auth/policy.js';
import { ROLES, type Role } from '../src/platform/auth/roles.js';
import { declaredRoutes, type DeclaredRoute } from '../src/platform/http/surfaces.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { totpNow } from '../src/platform/auth/totp.js';
import { form, hiddenField, postForm, sessionCookieOf, signInAs, TEST_PASSWORD, type StaffSignIn } from './staff-session.js';

/**
 * The route × role table: every staff and API route the app registers, for every role and for
 * nobody signed in, is refused exactly when the policy engine says the role may not do the
 * route's action. The table is generated from the routes as registered (surfaces.ts
 * `declaredRoutes`), so a new route is covered without touching this file.
 *
 * Refused means the route's refusal: the FORBIDDEN page (403) on the staff surface, the API's
 * FORBIDDEN error; nobody signed in is sent to the sign-in page, or answered 401 on the API.
 * Anything else counts as let through by the policy: 200, a 303, a 404 for an unknown id, a
 * 422 for an empty form, a 409 for a state that does not allow the act.
 *
 * On SQLite only: the table is about routing and the policy, which do not depend on the engine.
 */

const sqlite = engines.find((e) => e.name === 'sqlite')!;

// A value for every path parameter: well formed where a route parses it, and naming nothing.
const PARAM = '999999';

// Routes that end the session they are sent with run last, so the others see a live one.
const endsSession = (r: DeclaredRoute) => /\/sign-out(-everywhere)?$/.test(r.url);

describe('the route × role table', () => {
  let h: Harness;
  let engine: PolicyEngine;
  const staff = new Map<Role, StaffSignIn>();
  const tokens = new Map<Role, string>();
  let forbiddenText: string;

  beforeAll(async () => {
    h = await createHarness(sqlite);
    engine = combinePolicies(MODULES.flatMap((m) => (m.policy ? [m.policy] : [])));
    for (const role of ROLES) {
      const person = await signInAs(h, role);
      staff.set(role, person);
      tokens.set(role, await createTokenForEmail(h.deps, person.email, `table-${role}`));
    }
    forbiddenText = h.deps.i18n.translator('en')('common.error.forbidden');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  function routes(): DeclaredRoute[] {
    const all = declaredRoutes(h.app).filter((r) => r.method !== 'HEAD');
    return [...all.filter((r) => !endsSession(r)), ...all.filter(endsSession)];
  }

  const urlOf = (r: DeclaredRoute) => r.url.replace(/:[A-Za-z_]+/g, PARAM);

  function send(r: DeclaredRoute, who: { role: Role } | null): Promise<InjectResponse> {
    const url = urlOf(r);
    const method = r.method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    if (r.surface === 'api') {
      const headers: Record<string, string> = who ? { authorization: `Bearer ${tokens.get(who.role)!}` } : {};
      if (method === 'GET') return h.app.inject({ method, url, headers });
      return h.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: '{}' });
    }
    const person = who ? staff.get(who.role)! : null;
    const headers: Record<string, string> = person ? { cookie: person.cookie } : {};
    if (method === 'GET') return h.app.inject({ method, url, headers });
    const body = form(person ? { _csrf: person.csrf } : {});
    return h.app.inject({ method, url, payload: body.payload, headers: { ...headers, ...body.headers } });
  }

  function refusedByPolicy(r: DeclaredRoute, res: InjectResponse): boolean {
    if (res.statusCode !== 403) return false;
    if (r.surface === 'api') return (res.json() as { error: { code: string } }).error.code === 'FORBIDDEN';
    return res.body.includes(forbiddenText);
  }

  it('lists the staff and API routes, each with a known action or none', () => {
    const list = routes();
    expect(list.some((r) => r.surface === 'staff')).toBe(true);
    expect(list.some((r) => r.surface === 'api')).toBe(true);
    for (const r of list) expect(r.action === 'none' || engine.actions.has(r.action), `${r.method} ${r.url}`).toBe(true);
  });

  it('refuses each route exactly to the roles the engine refuses, and sends nobody signed in to sign in', async () => {
    const rows: string[] = [];
    const wrong: string[] = [];
    for (const r of routes()) {
      const name = `${r.method} ${r.url} (${r.action})`;
      // Nobody signed in.
      const anon = await send(r, null);
      if (r.action !== 'none') {
        const sentAway =
          r.surface === 'api'
            ? anon.statusCode === 401
            : anon.statusCode === 303 && anon.headers.location === '/staff/sign-in';
        if (!sentAway) wrong.push(`${name} signed out: ${anon.statusCode} ${String(anon.headers.location ?? '')}`);
      } else if (refusedByPolicy(r, anon)) {
        wrong.push(`${name} signed out: refused although it needs no role`);
      }
      // Each role, with a real session or token.
      const cells: string[] = [];
      for (const role of ROLES) {
        const res = await send(r, { role });
        const expected = r.action === 'none' || engine.can({ roles: [role] }, r.action);
        const allowed = !refusedByPolicy(r, res);
        cells.push(`${role}:${allowed ? 'yes' : 'no'}`);
        if (allowed !== expected) wrong.push(`${name} as ${role}: ${res.statusCode}, expected ${expected ? 'let through' : 'refused'}`);
      }
      rows.push(`${name} ${cells.join(' ')}`);
    }
    expect(wrong, rows.join('\n')).toEqual([]);
    expect(rows.length).toBeGreaterThan(20);
  }, 120_000);

  it('lands every role, once signed in, on a page the role may open (an auditor on the audit log)', async () => {
    const landed = new Map<Role, string>();
    for (const role of ROLES) {
      const email = `landing.${role}@example.org`;
      const { totpSecret } = await createActiveUser(h.deps, { email, role, displayName: `Landing ${role}`, password: TEST_PASSWORD });
      const signIn = await h.app.inject({ url: '/staff/sign-in' });
      const first = await postForm(h, '/staff/sign-in', { _form: hiddenField(signIn.body, '_form'), email, password: TEST_PASSWORD });
      const partial = sessionCookieOf(first)!;
      const codePage = await h.app.inject({ url: '/staff/sign-in/second-factor', headers: { cookie: partial } });
      const code = totpNow(totpSecret, h.clock.now());
      let res = await postForm(h, '/staff/sign-in/second-factor', { _csrf: hiddenField(codePage.body, '_csrf'), code }, partial);
      const cookie = sessionCookieOf(res)!;
      // Followed as a browser would, at most a couple of steps.
      const path: string[] = [];
      for (let hop = 0; hop < 3 && res.statusCode === 303; hop += 1) {
        path.push(String(res.headers.location));
        res = await h.app.inject({ url: String(res.headers.location), headers: { cookie } });
      }
      expect(res.statusCode, `${role}: ${path.join(' → ')}`).toBe(200);
      expect(refusedByPolicy({ surface: 'staff' } as DeclaredRoute, res)).toBe(false);
      landed.set(role, path.at(-1)!);
    }
    expect(landed.get('handler')).toBe('/staff');
    expect(landed.get('admin')).toBe('/staff');
    expect(landed.get('auditor')).toBe('/staff/audit');
    expect(landed.get('researcher')).toBe('/staff/account');
  }, 60_000);
});
