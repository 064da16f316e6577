import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { openPostgres, openSqlite, type Storage } from '../../platform/storage/db.js';
import {
  cachedTaxonomyOptions,
  cachedTerm,
  labelsOf,
  optionsOf,
  renameTerm,
  setTermActive,
  TAXONOMY_CACHE_MS,
} from './taxonomy.service.js';

// The kept copy of the taxonomies that the public forms and the staff pages read (ADR 22): a
// change is seen at once by the process that made it, and within TAXONOMY_CACHE_MS (by the
// injected clock) by another process on the same database.

const ADMIN: Principal = {
  userId: 'admin-1',
  email: 'admin@example.org',
  displayName: 'Admin',
  role: 'admin',
  roles: ['admin'],
  locale: 'en',
  timeZone: 'UTC',
  via: 'session',
};

const label = async (deps: Pick<Deps, 'db' | 'storage' | 'now'>, code: string, locale = 'es') =>
  (await cachedTaxonomyOptions(deps, 'beneficiary', locale)).find((o) => o.value === code)?.label;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the taxonomies' kept copy on ${engine.name}`, () => {
    let h: Harness;
    /** A second process: its own connection to the same database, its own kept copy. */
    let other: Storage;
    let otherDeps: Deps;

    beforeAll(async () => {
      h = await createHarness(engine);
      other = h.databaseUrl ? openPostgres(h.databaseUrl, 2) : openSqlite(join(h.dataDir, 'haven.db'));
      otherDeps = { ...h.deps, storage: other, db: other.db };
    });
    afterAll(async () => {
      await other?.close();
      await h?.close();
    });

    it('sees a rename made in another process within its bound, and at once in the process that made it', async () => {
      const before = await label(otherDeps, 'journalist');
      expect(before).toBeTruthy();
      expect(await label(h.deps, 'journalist')).toBe(before);

      const renamed = await renameTerm(h.deps, ADMIN, 'beneficiary', 'journalist', { es: 'Periodista (nuevo nombre)' });
      expect(renamed.ok).toBe(true);
      // The process that made the change: at once.
      expect(await label(h.deps, 'journalist')).toBe('Periodista (nuevo nombre)');
      // Another process: its copy is at most TAXONOMY_CACHE_MS old…
      h.clock.advance(TAXONOMY_CACHE_MS - 1);
      expect(await label(otherDeps, 'journalist')).toBe(before);
      h.clock.advance(1);
      // …then it reads the tables again.
      expect(await label(otherDeps, 'journalist')).toBe('Periodista (nuevo nombre)');
    });

    it('gives the staff pages the same copy: options in use plus the retired value a record holds, labels of every term', async () => {
      const retired = await setTermActive(h.deps, ADMIN, 'beneficiary', 'organisation', false);
      expect(retired.ok).toBe(true);
      const options = await optionsOf(h.deps, 'beneficiary', 'en', null);
      expect(options.map((o) => o.value)).not.toContain('organisation');
      // A record that holds the retired term still shows (and sends back) its value.
      expect((await optionsOf(h.deps, 'beneficiary', 'en', 'organisation')).map((o) => o.value)).toContain('organisation');
      expect((await labelsOf(h.deps, 'beneficiary', 'en')).get('organisation')).toBeTruthy();
      // Another process sees the retirement once its copy is read again.
      h.clock.advance(TAXONOMY_CACHE_MS);
      expect((await optionsOf(otherDeps, 'beneficiary', 'en', null)).map((o) => o.value)).not.toContain('organisation');
      await setTermActive(h.deps, ADMIN, 'beneficiary', 'organisation', true);
      h.clock.advance(TAXONOMY_CACHE_MS);
      expect((await optionsOf(otherDeps, 'beneficiary', 'en', null)).map((o) => o.value)).toContain('organisation');
    });

    it('stops offering and accepting a term retired in another process once its copy is read again', async () => {
      expect(await cachedTerm(otherDeps, 'beneficiary', 'marginalised')).toBeDefined();
      const retired = await setTermActive(h.deps, ADMIN, 'beneficiary', 'marginalised', false);
      expect(retired.ok).toBe(true);
      expect(await cachedTerm(h.deps, 'beneficiary', 'marginalised')).toBeUndefined();
      h.clock.advance(TAXONOMY_CACHE_MS);
      expect(await cachedTerm(otherDeps, 'beneficiary', 'marginalised')).toBeUndefined();
      expect(await label(otherDeps, 'marginalised')).toBeUndefined();
      await setTermActive(h.deps, ADMIN, 'beneficiary', 'marginalised', true);
      expect(await cachedTerm(h.deps, 'beneficiary', 'marginalised')).toBeDefined();
    });

    it('names countries from CLDR per language, in the order of that language', async () => {
      const es = await cachedTaxonomyOptions(h.deps, 'country', 'es');
      const ar = await cachedTaxonomyOptions(h.deps, 'country', 'ar');
      expect(es.find((o) => o.value === 'KE')?.label).toBe('Kenia');
      expect(ar.find((o) => o.value === 'KE')?.label).not.toBe('Kenia');
      const collator = new Intl.Collator('es');
      expect([...es].sort((a, b) => collator.compare(a.label, b.label))).toEqual(es);
      // The same list object while the copy is fresh (what the form's rendering keys on).
      expect(await cachedTaxonomyOptions(h.deps, 'country', 'es')).toBe(es);
    });
  });
}
