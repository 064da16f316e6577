import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { checkModules, type HavenModule } from '../src/contracts/module.js';
import { MODULES } from '../src/modules.js';
import { casesModule } from '../src/modules/cases/index.js';
import { combinePolicies, definePolicy } from '../src/platform/auth/policy.js';
import { ASSIGNABLE_ROLES, ROLES } from '../src/platform/auth/roles.js';
import { createWorker } from '../src/worker.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';

// The module list (src/modules.ts) is the one place modules are wired: these check that what
// the modules declare fits together, and that a clash between two modules stops Haven at
// start instead of answering two ways.

describe('the module list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engines[0]!);
  });
  afterAll(async () => h?.close());

  it('gives exactly the roles its modules introduce', () => {
    const introduced = new Set(MODULES.flatMap((m) => m.roles ?? []));
    expect([...ASSIGNABLE_ROLES]).toEqual(ROLES.filter((r) => introduced.has(r)));
    // The audit module introduces the auditor, who can now be given the role on the people page.
    expect(ASSIGNABLE_ROLES).toContain('auditor');
  });

  it('shows each navigation entry for an action some module declares, at a path that answers', async () => {
    const engine = combinePolicies(MODULES.flatMap((m) => (m.policy ? [m.policy] : [])));
    const entries = MODULES.flatMap((m) => m.nav ?? []);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(engine.actions.has(e.action), `${e.href}: ${e.action}`).toBe(true);
      // Signed out, a real staff page sends the person to sign in; an unknown path is a 404.
      const res = await h.app.inject({ url: e.href });
      expect(res.statusCode, e.href).toBe(303);
    }
  });

  it('refuses two modules of one name, or a name that is not lower-case', () => {
    expect(() => checkModules([{ name: 'fund' }, { name: 'fund' }])).toThrow(/two modules are named "fund"/);
    expect(() => checkModules([{ name: 'Fund' }])).toThrow(/lower-case/);
  });

  it('refuses at start an action, an API path or a job that two modules both declare', async () => {
    const copycat = (extra: Partial<HavenModule>): HavenModule => ({ name: 'copycat', ...extra });
    await expect(createApp(h.deps, { modules: [casesModule, copycat({ policy: definePolicy({ 'case.view': ['admin'] }) })] })).rejects.toThrow(
      /case\.view.*two modules/,
    );
    await expect(createApp(h.deps, { modules: [casesModule, copycat({ api: { register: () => undefined, openapi: { paths: { '/cases': {} }, schemas: {} } } })] })).rejects.toThrow(
      /two modules describe the API path \/cases/,
    );
    expect(() => createWorker(h.deps, { modules: [casesModule, copycat({ jobs: casesModule.jobs! })] })).toThrow(/two jobs are named "backup-keys"/);
  });
});
