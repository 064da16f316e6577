import type { Deps } from '../../deps.js';

/**
 * The settings module: the organisation's identity (its name, description, logo, other ways to
 * reach it and the public landing text per language), set by administrators on /staff/settings
 * and shown on the public surface instead of the software's name.
 */

/** The organisation's name as the public surface and replies show it; the catalogue's brand until one is set. */
export async function organisationName(deps: Deps, locale: string): Promise<string> {
  return deps.i18n.format(locale, 'common.brand');
}
