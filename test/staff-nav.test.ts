import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../src/modules.js';
import { combinePolicies, type PolicyEngine } from '../src/platform/auth/policy.js';
import { ROLES, type Role } from '../src/platform/auth/roles.js';
import { declaredRoutes } from '../src/platform/http/surfaces.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { signInAs, type StaffSignIn } from './staff-session.js';

/**
 * The staff bar, for every role: each link in it opens (200) for that role, and every page the
 * role may open that belongs in navigation is linked from it; nothing else is. Pages that belong
 * in navigation are the staff pages registered without a path parameter, except those reached
 * from another page (below), plus the views of a page that the bar names (the suspected-spam
 * queue). The routes come from the app as registered, so a new page is in the walk without
 * editing this file.
 *
 * On SQLite only: navigation is about routing and the policy, which do not depend on the engine.
 */

const sqlite = engines.find((e) => e.name === 'sqlite')!;

/** Pages reached from another page, not from the bar, with the page they are reached from. */
const REACHED_FROM_A_PAGE: Record<string, string> = {
  '/staff/retention/delete': 'the retention page (one rule, to confirm its deletion)',
  '/staff/audit.csv': 'the audit log (its export, a download)',
  '/staff/cases/go': "the bar's go-to-case box (a form, not a link)",
  '/staff/search': "the bar's search box (a form, not a link)",
  '/staff/notifications/settings': 'the notifications page (what one is told, and how)',
  '/staff/shifts/now': 'the shifts page (who is on shift now and next, team by team)',
};

/** Views of a page that the bar names, with the action that opens them. */
const VIEWS: { href: string; action: string }[] = [{ href: '/staff?view=spam', action: 'case.list' }];

/** The links of the staff bar in a page, and the addresses its forms send to. */
function bar(html: string): { links: string[]; forms: string[]; brand: string } {
  const header = /<header class="bar">([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';
  const nav = /<nav aria-label="[^"]*">([\s\S]*?)<\/nav>/.exec(header)?.[1] ?? '';
  const decode = (s: string) => s.replaceAll('&amp;', '&');
  return {
    links: [...nav.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => decode(m[1]!)),
    forms: [...nav.matchAll(/<form method="get" action="([^"]+)"/g)].map((m) => decode(m[1]!)),
    brand: decode(/<a class="brand" href="([^"]+)"/.exec(header)?.[1] ?? ''),
  };
}

describe('the staff bar, role by role', () => {
  let h: Harness;
  let engine: PolicyEngine;
  const people = new Map<Role, StaffSignIn>();

  beforeAll(async () => {
    h = await createHarness(sqlite);
    engine = combinePolicies(MODULES.flatMap((m) => (m.policy ? [m.policy] : [])));
    for (const role of ROLES) people.set(role, await signInAs(h, role));
  }, 60_000);
  afterAll(async () => h?.close());

  /** Staff pages that belong in navigation, each with the action that opens it. */
  function navigable(): { href: string; action: string }[] {
    const pages = declaredRoutes(h.app)
      .filter((r) => r.surface === 'staff' && r.method === 'GET' && r.action !== 'none' && !r.url.includes(':'))
      .filter((r) => !r.url.startsWith('/staff/assets/'))
      .filter((r) => !(r.url in REACHED_FROM_A_PAGE))
      .map((r) => ({ href: r.url === '/staff/' ? '/staff' : r.url, action: r.action }));
    return [...pages, ...VIEWS];
  }

  it('knows the pages it walks', () => {
    const hrefs = navigable().map((p) => p.href);
    for (const page of ['/staff', '/staff?view=spam', '/staff/users', '/staff/teams', '/staff/retention', '/staff/taxonomies', '/staff/vault', '/staff/jobs', '/staff/audit', '/staff/account', '/staff/account/tokens']) {
      expect(hrefs, page).toContain(page);
    }
  });

  for (const role of ROLES) {
    it(`shows ${role} every page their role opens, each of which opens, and nothing else`, async () => {
      const person = people.get(role)!;
      const get = (url: string) => h.app.inject({ url, headers: { cookie: person.cookie } });
      // Where they land once signed in.
      const start = await get('/staff/sign-in');
      expect(start.statusCode).toBe(303);
      const home = String(start.headers.location);
      const page = await get(home);
      expect(page.statusCode, `${role} lands on ${home}`).toBe(200);
      const { links, forms, brand } = bar(page.body);
      expect(brand, 'the brand leads to the start page').toBe(home);

      for (const href of links) {
        const res = await get(href);
        expect(res.statusCode, `${role}: ${href} in the bar`).toBe(200);
      }
      const shouldLink = navigable()
        .filter((p) => engine.can({ roles: [role] }, p.action))
        .map((p) => p.href)
        .sort();
      expect([...new Set(links)].sort(), `${role}'s bar`).toEqual(shouldLink);

      // The go-to-case box, for those who may see a case; its page opens for them.
      const boxes = [
        ...(engine.can({ roles: [role] }, 'case.view') ? ['/staff/cases/go'] : []),
        ...(engine.can({ roles: [role] }, 'search.cases') ? ['/staff/search'] : []),
      ];
      expect(forms, `${role}'s boxes`).toEqual(boxes);
      for (const action of forms) expect((await get(action)).statusCode, action).toBe(200);
    });
  }

  it('shows a person with several roles the pages of each', async () => {
    const person = people.get('handler')!;
    await h.deps.db.insertInto('user_roles').values({ user_id: person.userId, role: 'auditor' }).execute();
    try {
      const page = await h.app.inject({ url: '/staff', headers: { cookie: person.cookie } });
      const { links } = bar(page.body);
      expect(links).toContain('/staff');
      expect(links).toContain('/staff/audit');
      expect(links).not.toContain('/staff/users');
    } finally {
      await h.deps.db.deleteFrom('user_roles').where('user_id', '=', person.userId).where('role', '=', 'auditor').execute();
    }
  });

  it('marks the page one is on, the suspected-spam view apart from the queue', async () => {
    const person = people.get('admin')!;
    const current = async (url: string) => {
      const res = await h.app.inject({ url, headers: { cookie: person.cookie } });
      const header = /<header class="bar">([\s\S]*?)<\/header>/.exec(res.body)?.[1] ?? '';
      return [...header.matchAll(/<a href="([^"]+)" aria-current="page"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    };
    expect(await current('/staff')).toEqual(['/staff']);
    expect(await current('/staff?status=new')).toEqual(['/staff']);
    expect(await current('/staff?view=spam')).toEqual(['/staff?view=spam']);
    expect(await current('/staff/audit')).toEqual(['/staff/audit']);
  });
});
