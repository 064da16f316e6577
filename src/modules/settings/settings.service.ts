import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { PublicBrand } from '../../platform/views/ui.js';
import { sanitiseLogo, type LogoRefusal } from './logo.js';
import * as repo from './settings.repo.js';
import type { SettingsInput } from './settings.schema.js';
import { textField } from './settings.schema.js';
import {
  logoUrl,
  publicIdentityIn,
  TEXT_LOCALES,
  type OrganisationIdentity,
  type OrganisationTexts,
  type PublicIdentity,
} from './settings.js';
import './settings.errors.js';

// ---- The kept copy ----------------------------------------------------------------------------

/**
 * How long a process serves the settings it read before it reads them again. Every public page
 * shows the organisation's name and logo, so each would otherwise read the settings row: a
 * process keeps them for at most a second (as the public forms' vocabularies, ADR 22). A save
 * is seen at once by the process that made it (it forgets its copy when the save commits) and
 * within this bound by every other process on the same database: state lives in the database,
 * the copy only spares reads.
 */
export const SETTINGS_CACHE_MS = 1000;

type CacheDeps = Pick<Deps, 'db' | 'now'> & Partial<Pick<Deps, 'storage'>>;

interface Kept {
  at: number;
  identity: OrganisationIdentity;
}

/** One copy per database (its Storage; a transaction's deps keep their Storage). */
const kept = new WeakMap<object, Promise<Kept>>();

function keyOf(deps: CacheDeps): object {
  return deps.storage ?? deps.db;
}

/**
 * The settings, from this process's copy when it is less than SETTINGS_CACHE_MS old. Parallel
 * requests share one read; inside a transaction they are read through it and not kept.
 */
export async function cachedIdentity(deps: CacheDeps): Promise<OrganisationIdentity> {
  const key = keyOf(deps);
  const now = deps.now();
  const current = kept.get(key);
  if (current) {
    const entry = await current.catch(() => undefined);
    if (entry && now - entry.at < SETTINGS_CACHE_MS && now >= entry.at) return entry.identity;
    if (kept.get(key) !== current) return cachedIdentity(deps);
  }
  if (deps.db.isTransaction) return repo.readIdentity(deps.db);
  const reading = repo.readIdentity(deps.db).then((identity) => ({ at: now, identity }));
  kept.set(key, reading);
  reading.catch(() => {
    if (kept.get(key) === reading) kept.delete(key);
  });
  return (await reading).identity;
}

/** Forgets this process's copy (after a save commits). */
function forget(deps: CacheDeps): void {
  kept.delete(keyOf(deps));
}

// ---- What other modules and the public surface read ---------------------------------------------

/** The organisation's name, or the catalogue's brand (`common.brand`) when none is set. */
export async function organisationName(deps: Deps, locale: string): Promise<string> {
  return (await cachedIdentity(deps)).name ?? deps.i18n.format(locale, 'common.brand');
}

/** Each kept copy's brand, one object while the copy lasts (pages cached whole compare it). */
const brands = new WeakMap<OrganisationIdentity, PublicBrand>();

/** What the public pages' header and title show (the public surface's brand provider). */
export async function publicBrand(deps: CacheDeps): Promise<PublicBrand> {
  const identity = await cachedIdentity(deps);
  let brand = brands.get(identity);
  if (!brand) {
    brand = { name: identity.name, logoUrl: identity.logo ? logoUrl(identity.logo) : null };
    brands.set(identity, brand);
  }
  return brand;
}

/** What the landing page shows of the organisation, in `locale` (with its fallbacks). */
export async function publicIdentity(deps: CacheDeps, locale: string): Promise<PublicIdentity> {
  return publicIdentityIn(await cachedIdentity(deps), locale);
}

/** The settings as they are in the database now (the settings page: never an old copy). */
export async function currentIdentity(deps: Deps): Promise<OrganisationIdentity> {
  return repo.readIdentity(deps.db);
}

// ---- Changes, each audited in its transaction ----------------------------------------------------


/** The texts of every language from the form. */
function textsOf(input: SettingsInput): Record<string, OrganisationTexts> {
  const fields = input as unknown as Record<string, string | null>;
  return Object.fromEntries(
    TEXT_LOCALES.map((l) => [
      l,
      {
        description: fields[textField('description', l)] ?? null,
        landing: fields[textField('landing', l)] ?? null,
        emergency: fields[textField('emergency', l)] ?? null,
      },
    ]),
  );
}

/** The names of what a save changes: `name`, `landing_ar`… (the audit entry names fields, never their text). */
function changedFields(before: OrganisationIdentity, input: SettingsInput, texts: Record<string, OrganisationTexts>): string[] {
  const changed: string[] = [];
  const pairs: [string, unknown, unknown][] = [
    ['name', before.name, input.name],
    ['default_locale', before.defaultLocale, input.default_locale],
    ['pgp_key', before.pgpKey, input.pgp_key],
    ['onion_address', before.onionAddress, input.onion_address],
    ['signal_number', before.signalNumber, input.signal_number],
  ];
  for (const [field, was, is] of pairs) if (was !== is) changed.push(field);
  for (const l of TEXT_LOCALES) {
    for (const kind of ['description', 'landing', 'emergency'] as const) {
      if ((before.texts[l]?.[kind] ?? null) !== texts[l]![kind]) changed.push(textField(kind, l));
    }
  }
  return changed;
}

/**
 * Saves the settings form: the settings and every language's texts in one transaction, audited
 * with the names of the fields changed. CONFLICT when the settings were saved since the form was
 * shown (its `revision`): nothing is written, and the form is shown again to be checked.
 */
export async function saveSettings(deps: Deps, actor: Principal, input: SettingsInput): Promise<Result<{ changed: string[] }>> {
  const now = deps.now();
  const texts = textsOf(input);
  const result = await deps.db.transaction().execute(async (trx) => {
    const before = await repo.readIdentity(trx);
    const written = await repo.updateSettings(
      trx,
      {
        name: input.name,
        defaultLocale: input.default_locale,
        pgpKey: input.pgp_key,
        onionAddress: input.onion_address,
        signalNumber: input.signal_number,
      },
      input.revision,
      now,
      actor.userId,
    );
    if (!written) return fail<{ changed: string[] }>('SETTINGS_CHANGED');
    await repo.upsertTexts(trx, texts, now);
    const changed = changedFields(before, input, texts);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'settings.saved',
      caseId: null,
      detail: { changed: changed.join(','), revision: input.revision + 1 },
    });
    return ok({ changed });
  });
  if (result.ok) forget(deps);
  return result;
}

/** Sanitises and sets the logo (logo.ts), audited with its type, size and hash; refused as LogoRefusal. */
export async function setLogo(
  deps: Deps,
  actor: Principal,
  file: { type: string; data: Buffer },
): Promise<{ ok: true; hash: string } | { ok: false; reason: LogoRefusal }> {
  const logo = sanitiseLogo(file.type, file.data);
  if (!logo.ok) return logo;
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const before = await repo.replaceLogo(trx, { type: logo.type, data: logo.data, hash: logo.hash }, now, actor.userId);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'settings.logo_set',
      caseId: null,
      detail: {
        type: logo.type,
        bytes: logo.data.length,
        uploaded_bytes: file.data.length,
        hash: logo.hash,
        previous: before?.hash ?? null,
      },
    });
  });
  forget(deps);
  return { ok: true, hash: logo.hash };
}

/** Removes the logo, audited; false when there was none (nothing written). */
export async function removeLogo(deps: Deps, actor: Principal): Promise<boolean> {
  const now = deps.now();
  const removed = await deps.db.transaction().execute(async (trx) => {
    const current = await repo.readIdentity(trx);
    if (!current.logo) return false;
    await repo.replaceLogo(trx, null, now, actor.userId);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'settings.logo_removed',
      caseId: null,
      detail: { previous: current.logo.hash },
    });
    return true;
  });
  forget(deps);
  return removed;
}
