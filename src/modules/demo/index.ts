import type { HavenModule } from '../../contracts/module.js';

/**
 * The demo module: a realistic synthetic year of requests (by default the 12 months up to
 * now) for `haven demo`, the benchmark and tests. It has no routes and no tables: it fills
 * the other modules through their index.ts (accounts' createDemoHandler, cases'
 * insertDemoCases; the retention rules in force from retention's listRules). This file is its
 * only public surface.
 */
export const demoModule: HavenModule = { name: 'demo' };

export { DEMO_DEFAULT_REQUESTS } from './demo.js';
export {
  DEMO_DEFAULT_SEED,
  generateDemo,
  runDemo,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  type DemoResult,
  type DemoHandlerCredentials,
} from './demo.service.js';
