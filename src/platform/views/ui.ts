import type { Translate } from '../i18n/index.js';

/** What every page view needs from the request: the translator, locale, direction and the surface's stylesheet. */
export interface PageContext {
  t: Translate;
  locale: string;
  dir: 'ltr' | 'rtl';
  cssUrl: string;
  /** The current path, for language links. */
  path: string;
}
