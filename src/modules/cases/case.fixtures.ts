import type { Deps } from '../../deps.js';
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
    principal: { userId: id, email, displayName, role, roles: [role], locale: 'en', via: 'session' },
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
