import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { Database } from '../../platform/storage/schema.js';
import { countQueue, countSuspectedSpam, type QueueFilter } from './case.repo.js';

// Need-to-know (ADR 32): who may know that a case exists. An unrestricted case is known to
// every case worker, as before. A restricted case (cases.restricted = 1) is known only to the
// people listed for it (case_access) and to the leads of its teams: a coordinator or an admin
// who is a member of a team covering the case's region or working in its language. Everyone
// else is answered as if the case did not exist (404, never 403).
//
// Restricted cases are rare, so the test is written to cost nothing for the others: the first
// arm (`cases.restricted = 0`) answers for almost every row without a probe; the two probes
// run only for a restricted row and each is one lookup of a primary key.

/** Roles whose holders lead the teams they are members of (for need-to-know). */
export const LEAD_ROLES: readonly Role[] = ['coordinator', 'admin'];

/** Whether `actor` holds a role that makes them lead of the teams they belong to. */
export function isLead(actor: Pick<Principal, 'roles'>): boolean {
  return actor.roles.some((r) => LEAD_ROLES.includes(r));
}

/**
 * The condition "`actor` may know this case", over a query whose rows come from `cases` (it
 * names `cases.id`, `cases.restricted`, `cases.region`, `cases.language`, so the table must
 * not be aliased). Use as `.where(visibleTo(actor))`.
 */
export function visibleTo(actor: Pick<Principal, 'userId' | 'roles'>) {
  return <DB, TB extends keyof DB>(_eb: ExpressionBuilder<DB, TB>): RawBuilder<SqlBool> =>
    visibleSql(actor);
}

/** The same condition as a raw SQL expression, for queries written with `sql`. */
export function visibleSql(actor: Pick<Principal, 'userId' | 'roles'>): RawBuilder<SqlBool> {
  const listed = sql<SqlBool>`exists (select 1 from case_access where case_access.case_id = cases.id and case_access.user_id = ${actor.userId})`;
  if (!isLead(actor)) return sql<SqlBool>`(cases.restricted = 0 or ${listed})`;
  return sql<SqlBool>`(cases.restricted = 0 or ${listed} or ${leadOf(actor.userId)})`;
}

/** A member `userId` of a team that covers the case's region or works in its language. */
function leadOf(userId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from team_members where team_members.user_id = ${userId} and (exists (select 1 from team_regions where team_regions.team_id = team_members.team_id and team_regions.region = cases.region) or exists (select 1 from team_languages where team_languages.team_id = team_members.team_id and team_languages.language = cases.language)))`;
}

/**
 * Whether `actor` may know the case `row` (as read by getCaseRow): at once for an unrestricted
 * case, else one probe. Every service that reads or changes a case asks this after reading it,
 * and answers NOT_FOUND when it is false, exactly as for an unknown id.
 */
export async function mayKnow(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  row: { id: number; restricted: number },
): Promise<boolean> {
  if (row.restricted === 0) return true;
  return (await visibleCaseIds(db, actor, [row.id])).has(row.id);
}

/** A restricted case as a queue filter sees it (the columns the queue filters on). */
export interface HiddenCase {
  id: number;
  status: string;
  suspected_spam: number;
  incident_type: string | null;
  region: string | null;
  language: string;
  assignee_id: string | null;
  created_at: number;
}

/**
 * The restricted cases `actor` may not know, with the columns the queue filters on: what the
 * queue's totals (counted from covering indexes that know nothing of restriction) take away.
 * One read of the partial index cases_restricted (its condition as written), so it costs as
 * many rows as there are restricted cases, never a scan of the others.
 */
export async function hiddenCases(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
): Promise<HiddenCase[]> {
  return db
    .selectFrom('cases')
    .select([
      'cases.id',
      'cases.status',
      'cases.suspected_spam',
      'cases.incident_type',
      'cases.region',
      'cases.language',
      'cases.assignee_id',
      'cases.created_at',
    ])
    .where('cases.restricted', '=', sql.lit(1))
    .where((eb) => eb.not(visibleSql(actor)))
    .execute();
}

/** The ids of the restricted cases `actor` may not know (`hiddenCases`), for a count to leave out. */
export async function hiddenRestrictedIds(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
): Promise<number[]> {
  return (await hiddenCases(db, actor)).map((c) => c.id);
}

/** How many ids one statement takes (SQLite's bound parameters are limited). */
const CHUNK = 500;

/** The ids among `caseIds` of the cases `actor` may know exist; unknown ids are left out. */
export async function visibleCaseIds(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  caseIds: readonly number[],
): Promise<Set<number>> {
  const wanted = [...new Set(caseIds.filter((id) => Number.isSafeInteger(id)))];
  const seen = new Set<number>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await db
      .selectFrom('cases')
      .select('cases.id')
      .where('cases.id', 'in', wanted.slice(i, i + CHUNK))
      .where(visibleTo(actor))
      .execute();
    for (const r of rows) seen.add(r.id);
  }
  return seen;
}

/**
 * The ids among `caseIds` of restricted cases `actor` may not know: what a list that names
 * cases by number (the audit log, notifications) leaves out. Ids of no case are not among
 * them (an entry about a case deleted since stays shown).
 */
export async function hiddenCaseIds(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  caseIds: readonly number[],
): Promise<Set<number>> {
  const wanted = [...new Set(caseIds.filter((id) => Number.isSafeInteger(id)))];
  const hidden = new Set<number>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await db
      .selectFrom('cases')
      .select('cases.id')
      .where('cases.id', 'in', wanted.slice(i, i + CHUNK))
      .where('cases.restricted', '=', 1)
      .where((eb) => eb.not(visibleSql(actor)))
      .execute();
    for (const r of rows) hidden.add(r.id);
  }
  return hidden;
}

/**
 * The ids among `userIds` of the staff who may know case `caseId` exists: all of them for an
 * unrestricted case; for a restricted one, those listed for it and its teams' leads. Roles are
 * read from the database (users.role and user_roles), not from any session. An unknown case:
 * nobody.
 */
export async function whoMayKnow(
  db: Kysely<Database>,
  caseId: number,
  userIds: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return new Set();
  const c = await db
    .selectFrom('cases')
    .select(['restricted', 'region', 'language'])
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (!c) return new Set();
  if (c.restricted === 0) return new Set(wanted);
  const known = new Set<string>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    const listed = await db
      .selectFrom('case_access')
      .select('user_id')
      .where('case_id', '=', caseId)
      .where('user_id', 'in', part)
      .execute();
    for (const r of listed) known.add(r.user_id);
    const leads = await db
      .selectFrom('users as u')
      .select('u.id')
      .where('u.id', 'in', part)
      .where((eb) =>
        eb.or([
          eb('u.role', 'in', LEAD_ROLES),
          eb.exists(
            eb.selectFrom('user_roles as r').select('r.user_id').whereRef('r.user_id', '=', 'u.id').where('r.role', 'in', LEAD_ROLES),
          ),
        ]),
      )
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('team_members as m')
            .select('m.team_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where((inner) =>
              inner.or([
                ...(c.region === null
                  ? []
                  : [
                      inner.exists(
                        inner.selectFrom('team_regions as tr').select('tr.team_id').whereRef('tr.team_id', '=', 'm.team_id').where('tr.region', '=', c.region),
                      ),
                    ]),
                inner.exists(
                  inner.selectFrom('team_languages as tl').select('tl.team_id').whereRef('tl.team_id', '=', 'm.team_id').where('tl.language', '=', c.language),
                ),
              ]),
            ),
        ),
      )
      .execute();
    for (const r of leads) known.add(r.id);
  }
  return known;
}

/** A queue filter as a total counts it. */
export type CountFilter = Omit<QueueFilter, 'after' | 'limit' | 'sort' | 'visible'>;

/** Whether a hidden case is among those `f` selects (the same conditions as case.repo's `queueRange`). */
export function inFilter(c: HiddenCase, f: CountFilter): boolean {
  const at = Number(c.created_at);
  return (
    f.statuses.includes(c.status) &&
    (f.suspectedSpam === undefined || c.suspected_spam === f.suspectedSpam) &&
    (f.incidentType === undefined || c.incident_type === f.incidentType) &&
    (f.region === undefined || c.region === f.region) &&
    (f.language === undefined || c.language === f.language) &&
    (f.assigneeId === undefined || c.assignee_id === f.assigneeId) &&
    (f.receivedFrom === undefined || at >= f.receivedFrom) &&
    (f.receivedBefore === undefined || at < f.receivedBefore)
  );
}

/**
 * Takes the cases `actor` may not know away from a total counted without them in mind, up to
 * `cap`: `count(limit)` counts from a covering index, no further than `limit`. When the first
 * count reached its cap and some hidden cases match, it counts again that much further, so the
 * answer is exact below the cap and the cap itself above it.
 */
async function withoutHidden(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  matches: (c: HiddenCase) => boolean,
  count: (limit: number) => Promise<number>,
  cap: number,
): Promise<number> {
  const [counted, hidden] = await Promise.all([count(cap), hiddenCases(db, actor)]);
  const away = hidden.filter(matches).length;
  if (away === 0) return counted;
  const all = counted < cap ? counted : await count(cap + away);
  return Math.max(0, all - away);
}

/** How many cases of the queue filter `f` `actor` may know, counting no further than `cap`. */
export function countQueueFor(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  f: CountFilter,
  cap: number,
): Promise<number> {
  return withoutHidden(db, actor, (c) => inFilter(c, f), (limit) => countQueue(db, f, limit), cap);
}

/** How many suspected-spam cases in one of `statuses` `actor` may know, counting no further than `cap`. */
export function countSuspectedSpamFor(
  db: Kysely<Database>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  statuses: readonly string[],
  cap: number,
): Promise<number> {
  return withoutHidden(
    db,
    actor,
    (c) => c.suspected_spam === 1 && statuses.includes(c.status),
    (limit) => countSuspectedSpam(db, statuses, limit),
    cap,
  );
}
