import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script, without type declarations
import { isStale, stampOf } from '../scripts/build-if-stale.mjs';

// `npm start` compiles only when dist/ is missing or older than a source (scripts/build-if-stale.mjs).

const T0 = new Date('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('npm start compiles only what changed', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function project(): string {
    dir = mkdtempSync(join(tmpdir(), 'haven-build-'));
    mkdirSync(join(dir, 'src', 'modules'), { recursive: true });
    mkdirSync(join(dir, 'migrations'));
    for (const f of ['src/main.ts', 'src/modules/a.ts', 'migrations/index.ts', 'tsconfig.json']) {
      writeFileSync(join(dir, f), '');
      utimesSync(join(dir, f), at(0), at(0));
    }
    for (const d of ['src', 'src/modules', 'migrations']) utimesSync(join(dir, d), at(0), at(0));
    return dir;
  }
  function built(minute: number): void {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(stampOf(dir), '');
    utimesSync(stampOf(dir), at(minute), at(minute));
  }

  it('builds when there is no build yet', () => {
    expect(isStale(project())).toBe(true);
  });

  it('does not build again when nothing changed since the last build', () => {
    project();
    built(5);
    expect(isStale(dir)).toBe(false);
  });

  it('builds again when a source, deep in the tree, or the configuration changed after the build', () => {
    project();
    built(5);
    utimesSync(join(dir, 'src/modules/a.ts'), at(6), at(6));
    expect(isStale(dir)).toBe(true);
    built(7);
    expect(isStale(dir)).toBe(false);
    utimesSync(join(dir, 'tsconfig.json'), at(8), at(8));
    expect(isStale(dir)).toBe(true);
  });

  it('builds again when a file was added or deleted (its folder changed)', () => {
    project();
    built(5);
    utimesSync(join(dir, 'migrations'), at(6), at(6));
    expect(isStale(dir)).toBe(true);
  });
});
