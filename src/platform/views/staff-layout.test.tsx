import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { navGroups, StaffLayout, type StaffPageContext } from './staff-layout.js';

// The staff bar: the organisation's pages go under More only when there are several; the bar
// folds behind one <details> disclosure, works without script, and keeps every link in its nav.

const entry = (href: string, order: number) => ({ href, label: href, order });

describe('the staff bar', () => {
  it('groups entries ordered from 50 under More when there are more than two', () => {
    const handler = [entry('/staff', 10), entry('/staff?view=spam', 11), entry('/staff/account/tokens', 95)];
    expect(navGroups(handler)).toEqual({ main: handler, more: [] });
    const admin = [...handler, entry('/staff/users', 60), entry('/staff/teams', 61), entry('/staff/audit', 90)];
    const { main, more } = navGroups(admin);
    expect(main.map((e) => e.href)).toEqual(['/staff', '/staff?view=spam']);
    expect(more.map((e) => e.href)).toEqual(['/staff/account/tokens', '/staff/users', '/staff/teams', '/staff/audit']);
  });

  it('renders one disclosure holding every link, the box, the name and Sign out, and marks a page under More', () => {
    const ctx: StaffPageContext = {
      t: (k) => k,
      locale: 'en',
      dir: 'ltr',
      cssUrl: '/staff/assets/staff.css',
      path: '/staff/users',
      url: '/staff/users',
      timeZone: 'UTC',
      principal: { userId: 'u', email: 'a@example.org', displayName: 'Amal', role: 'admin', roles: ['admin'], locale: 'en', timeZone: 'UTC', via: 'session' },
      csrfToken: 'tok',
      nav: [
        entry('/staff', 10),
        { href: '/staff/cases/go?number=', label: 'Go to case', order: 12 },
        entry('/staff/users', 60),
        entry('/staff/teams', 61),
        entry('/staff/audit', 90),
      ],
    };
    const html = renderToString(<StaffLayout ctx={ctx} title="People">x</StaffLayout>);
    const nav = /<nav aria-label="common.staff_nav">([\s\S]*?)<\/nav>/.exec(html)![1]!;
    expect(nav.match(/<details/g)).toHaveLength(2);
    expect(nav).toContain('<summary>common.nav_menu</summary>');
    expect(nav).toContain('<li class="more current"><details class="more-menu"><summary>common.nav_more</summary>');
    expect(nav).toContain('<a href="/staff/users" aria-current="page">/staff/users</a>');
    expect(nav).toContain('<form method="get" action="/staff/cases/go"');
    expect(nav).toContain('<bdi>Amal</bdi>');
    expect(nav).toContain('action="/staff/sign-out"');
    expect(html).not.toContain('<script');
  });
});
