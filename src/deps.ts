import type { CaseExtension } from './contracts/case-extension.js';
import type { PlatformDeps } from './platform/deps.js';

/**
 * What every module is given: the composition root (runtime.ts) builds one of these and
 * nothing else. Today it is the platform's dependencies; what the composition adds for the
 * modules goes here, never into platform/.
 */
export type Deps = PlatformDeps & {
  /**
   * Every module's case extension, in the module list's order (contracts/case-extension.ts):
   * set by the app from its modules; absent where no app was built (then there are none).
   */
  caseExtensions?: readonly CaseExtension[];
  /**
   * Every module's `resealToActiveKey` (contracts/module.ts), in the module list's order: what
   * the vault's rotation and leaving sealed mode run before older keys are retired. Set by the
   * runtime and by the app from their modules; absent, nothing but the vault's own data moves.
   */
  resealers?: readonly { module: string; reseal(deps: Deps): Promise<number> }[];
};
