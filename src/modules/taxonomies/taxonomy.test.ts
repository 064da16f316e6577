import { describe, expect, it } from 'vitest';
import { ROLES, type Principal } from '../../platform/auth/roles.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { renderPage } from '../../platform/views/render.js';
import { sharedI18n } from '../../runtime.js';
import {
  cldrNamesOf,
  LABEL_LOCALES,
  moved,
  newCodePattern,
  termLabel,
  vocabularyLabel,
  type Vocabulary,
} from './taxonomy.js';
import { TAXONOMY_ACTIONS, taxonomyPolicy } from './taxonomy.policy.js';
import { MappingInput, newTermInput, renameInput } from './taxonomy.schema.js';
import { TaxonomiesPage } from './views/taxonomies.js';

const vocabulary = (code: string, parent: string | null = null): Vocabulary => ({
  code,
  namespace: 'cases',
  parent,
  ordering: 'manual',
  fixed: false,
  sort: 1,
  labels: { en: 'Incident type', ar: 'نوع الحادث' },
});

describe('termLabel', () => {
  const term = {
    kind: 'incident_type',
    code: 'doxing',
    labels: { en: 'Doxing', es: 'Doxing (exposición de datos personales)' },
  };
  it("takes the reader's language, then English, then the code", () => {
    expect(termLabel(term, 'es')).toBe('Doxing (exposición de datos personales)');
    expect(termLabel(term, 'ar')).toBe('Doxing');
    expect(termLabel({ ...term, labels: {} }, 'ar')).toBe('doxing');
    expect(termLabel({ ...term, labels: { en: '' } }, 'fr')).toBe('doxing');
  });
  it('names countries and languages from CLDR in every language, unless a label replaces it', () => {
    expect(cldrNamesOf('country')).toBe('region');
    expect(cldrNamesOf('toString')).toBeNull();
    expect(termLabel({ kind: 'country', code: 'KE', labels: {} }, 'es')).toBe('Kenia');
    expect(
      termLabel({ kind: 'country', code: 'KE', labels: { en: 'Kenya (East Africa)' } }, 'es'),
    ).toBe('Kenia');
    expect(
      termLabel({ kind: 'country', code: 'KE', labels: { es: 'República de Kenia' } }, 'es'),
    ).toBe('República de Kenia');
    expect(termLabel({ kind: 'language', code: 'ar', labels: {} }, 'ar')).toBe('العربية');
    expect(termLabel({ kind: 'country', code: 'not a code', labels: {} }, 'en')).toBe('not a code');
  });
  it('names a vocabulary the same way', () => {
    expect(vocabularyLabel(vocabulary('incident_type'), 'ar')).toBe('نوع الحادث');
    expect(vocabularyLabel(vocabulary('incident_type'), 'ru')).toBe('Incident type');
    expect(vocabularyLabel({ code: 'themes', labels: {} }, 'ru')).toBe('themes');
  });
});

describe('moved', () => {
  const codes = ['low', 'medium', 'high'];
  it('swaps a term with its neighbour, and refuses to leave the list', () => {
    expect(moved(codes, 'low', 'down')).toEqual(['medium', 'low', 'high']);
    expect(moved(codes, 'high', 'up')).toEqual(['low', 'high', 'medium']);
    expect(moved(codes, 'low', 'up')).toBeNull();
    expect(moved(codes, 'high', 'down')).toBeNull();
    expect(moved(codes, 'none', 'up')).toBeNull();
    expect(codes).toEqual(['low', 'medium', 'high']);
  });
});

describe('new codes', () => {
  it('follow ISO 3166 for countries, BCP 47 for languages, and a plain pattern elsewhere', () => {
    expect(newCodePattern('country').test('KE')).toBe(true);
    expect(newCodePattern('country').test('ke')).toBe(false);
    expect(newCodePattern('language').test('pt-BR')).toBe(true);
    expect(newCodePattern('language').test('Portuguese')).toBe(false);
    expect(newCodePattern('incident_type').test('spyware_found')).toBe(true);
    expect(newCodePattern('tlp').test('amber+strict')).toBe(true);
    expect(newCodePattern('incident_type').test('Spyware')).toBe(false);
    expect(newCodePattern('incident_type').test('-spyware')).toBe(false);
    expect(newCodePattern('incident_type').test('a'.repeat(65))).toBe(false);
  });
});

describe('the term forms', () => {
  const labels = (fields: Record<string, string>) => ({ code: 'spyware', parent: '', ...fields });
  const schema = newTermInput(vocabulary('incident_type'), new Set(), LABEL_LOCALES);
  const errorsOf = (input: unknown) => {
    const r = schema.safeParse(input);
    return r.success ? {} : fieldErrors(r.error);
  };

  it('trims and composes labels, keeps blank languages out, and requires English', () => {
    const r = schema.parse(
      labels({ label_en: '  Spyware ', label_fr: 'Logiciel espion cache\u0301', label_ar: '' }),
    );
    expect(r).toEqual({
      code: 'spyware',
      parent: null,
      labels: { en: 'Spyware', es: null, fr: 'Logiciel espion caché', ar: null, ru: null },
    });
    expect(errorsOf(labels({ label_en: '   ' }))).toEqual({
      label_en: 'taxonomies.error.label_required',
    });
  });

  it('refuses line breaks, direction controls, control characters and long labels, each with its message', () => {
    expect(errorsOf(labels({ label_en: 'a\nb' }))).toEqual({
      label_en: 'taxonomies.error.label_chars',
    });
    expect(errorsOf(labels({ label_en: 'a\u202Eb' }))).toEqual({
      label_en: 'taxonomies.error.label_chars',
    });
    expect(errorsOf(labels({ label_en: 'a\u2067b' }))).toEqual({
      label_en: 'taxonomies.error.label_chars',
    });
    expect(errorsOf(labels({ label_en: 'a\u0000b' }))).toEqual({
      label_en: 'common.form.control_chars',
    });
    expect(errorsOf(labels({ label_en: 'x'.repeat(121) }))).toEqual({
      label_en: 'taxonomies.error.label_too_long',
    });
    expect(errorsOf(labels({ label_en: 'x'.repeat(120) }))).toEqual({});
    // A joiner inside a word, as Persian or Arabic script may need, is fine.
    expect(errorsOf(labels({ label_en: 'Spyware', label_ar: 'می\u200Cخواهم' }))).toEqual({});
    expect(errorsOf({ code: ['a'], parent: 1, label_en: null })).toMatchObject({
      code: 'common.form.invalid',
    });
  });

  it('takes a parent only from the parent vocabulary, and asks no English name where CLDR gives names', () => {
    const countries = newTermInput(
      vocabulary('country', 'region'),
      new Set(['africa']),
      LABEL_LOCALES,
    );
    expect(countries.parse({ code: 'KE', parent: 'africa' }).parent).toBe('africa');
    expect(countries.safeParse({ code: 'KE', parent: 'atlantis' }).success).toBe(false);
    expect(schema.safeParse(labels({ label_en: 'Spyware', parent: 'africa' })).success).toBe(false);
    expect(
      renameInput(vocabulary('country'), ['en', 'ar']).parse({ label_en: '', label_ar: 'كينيا' }),
    ).toEqual({ en: null, ar: 'كينيا' });
  });

  it('reads a mapping: a scheme name and a value without spaces, blank to remove', () => {
    expect(MappingInput.parse({ scheme: 'rsit', value: ' fraud/phishing ' })).toEqual({
      scheme: 'rsit',
      value: 'fraud/phishing',
    });
    expect(MappingInput.parse({ scheme: 'misp', value: '' })).toEqual({
      scheme: 'misp',
      value: null,
    });
    expect(MappingInput.safeParse({ scheme: 'RSIT', value: 'x' }).success).toBe(false);
    expect(MappingInput.safeParse({ scheme: 'rsit', value: 'a b' }).success).toBe(false);
    expect(MappingInput.safeParse({ scheme: 'rsit', value: 'x'.repeat(201) }).success).toBe(false);
  });
});

describe('taxonomy policy', () => {
  // Administrators and coordinators read, administrators change; every other role, present
  // or added later, is refused (deny by default).
  const allowed: Record<(typeof TAXONOMY_ACTIONS)[number], readonly string[]> = {
    'taxonomy.view': ['admin', 'coordinator'],
    'taxonomy.edit': ['admin'],
  };
  it('decides every role × action, and refuses nobody signed in', () => {
    expect(taxonomyPolicy.actions).toEqual([...TAXONOMY_ACTIONS]);
    for (const role of ROLES) {
      for (const action of TAXONOMY_ACTIONS) {
        expect(taxonomyPolicy.can({ roles: [role] }, action), `${role} ${action}`).toBe(
          allowed[action].includes(role),
        );
      }
    }
    for (const action of TAXONOMY_ACTIONS) expect(taxonomyPolicy.can(null, action)).toBe(false);
  });
});

describe('the taxonomies page', () => {
  it('reads right to left in Arabic, each name isolated', () => {
    const i18n = sharedI18n();
    const principal: Principal = {
      userId: 'u1',
      email: 'a@example.org',
      displayName: 'أمل',
      role: 'admin',
      roles: ['admin'],
      locale: 'ar',
      timeZone: 'UTC',
      via: 'session',
    };
    const html = renderPage(
      TaxonomiesPage({
        ctx: {
          t: i18n.translator('ar'),
          locale: 'ar',
          dir: 'rtl',
          cssUrl: '/staff/assets/staff.css',
          path: '/staff/taxonomies',
          timeZone: 'UTC',
          principal,
          csrfToken: 'x',
        },
        vocabularies: [{ ...vocabulary('incident_type'), active: 14, retired: 1 }],
        namespaceLabel: (ns) => i18n.translator('ar')(`taxonomies.namespace.${ns}`),
      }),
    );
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<h1>التصنيفات</h1>');
    expect(html).toContain('<h2 id="ns-cases">الحالات</h2>');
    expect(html).toContain('<bdi>نوع الحادث</bdi>');
  });
});
