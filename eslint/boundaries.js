// Haven's module boundaries, as an ESLint rule (docs/architecture.md, "Boundaries"):
//   - platform/ imports no module, nor anything that imports platform back: the contracts,
//     the composition root (deps.ts, app.ts, worker.ts, modules.ts, runtime.ts) or the CLI;
//   - a module imports another module only through that module's index.ts;
//   - contracts/ import no module.
// Tests and test helpers are exempt: they are integration tests that may set a scene
// through any module. A violation is an error, so `npm test` (which lints) fails on it.
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const COMPOSITION = ['src/deps', 'src/app', 'src/worker', 'src/modules', 'src/runtime', 'src/main'];

/** The project-relative path of an import, without its extension; null for packages. */
function target(fromFile, source) {
  if (!source.startsWith('.')) return null;
  return relative(ROOT, resolve(dirname(fromFile), source)).replace(/\.(js|ts|tsx)$/, '');
}

/** Why `file` may not import `to`, or null. */
export function violation(file, to) {
  const from = relative(ROOT, file);
  if (from.startsWith('src/platform/')) {
    if (to.startsWith('src/modules/')) return 'platform/ never imports a module';
    if (to.startsWith('src/contracts/')) return 'platform/ never imports contracts/ (they import platform back)';
    if (to.startsWith('src/cli/') || COMPOSITION.includes(to)) return 'platform/ never imports the composition root or the CLI';
  }
  if (from.startsWith('src/contracts/') && to.startsWith('src/modules/')) return 'contracts/ never import a module';
  const own = /^src\/modules\/([^/]+)\//.exec(from)?.[1];
  const other = /^src\/modules\/([^/]+)\/(.+)$/.exec(to);
  if (own && other && other[1] !== own && other[2] !== 'index')
    return `a module imports another only through its index.ts (import ../${other[1]}/index.js)`;
  return null;
}

const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Haven module boundaries' } },
  create(context) {
    const file = context.filename;
    if (/\.test\.tsx?$|test-helpers\.tsx?$/.test(file)) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      const to = target(file, source);
      const why = to === null ? null : violation(file, to);
      if (why) context.report({ node, message: `${why}: "${source}"` });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export default { rules: { boundaries: rule } };
