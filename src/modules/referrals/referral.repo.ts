import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database, PartnersTable, ReferralsTable } from '../../platform/storage/schema.js';

// The only SQL for partners, partner_services, partner_regions, partner_languages, referrals
// and referral_consents (migration 2026-12-07-014).

export type Db = Kysely<Database> | Transaction<Database>;

export interface PartnerRow {
  id: string;
  name: string;
  description: string;
  contactKind: string;
  contactAddress: string;
  pgpKey: string | null;
  pgpFingerprint: string | null;
  active: boolean;
  services: string[];
  regions: string[];
  languages: string[];
  updatedAt: number;
}

export interface PartnerFilter {
  service?: string | undefined;
  region?: string | undefined;
  language?: string | undefined;
  includeRetired: boolean;
}

/** Partners matching every filter given, by name, with their lists. */
export async function listPartners(db: Db, f: PartnerFilter): Promise<PartnerRow[]> {
  let q = db.selectFrom('partners').selectAll().orderBy('name').orderBy('id');
  if (!f.includeRetired) q = q.where('active', '=', 1);
  if (f.service)
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('partner_services as s').select('s.partner_id').whereRef('s.partner_id', '=', 'partners.id').where('s.service', '=', f.service!)),
    );
  if (f.region)
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('partner_regions as r').select('r.partner_id').whereRef('r.partner_id', '=', 'partners.id').where('r.region', '=', f.region!)),
    );
  if (f.language)
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('partner_languages as l').select('l.partner_id').whereRef('l.partner_id', '=', 'partners.id').where('l.language', '=', f.language!)),
    );
  return withLists(db, await q.execute());
}

async function withLists(db: Db, rows: Selectable<PartnersTable>[]): Promise<PartnerRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [services, regions, languages] = await Promise.all([
    db.selectFrom('partner_services').select(['partner_id', 'service as code']).where('partner_id', 'in', ids).orderBy('service').execute(),
    db.selectFrom('partner_regions').select(['partner_id', 'region as code']).where('partner_id', 'in', ids).orderBy('region').execute(),
    db.selectFrom('partner_languages').select(['partner_id', 'language as code']).where('partner_id', 'in', ids).orderBy('language').execute(),
  ]);
  const of = (list: { partner_id: string; code: string }[], id: string) => list.filter((x) => x.partner_id === id).map((x) => x.code);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    contactKind: r.contact_kind,
    contactAddress: r.contact_address,
    pgpKey: r.pgp_key,
    pgpFingerprint: r.pgp_fingerprint,
    active: Number(r.active) === 1,
    services: of(services, r.id),
    regions: of(regions, r.id),
    languages: of(languages, r.id),
    updatedAt: Number(r.updated_at),
  }));
}

/** One partner with its lists, or undefined; locked until the transaction ends with `lock` (PostgreSQL). */
export async function findPartner(db: Db, id: string, lock?: Dialect): Promise<PartnerRow | undefined> {
  let q = db.selectFrom('partners').selectAll().where('id', '=', id);
  if (lock === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? (await withLists(db, [row]))[0] : undefined;
}

/** Partners by id (retired ones too), for naming them on a case's referrals. */
export async function partnerNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('partners').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface PartnerValues {
  name: string;
  description: string;
  contactKind: string;
  contactAddress: string;
  pgpKey: string | null;
  pgpFingerprint: string | null;
  services: readonly string[];
  regions: readonly string[];
  languages: readonly string[];
}

export async function insertPartner(db: Db, id: string, v: PartnerValues, at: number, by: string | null): Promise<void> {
  await db
    .insertInto('partners')
    .values({
      id,
      name: v.name,
      description: v.description,
      contact_kind: v.contactKind,
      contact_address: v.contactAddress,
      pgp_key: v.pgpKey,
      pgp_fingerprint: v.pgpFingerprint,
      active: 1,
      created_at: at,
      updated_at: at,
      updated_by: by,
    })
    .execute();
  await writeLists(db, id, v);
}

export async function updatePartner(db: Db, id: string, v: PartnerValues, at: number, by: string): Promise<void> {
  await db
    .updateTable('partners')
    .set({
      name: v.name,
      description: v.description,
      contact_kind: v.contactKind,
      contact_address: v.contactAddress,
      pgp_key: v.pgpKey,
      pgp_fingerprint: v.pgpFingerprint,
      updated_at: at,
      updated_by: by,
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('partner_services').where('partner_id', '=', id).execute();
  await db.deleteFrom('partner_regions').where('partner_id', '=', id).execute();
  await db.deleteFrom('partner_languages').where('partner_id', '=', id).execute();
  await writeLists(db, id, v);
}

async function writeLists(db: Db, id: string, v: Pick<PartnerValues, 'services' | 'regions' | 'languages'>): Promise<void> {
  if (v.services.length) await db.insertInto('partner_services').values(v.services.map((service) => ({ partner_id: id, service }))).execute();
  if (v.regions.length) await db.insertInto('partner_regions').values(v.regions.map((region) => ({ partner_id: id, region }))).execute();
  if (v.languages.length) await db.insertInto('partner_languages').values(v.languages.map((language) => ({ partner_id: id, language }))).execute();
}

export async function setPartnerActive(db: Db, id: string, active: boolean, at: number, by: string): Promise<void> {
  await db.updateTable('partners').set({ active: active ? 1 : 0, updated_at: at, updated_by: by }).where('id', '=', id).execute();
}

/** How many partners there are, retired ones too (the demo seeds only into an empty directory). */
export async function countPartners(db: Db): Promise<number> {
  const row = await db.selectFrom('partners').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

// ---- Referrals ---------------------------------------------------------------------------

export interface ReferralRow {
  id: string;
  caseId: number;
  partnerId: string;
  items: string[];
  summaryEnc: Buffer | null;
  letterLanguage: string;
  followUpAt: number;
  remindedAt: number | null;
  outcome: string | null;
  outcomeAt: number | null;
  outcomeBy: string | null;
  createdBy: string;
  createdAt: number;
  consent: ConsentRow | null;
}

export interface ConsentRow {
  id: string;
  items: string[];
  how: string;
  givenAt: number;
  recordedBy: string;
  recordedAt: number;
}

const split = (s: string): string[] => (s === '' ? [] : s.split(','));

async function withConsents(db: Db, rows: Selectable<ReferralsTable>[]): Promise<ReferralRow[]> {
  if (rows.length === 0) return [];
  const consents = await db
    .selectFrom('referral_consents')
    .selectAll()
    .where('referral_id', 'in', rows.map((r) => r.id))
    .execute();
  return rows.map((r) => {
    const c = consents.find((x) => x.referral_id === r.id);
    return {
      id: r.id,
      caseId: Number(r.case_id),
      partnerId: r.partner_id,
      items: split(r.items),
      summaryEnc: r.summary_enc,
      letterLanguage: r.letter_language,
      followUpAt: Number(r.follow_up_at),
      remindedAt: r.reminded_at === null ? null : Number(r.reminded_at),
      outcome: r.outcome,
      outcomeAt: r.outcome_at === null ? null : Number(r.outcome_at),
      outcomeBy: r.outcome_by,
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
      consent: c
        ? {
            id: c.id,
            items: split(c.items),
            how: c.how,
            givenAt: Number(c.given_at),
            recordedBy: c.recorded_by,
            recordedAt: Number(c.recorded_at),
          }
        : null,
    };
  });
}

/** A case's referrals, newest first. */
export async function referralsOfCase(db: Db, caseId: number): Promise<ReferralRow[]> {
  const rows = await db.selectFrom('referrals').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').orderBy('id').execute();
  return withConsents(db, rows);
}

/** One referral of case `caseId`, or undefined (a referral of another case is unknown here). */
export async function findReferral(db: Db, caseId: number, id: string, lock?: Dialect): Promise<ReferralRow | undefined> {
  let q = db.selectFrom('referrals').selectAll().where('id', '=', id).where('case_id', '=', caseId);
  if (lock === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? (await withConsents(db, [row]))[0] : undefined;
}

export async function insertReferral(
  db: Db,
  r: {
    id: string;
    caseId: number;
    partnerId: string;
    items: readonly string[];
    summaryEnc: Buffer | null;
    letterLanguage: string;
    followUpAt: number;
    createdBy: string;
    createdAt: number;
  },
): Promise<void> {
  await db
    .insertInto('referrals')
    .values({
      id: r.id,
      case_id: r.caseId,
      partner_id: r.partnerId,
      items: r.items.join(','),
      summary_enc: r.summaryEnc,
      letter_language: r.letterLanguage,
      follow_up_at: r.followUpAt,
      reminded_at: null,
      outcome: null,
      outcome_at: null,
      outcome_by: null,
      created_by: r.createdBy,
      created_at: r.createdAt,
    })
    .execute();
}

export async function insertConsent(
  db: Db,
  c: { id: string; referralId: string; items: readonly string[]; how: string; givenAt: number; recordedBy: string; recordedAt: number },
): Promise<void> {
  await db
    .insertInto('referral_consents')
    .values({
      id: c.id,
      referral_id: c.referralId,
      items: c.items.join(','),
      how: c.how,
      given_at: c.givenAt,
      recorded_by: c.recordedBy,
      recorded_at: c.recordedAt,
    })
    .execute();
}

/** Records an outcome while none is; false when one already was (someone else's, a moment ago). */
export async function setOutcome(db: Db, id: string, outcome: string, at: number, by: string): Promise<boolean> {
  const res = await db
    .updateTable('referrals')
    .set({ outcome, outcome_at: at, outcome_by: by })
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Open referrals whose follow-up has come and who have not been reminded, oldest date first. */
export async function dueReferrals(db: Db, now: number, limit: number) {
  return db
    .selectFrom('referrals')
    .select(['id', 'case_id', 'created_by', 'follow_up_at'])
    .where('outcome', 'is', null)
    .where('reminded_at', 'is', null)
    .where('follow_up_at', '<=', now)
    .orderBy('follow_up_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Marks a referral's follow-up as told (only while still open and untold). */
export async function markReminded(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('referrals').set({ reminded_at: at }).where('id', '=', id).where('reminded_at', 'is', null).execute();
}
