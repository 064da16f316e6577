import { describe, expect, it } from 'vitest';
import { checkModules, type HavenModule } from '../../contracts/module.js';
import { settingsModule } from './index.js';
import { EMPTY_IDENTITY, paragraphs, publicIdentityIn, textIn, type OrganisationIdentity } from './settings.js';

// The identity's pure rules: which language's text a reader gets, how plain text becomes
// paragraphs, and that only one module may name the organisation on the public pages.

const identity: OrganisationIdentity = {
  ...EMPTY_IDENTITY,
  name: 'Línea Segura',
  defaultLocale: 'es',
  onionAddress: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion',
  texts: {
    es: { description: 'Línea de ayuda', landing: 'Hola.', emergency: null },
    ar: { description: null, landing: 'مرحبًا.', emergency: 'اتصل بنا.' },
  },
};

describe('the organisation’s texts', () => {
  it('are shown in the reader’s language, else the default language, else not at all', () => {
    expect(textIn(identity, 'landing', 'ar')).toEqual({ text: 'مرحبًا.', lang: 'ar' });
    expect(textIn(identity, 'description', 'ar')).toEqual({ text: 'Línea de ayuda', lang: 'es' });
    expect(textIn(identity, 'landing', 'ru')).toEqual({ text: 'Hola.', lang: 'es' });
    // Advice written only in Arabic is not shown to a Russian reader in Arabic unless Arabic is the default.
    expect(textIn(identity, 'emergency', 'ru')).toBeNull();
    expect(textIn({ ...identity, defaultLocale: 'ar' }, 'emergency', 'ru')).toEqual({ text: 'اتصل بنا.', lang: 'ar' });
    expect(publicIdentityIn(EMPTY_IDENTITY, 'en')).toEqual({
      name: null,
      description: null,
      landing: null,
      emergency: null,
      onionUrl: null,
      signalNumber: null,
      pgpKeyUrl: null,
      pgpFingerprint: null,
      logoUrl: null,
    });
    expect(publicIdentityIn(identity, 'en').onionUrl).toBe('http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/');
  });

  it('become paragraphs at blank lines, their lines kept, blank ones and spaces around dropped', () => {
    expect(paragraphs('One\ntwo  \n\n \n  Three\n\n\n')).toEqual([['One', 'two'], ['Three']]);
    expect(paragraphs('   ')).toEqual([]);
  });
});

describe('the public brand', () => {
  it('is given by one module at most', () => {
    expect(() => checkModules([settingsModule])).not.toThrow();
    const other: HavenModule = { name: 'other', publicBrand: () => async () => ({ name: 'Other', logoUrl: null }) };
    expect(() => checkModules([settingsModule, other])).toThrow(/two modules give the public brand: settings, other/);
  });
});
