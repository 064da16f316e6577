import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import type { CaseExtension } from './case-extension.js';
import type { Role } from '../platform/auth/roles.js';
import type { Policy } from '../platform/auth/policy.js';
import type { ErrorDefinition } from '../platform/errors.js';
import type { EventSubscriber } from '../platform/events/outbox.js';
import type { JobDefinition, JobSchedule } from '../platform/jobs/jobs.js';
import type { TaskDefinition } from '../platform/jobs/queue.js';
import type { NavEntry } from '../platform/views/nav.js';
import type { PublicBrandProvider } from '../platform/views/ui.js';

/** What a surface gives the modules that render pages on it. */
export interface SurfaceAssets {
  /** The versioned address of the surface's stylesheet. */
  cssUrl: string;
}

/** What a module's routes are registered with. */
export interface ModuleContext {
  deps: Deps;
  assets: SurfaceAssets;
  /** Every module's scheduled jobs' schedules as declared, by job name (for /staff/jobs). */
  jobSchedules: ReadonlyMap<string, JobSchedule>;
}

/** An OpenAPI 3.1 fragment: the paths a module serves under /api/v1 and the schemas they name. */
export interface OpenApiFragment {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
  tags?: { name: string; description: string }[];
}

/**
 * What a module is. `app.ts` and `worker.ts` iterate one list of these (src/modules.ts), so a
 * new module is one entry in that list and nothing central: its routes, API and OpenAPI
 * paths, jobs, tasks, event subscribers, policy, navigation and error codes all come from here.
 * Everything but `name` is optional; a module declares only what it has.
 */
export interface HavenModule {
  /** Lower-case, unique; prefixes the module's policy actions, jobs, tasks and subscribers. */
  name: string;
  /**
   * Roles this module introduces (from the one list in platform/auth/roles.ts): a role can be
   * given to a person once a module in the list introduces it (test/modules.test.ts).
   */
  roles?: readonly Role[];
  /** Who may do what: every staff and API route of the module names one of these actions. */
  policy?: Policy;
  /** The module's own error codes (the platform's generic ones are always there). */
  errors?: Readonly<Record<string, ErrorDefinition>>;
  /** Entries in the staff navigation, each shown to those its action allows. */
  nav?: readonly NavEntry[];
  /**
   * The organisation's name and logo for every public page's title and header, read once per
   * public request (platform/views/ui.ts `PublicBrand`; ADR 27). At most one module gives it.
   */
  publicBrand?(deps: Deps): PublicBrandProvider;
  /** What the module adds to cases: a case page section, a queue note, a say on status changes (ADR 31). */
  caseExtension?: CaseExtension;
  /** Pages on the public surface (mounted at /). */
  registerPublic?(app: FastifyInstance, ctx: ModuleContext): Promise<void> | void;
  /** Pages on the staff surface (mounted at /staff). */
  registerStaff?(app: FastifyInstance, ctx: ModuleContext): Promise<void> | void;
  /** Routes on the API (mounted at /api/v1), and their description in the OpenAPI document. */
  api?: {
    register(app: FastifyInstance, ctx: { deps: Deps }): Promise<void> | void;
    openapi: OpenApiFragment;
  };
  /** Work on a schedule (the `jobs` table). */
  jobs?(deps: Deps): JobDefinition[];
  /** Work with a payload, enqueued by a service and run with retries (platform/jobs/queue.ts). */
  tasks?(deps: Deps): TaskDefinition[];
  /** Handlers of other modules' domain events, delivered after commit (platform/events/outbox.ts). */
  subscribers?(deps: Deps): EventSubscriber[];
  /**
   * Re-seals the module's own data sealed to the vault's content key (`vault.sealToKey`) and
   * not yet under the active key, under the active key; returns how many values moved. The
   * vault module calls it before a rotation or leaving sealed mode retires the older keys
   * (and their private halves leave memory), so nothing is left that no key opens. It needs
   * the vault unsealed, skips a value changed or deleted meanwhile, and runs inside `deps.db`
   * when that is a transaction (`inTransaction`), in short transactions of its own otherwise.
   */
  resealToActiveKey?(deps: Deps): Promise<number>;
  /**
   * Runs at every `haven serve` start, after migrations and before the server listens (e.g.
   * re-applying deletion lists); returns lines for the operator, if any. It must not throw.
   */
  onStart?(deps: Deps): Promise<string[]>;
}

/** The modules' `resealToActiveKey` hooks, in the list's order, as `Deps.resealers` holds them. */
export function resealersOf(modules: readonly HavenModule[]): NonNullable<Deps['resealers']> {
  return modules.flatMap((m) => {
    const reseal = m.resealToActiveKey;
    return reseal ? [{ module: m.name, reseal: (deps: Deps) => reseal(deps) }] : [];
  });
}

/** Checks a module list before anything is built: unique names, actions prefixed by their module. */
export function checkModules(modules: readonly HavenModule[]): void {
  const names = new Set<string>();
  for (const m of modules) {
    if (!/^[a-z][a-z0-9_]*$/.test(m.name)) throw new Error(`module name "${m.name}" must be lower-case`);
    if (names.has(m.name)) throw new Error(`two modules are named "${m.name}"`);
    names.add(m.name);
  }
  const brands = modules.filter((m) => m.publicBrand).map((m) => m.name);
  if (brands.length > 1) throw new Error(`two modules give the public brand: ${brands.join(', ')}`);
}
