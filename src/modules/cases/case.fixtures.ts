import { sql, type Kysely } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database } from '../../platform/storage/schema.js';
import type { Principal, Role } from '../../platform/auth/roles.js';
import { createApiToken } from '../../platform/auth/api-token.js';
import { createSession, STAFF_COOKIE } from '../../platform/auth/session.js';
import { submitRequest, type NewRequestInput } from './requester.service.js';
import { insertStaffRow } from '../../../test/staff-row.js';

// Test fixtures for the cases module's tests: staff members with a full session and an API
// token, created directly (the sign-in flow has its own tests), and requests as intake saves them.

export interface StaffFixture {
  id: string;
  principal: Principal;
  /** Cookie header of a full staff session. */
  cookie: string;
  csrf: string;
  /** Authorization header of an API token. */
  bearer: string;
}

let counter = 0;

/** An active staff member with `role`, a full session and an API token. */
export async function staffMember(deps: Deps, role: Role, name?: string): Promise<StaffFixture> {
  const id = crypto.randomUUID();
  const n = ++counter;
  const displayName = name ?? `${role} ${n}`;
  const email = `${role}${n}-${id.slice(0, 8)}@example.org`;
  await insertStaffRow(deps.db, { id, email, displayName, role, at: deps.now() });
  const session = await createSession(deps, id, 'full');
  const { token } = await createApiToken(deps, id, 'test');
  return {
    id,
    principal: { userId: id, email, displayName, role, roles: [role], locale: 'en', timeZone: 'UTC', via: 'session' },
    cookie: `${STAFF_COOKIE}=${session.cookie}`,
    csrf: session.csrfToken,
    bearer: `Bearer ${token}`,
  };
}

/** A request as the public form saves it; returns the case id and receipt. */
export async function newRequest(deps: Deps, overrides: Partial<NewRequestInput> = {}) {
  return submitRequest(deps, {
    description: 'Someone is logging into my email from abroad.',
    urgency: 'reactive',
    country: 'MX',
    language: 'es',
    contactMethod: 'signal',
    contact: '+52 55 0000 0000',
    beneficiary: 'journalist',
    ...overrides,
  });
}

/** sqlite_stat1 for `cases` after `haven demo --requests 1000000` and its ANALYZE. */
const MILLION_CASES_STAT1: [string, string][] = [
  ['cases_created_at', '1000000 1'],
  ['cases_first_response_due_at', '1000000 1'],
  ['cases_queue', '1000000 667 501 1 1'],
  ['cases_queue_assignee', '1000000 501 501 501 501 1 1 1 1 1'],
  ['cases_queue_incident_type', '1000000 501 501 501 501 1 1 1 1 1'],
  ['cases_queue_language', '1000000 1001 1001 1001 1001 1 1 1 1 1'],
  ['cases_queue_main', '1000000 1001 1001 1001 1 1'],
  ['cases_queue_region', '1000000 1001 1001 1001 1001 1 1 1 1 1'],
  ['cases_queue_unassigned', '66 66 66 66 1 1 1 1 1'],
  ['cases_retention_activity', '1000000 667 501 1'],
  ['cases_retention_closed', '1000000 667 501 2'],
  ['cases_status', '1000000 667'],
  ['sqlite_autoindex_cases_1', '1000000 1'],
];

/**
 * Makes SQLite plan as on a million demo cases: replaces the statistics of `cases` (ANALYZE
 * must have run once, to create the statistics tables) with those gathered there, leaving out
 * the indexes in `without` (as in a database analyzed before a migration added them).
 */
export async function useMillionCaseStatistics(db: Kysely<Database>, without: readonly string[] = []): Promise<void> {
  await sql`delete from sqlite_stat1 where tbl = 'cases'`.execute(db);
  await sql`delete from sqlite_stat4 where tbl = 'cases'`.execute(db);
  for (const [idx, stat] of MILLION_CASES_STAT1.filter(([i]) => !without.includes(i)))
    await sql`insert into sqlite_stat1 (tbl, idx, stat) values ('cases', ${idx}, ${stat})`.execute(db);
  await sql`analyze sqlite_schema`.execute(db);
}
