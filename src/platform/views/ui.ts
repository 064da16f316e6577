import type { Translate } from '../i18n/index.js';

/** What every page view needs from the request: the translator, locale, direction and the surface's stylesheet. */
export interface PageContext {
  t: Translate;
  locale: string;
  dir: 'ltr' | 'rtl';
  cssUrl: string;
  /** The current path, for language links. */
  path: string;
  /** On the public surface: the organisation's name and logo, once set (`req.brand`). */
  brand?: PublicBrand | undefined;
}

/**
 * What the public pages show of the organisation that runs Haven, in their title and header,
 * instead of the catalogue's brand (ADR 27). A module gives it to the public surface as a
 * provider (`HavenModule.publicBrand`); the platform never reads a module's tables.
 */
export interface PublicBrand {
  /** Its name; null shows the catalogue's `common.brand`. */
  name: string | null;
  /** The address of its logo on this server, or null. */
  logoUrl: string | null;
}

/** How the public surface asks for the brand, once per request, in the reader's language. */
export type PublicBrandProvider = (locale: string) => Promise<PublicBrand>;
