import type { PlatformDeps } from './platform/deps.js';

/**
 * What every module is given: the composition root (runtime.ts) builds one of these and
 * nothing else. Today it is the platform's dependencies; what the composition adds for the
 * modules goes here, never into platform/.
 */
export type Deps = PlatformDeps;
