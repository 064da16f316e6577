import { PUBLIC_LOCALES } from '../../platform/i18n/index.js';
import { logoExtension, logoHash, type LogoType } from './logo.js';
import { groupedFingerprint, pgpFingerprint } from './pgp.js';

// The organisation's identity as Haven holds it, and how the public pages read it (pure). Everything
// here is public once set (ADR 27): nothing of it is personal data, so nothing is encrypted.

/** The languages the organisation writes its texts in: the public surface's. */
export const TEXT_LOCALES = PUBLIC_LOCALES;

/** Longest name, short description, landing text and emergency advice, in characters. */
export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 200;
export const LANDING_MAX = 3000;
export const EMERGENCY_MAX = 600;
/** An armoured public key with a few signatures fits; a key that does not is better linked elsewhere. */
export const PGP_KEY_MAX = 20000;
/** `http://` and a v3 onion host (56 characters) with room to spare. */
export const ONION_MAX = 100;
export const SIGNAL_MAX = 30;

/** The organisation's texts in one language; null where it has written none. */
export interface OrganisationTexts {
  description: string | null;
  landing: string | null;
  emergency: string | null;
}

export interface OrganisationLogo {
  type: LogoType;
  data: Buffer;
  /** A hash of `data`, the logo's address (logo.ts `logoHash`). */
  hash: string;
}

/** Everything an administrator sets on /staff/settings. */
export interface OrganisationIdentity {
  name: string | null;
  /** The language a text falls back to when the reader's has none (then the catalogue's). */
  defaultLocale: string;
  pgpKey: string | null;
  /** A v3 onion host, `<56 characters>.onion`. */
  onionAddress: string | null;
  signalNumber: string | null;
  logo: OrganisationLogo | null;
  texts: Record<string, OrganisationTexts>;
  /** Counts saves of the form: one saved over a newer save is refused. */
  revision: number;
  updatedAt: number | null;
}

/** Nothing set: the catalogue's brand and texts show. */
export const EMPTY_IDENTITY: OrganisationIdentity = {
  name: null,
  defaultLocale: 'en',
  pgpKey: null,
  onionAddress: null,
  signalNumber: null,
  logo: null,
  texts: {},
  revision: 0,
  updatedAt: null,
};

/** A text the public pages show, with the language it is written in (for `lang`). */
export interface LocalisedText {
  text: string;
  lang: string;
}

/** What the public landing page shows of the organisation, in one reader's language. */
export interface PublicIdentity {
  name: string | null;
  description: LocalisedText | null;
  landing: LocalisedText | null;
  emergency: LocalisedText | null;
  onionUrl: string | null;
  signalNumber: string | null;
  /** The address of the PGP key, served as text to copy or save. */
  pgpKeyUrl: string | null;
  /** Its fingerprint in groups of four, to check it against one got another way. */
  pgpFingerprint: string | null;
  logoUrl: string | null;
}

/** The logo's public address, with its hash in it (cacheable for good). */
export function logoUrl(logo: Pick<OrganisationLogo, 'hash' | 'type'>): string {
  return `/organisation/logo.${logo.hash}.${logoExtension(logo.type)}`;
}

/** The PGP key's public address, with a hash of the key in it. */
export function pgpKeyUrl(key: string): string {
  return `/organisation/pgp-key.${pgpKeyHash(key)}.asc`;
}

export function pgpKeyHash(key: string): string {
  return logoHash(Buffer.from(key, 'utf8'));
}

/**
 * One of the organisation's texts in `locale`: the reader's language, else the organisation's
 * default language, else null (the page then shows the catalogue's own text).
 */
export function textIn(
  identity: OrganisationIdentity,
  field: keyof OrganisationTexts,
  locale: string,
): LocalisedText | null {
  for (const lang of [locale, identity.defaultLocale]) {
    const text = identity.texts[lang]?.[field];
    if (text) return { text, lang };
  }
  return null;
}

/** What the landing page shows, in `locale`. */
export function publicIdentityIn(identity: OrganisationIdentity, locale: string): PublicIdentity {
  return {
    name: identity.name,
    description: textIn(identity, 'description', locale),
    landing: textIn(identity, 'landing', locale),
    emergency: textIn(identity, 'emergency', locale),
    onionUrl: identity.onionAddress ? `http://${identity.onionAddress}/` : null,
    signalNumber: identity.signalNumber,
    pgpKeyUrl: identity.pgpKey ? pgpKeyUrl(identity.pgpKey) : null,
    pgpFingerprint: fingerprintOf(identity.pgpKey),
    logoUrl: identity.logo ? logoUrl(identity.logo) : null,
  };
}

/** A saved key's fingerprint in groups of four, or null. */
export function fingerprintOf(key: string | null): string | null {
  const fingerprint = key ? pgpFingerprint(key) : null;
  return fingerprint ? groupedFingerprint(fingerprint) : null;
}

/** Plain text as paragraphs (split at blank lines), each a list of its lines. */
export function paragraphs(text: string): string[][] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).filter((l) => l !== ''))
    .filter((p) => p.length > 0);
}
