import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { findTerm } from '../taxonomies/index.js';
import { pgpFingerprint } from '../settings/index.js';
import './referral.errors.js';
import { referralPolicy } from './referral.policy.js';
import * as repo from './referral.repo.js';
import type { PartnerInput } from './referral.schema.js';

// The partner directory's use cases: list and read for those who refer; add, change, retire
// and bring back for coordinators and administrators, each change audited in its transaction.

type Db = Pick<Deps, 'db'>;

export type { PartnerRow } from './referral.repo.js';

/** Partners matching the filters, by name; retired ones only with `includeRetired`. */
export function listPartners(deps: Db, filter: repo.PartnerFilter): Promise<repo.PartnerRow[]> {
  return repo.listPartners(deps.db, filter);
}

/** One partner, or undefined. */
export function findPartner(deps: Db, id: string): Promise<repo.PartnerRow | undefined> {
  return repo.findPartner(deps.db, id);
}

/** The codes of `codes` that the vocabulary `kind` does not have in use, the first one. */
async function firstUnknown(deps: Db, kind: 'region' | 'language', codes: readonly string[]): Promise<string | null> {
  for (const code of codes) if (!(await findTerm(deps, kind, code))) return code;
  return null;
}

/** The stored values of a checked form; VALIDATION_FAILED naming the field of an unknown region or language. */
async function valuesOf(deps: Db, input: PartnerInput): Promise<Result<repo.PartnerValues>> {
  if (await firstUnknown(deps, 'region', input.regions)) return fail('VALIDATION_FAILED', 'regions');
  if (await firstUnknown(deps, 'language', input.languages)) return fail('VALIDATION_FAILED', 'languages');
  return ok({
    name: input.name,
    description: input.description,
    contactKind: input.contact_kind,
    contactAddress: input.contact_address,
    pgpKey: input.pgp_key,
    pgpFingerprint: input.pgp_key === null ? null : pgpFingerprint(input.pgp_key),
    services: input.services,
    regions: [...input.regions].sort(),
    languages: [...input.languages].sort(),
  });
}

/**
 * A new partner; audited as `partner.created`. VALIDATION_FAILED (field) for an unknown region
 * or language; REFERRAL_REPEATED when the form's one-time token was spent (the same form sent
 * twice adds one partner).
 */
export async function createPartner(deps: Deps, actor: Principal, input: PartnerInput, once?: OneTimeToken): Promise<Result<{ id: string }>> {
  const allowed = referralPolicy.authorize(actor, 'partner.edit');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  const id = crypto.randomUUID();
  return deps.db.transaction().execute(async (trx) => {
    const values = await valuesOf({ db: trx }, input);
    if (!values.ok) return values;
    if (once && !(await spendToken(trx, once))) return fail<{ id: string }>('REFERRAL_REPEATED');
    await repo.insertPartner(trx, id, values.value, now, actor.userId);
    await recordAudit(trx, now, { ...actorOf(actor), action: 'partner.created', caseId: null, detail: { partner: id } });
    return ok({ id });
  });
}

/**
 * Changes a partner; audited as `partner.changed` with the names of the fields that changed
 * (never their values). False when nothing changed; NOT_FOUND for an unknown partner;
 * REFERRAL_REPEATED when the form's one-time token was spent.
 */
export async function changePartner(deps: Deps, actor: Principal, id: string, input: PartnerInput, once?: OneTimeToken): Promise<Result<boolean>> {
  const allowed = referralPolicy.authorize(actor, 'partner.edit');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const current = await repo.findPartner(trx, id, deps.dialect);
    if (!current) return fail<boolean>('NOT_FOUND');
    const values = await valuesOf({ db: trx }, input);
    if (!values.ok) return values;
    const v = values.value;
    const changed = (
      [
        ['name', current.name !== v.name],
        ['description', current.description !== v.description],
        ['services', current.services.join(',') !== [...v.services].sort().join(',')],
        ['regions', current.regions.join(',') !== v.regions.join(',')],
        ['languages', current.languages.join(',') !== v.languages.join(',')],
        ['contact', current.contactKind !== v.contactKind || current.contactAddress !== v.contactAddress],
        ['pgp_key', current.pgpKey !== v.pgpKey],
      ] as const
    )
      .filter(([, c]) => c)
      .map(([f]) => f);
    if (changed.length === 0) return ok(false);
    if (once && !(await spendToken(trx, once))) return fail<boolean>('REFERRAL_REPEATED');
    await repo.updatePartner(trx, id, v, now, actor.userId);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'partner.changed',
      caseId: null,
      detail: { partner: id, fields: changed.join(',') },
    });
    return ok(true);
  });
}

/**
 * Retires a partner (offered on no case, kept for the referrals that name it) or brings it
 * back; audited as `partner.retired` or `partner.reactivated`. False when it already was so.
 */
export async function setPartnerActive(deps: Deps, actor: Principal, id: string, active: boolean): Promise<Result<boolean>> {
  const allowed = referralPolicy.authorize(actor, 'partner.edit');
  if (!allowed.ok) return allowed;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const current = await repo.findPartner(trx, id, deps.dialect);
    if (!current) return fail<boolean>('NOT_FOUND');
    if (current.active === active) return ok(false);
    await repo.setPartnerActive(trx, id, active, now, actor.userId);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: active ? 'partner.reactivated' : 'partner.retired',
      caseId: null,
      detail: { partner: id },
    });
    return ok(true);
  });
}
