import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/platform/i18n/index.js';
import { projectRoot } from '../src/platform/paths.js';

// Every audit action Haven writes has a label in every language of the audit namespace, so the
// audit page names what happened in words rather than as a code. Haven has no list of its audit
// actions: they are written where the work is done. So this test reads the sources (their
// syntax trees, not their text) and finds every action written:
//   - an object literal with `action`, `caseId` and `actorKind` or a spread (`...actorOf(actor)`):
//     the shape of an AuditEntry, whose `caseId` and `actorKind` are required; its `action` a
//     string or a choice between strings;
//   - a call to a function of the same file that takes a parameter named `action` and writes
//     the log (recordAudit, auditWrite or another such helper): its argument there.
// An action it cannot read (a variable, a string built at run time) fails the test with its
// place: write it as a literal, so that it can be labelled. The platform's audit log itself
// (src/platform/audit/audit.ts) is not read: it writes the actions it is given and reads entries back.

const root = projectRoot();

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.test-helpers\.tsx?$/.test(name) && !/\.fixtures\.tsx?$/.test(name))
      out.push(p);
  }
  return out;
}

interface Found {
  actions: Map<string, string>;
  unreadable: string[];
}

/** The strings an expression can be: a literal, or either branch of a choice. Null when it can be anything else. */
function literals(e: ts.Expression): string[] | null {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isParenthesizedExpression(e)) return literals(e.expression);
  if (ts.isConditionalExpression(e)) {
    const a = literals(e.whenTrue);
    const b = literals(e.whenFalse);
    return a && b ? [...a, ...b] : null;
  }
  return null;
}

const WRITERS = /\b(recordAudit|auditWrite)\b/;

function scan(file: string, found: Found): void {
  const text = readFileSync(file, 'utf8');
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const where = (n: ts.Node) => `${relative(root, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  // Helpers of this file that take an `action` and write the log: name → the parameter's index.
  const helpers = new Map<string, number>();
  const noteHelper = (name: string, params: ts.NodeArray<ts.ParameterDeclaration>, body: ts.Node | undefined) => {
    const i = params.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'action');
    if (i >= 0 && body && WRITERS.test(body.getText(src))) helpers.set(name, i);
  };
  const findHelpers = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) noteHelper(n.name.text, n.parameters, n.body);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer)))
      noteHelper(n.name.text, n.initializer.parameters, n.initializer.body);
    ts.forEachChild(n, findHelpers);
  };
  findHelpers(src);

  const add = (e: ts.Expression, at: ts.Node) => {
    const xs = literals(e);
    if (xs === null) found.unreadable.push(`${where(at)}: ${e.getText(src)}`);
    else for (const x of xs) if (!found.actions.has(x)) found.actions.set(x, where(at));
  };
  const visit = (n: ts.Node): void => {
    if (ts.isObjectLiteralExpression(n)) {
      const names = n.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : ''));
      const action = n.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'action');
      const entry = names.includes('caseId') && (names.includes('actorKind') || n.properties.some((p) => ts.isSpreadAssignment(p)));
      if (action && entry) {
        // `{ action, caseId }` inside a helper passes its parameter on: its callers are read instead.
        if (ts.isPropertyAssignment(action)) add(action.initializer, action);
        else if (!ts.isShorthandPropertyAssignment(action)) found.unreadable.push(where(action));
      }
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && helpers.has(n.expression.text)) {
      const arg = n.arguments[helpers.get(n.expression.text)!];
      // A helper handing its own `action` to another helper: read at the outer helper's callers.
      if (arg && !(ts.isIdentifier(arg) && arg.text === 'action')) add(arg, n);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}

function auditActions(): Found {
  const found: Found = { actions: new Map(), unreadable: [] };
  for (const f of sourceFiles(join(root, 'src'))) if (relative(root, f) !== join('src', 'platform', 'audit', 'audit.ts')) scan(f, found);
  return found;
}

const catalog = loadCatalog(join(root, 'locales'));
/** The languages the audit namespace has: a folder with an audit.json. */
const auditLanguages = readdirSync(join(root, 'locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(root, 'locales', d.name)).includes('audit.json'))
  .map((d) => d.name)
  .sort();

describe('audit actions', () => {
  const found = auditActions();

  it('are all written as literals the scan can read, and it finds those of every kind of writer', () => {
    expect(found.unreadable).toEqual([]);
    // One of each way of writing: an entry object, the accounts' helper, the playbooks' helper,
    // a choice between two codes, the search's batch of entries and the jobs module's retries.
    for (const a of ['case.viewed', 'account.disabled', 'team.member_added', 'playbook.created', 'case.task_done', 'case.task_reopened', 'search.searched', 'task.retried'])
      expect(found.actions.has(a), a).toBe(true);
    expect(found.actions.size).toBeGreaterThan(100);
  });

  it('each have a label in every language of the audit namespace', () => {
    expect(auditLanguages).toEqual(expect.arrayContaining(['ar', 'en', 'es']));
    const missing: string[] = [];
    for (const lang of auditLanguages) {
      const messages = catalog.messages.get(lang)!;
      for (const [action, at] of found.actions) {
        const label = messages.get(`audit.action.${action}`);
        if (label === undefined || label.trim() === '') missing.push(`${lang}: ${action} (written at ${at})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
