import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The module boundaries are enforced by lint (eslint/boundaries.js), which `npm test` runs:
// these prove the rule fires on each kind of violation and stays quiet on what is allowed.

const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'haven/boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('refuses a module reaching into another module past its index.ts', async () => {
    const bad = await problems('src/modules/intake/probe.ts', "export { submitRequest } from '../cases/requester.service.js';\n");
    expect(bad).toEqual([expect.stringContaining('only through its index.ts')]);
    expect(await problems('src/modules/intake/views/probe.tsx', "import type { X } from '../../cases/case.js';\nexport type Y = X;\n")).toHaveLength(1);
    expect(await problems('src/modules/intake/probe.ts', "export { submitRequest } from '../cases/index.js';\n")).toEqual([]);
    // Its own files, at any depth, are its own business.
    expect(await problems('src/modules/cases/views/probe.tsx', "export { LIMITS } from '../requester.service.js';\n")).toEqual([]);
  });

  it('refuses platform/ importing a module, contracts or the composition root', async () => {
    expect(await problems('src/platform/http/probe.ts', "export { casesModule } from '../../modules/cases/index.js';\n")).toEqual([
      expect.stringContaining('platform/ never imports a module'),
    ]);
    expect(await problems('src/platform/probe.ts', "export type { HavenModule } from '../contracts/module.js';\n")).toEqual([
      expect.stringContaining('never imports contracts/'),
    ]);
    for (const root of ['../deps.js', '../app.js', '../worker.js', '../modules.js', '../cli/serve.js'])
      expect(await problems('src/platform/probe.ts', `export * from '${root}';\n`), root).toHaveLength(1);
    expect(await problems('src/platform/probe.ts', "export type { PlatformDeps } from './deps.js';\n")).toEqual([]);
  });

  it('refuses contracts importing a module, and counts dynamic imports too', async () => {
    expect(await problems('src/contracts/probe.ts', "export * from '../modules/cases/index.js';\n")).toHaveLength(1);
    expect(await problems('src/platform/probe.ts', "export const m = () => import('../modules/cases/index.js');\n")).toHaveLength(1);
  });

  it('leaves tests free to set a scene through any module', async () => {
    expect(await problems('src/platform/http/probe.test.ts', "export { submitRequest } from '../../modules/cases/requester.service.js';\n")).toEqual([]);
  });
});
