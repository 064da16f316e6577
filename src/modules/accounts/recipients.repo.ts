import type { Deps } from '../../deps.js';
import { rolesOf, type Role } from '../../platform/auth/roles.js';

// Who is there to be told about a case: what the notifications module reads of people and
// teams, through accounts' index.ts. Active accounts only; identifiers, addresses and choices
// of language, never anything else.

/** Ids of the active members of the teams that cover `region` or work in `language`. */
export async function teamMembersCovering(
  deps: Deps,
  p: { region: string | null; language: string | null },
): Promise<string[]> {
  if (p.region === null && p.language === null) return [];
  const rows = await deps.db
    .selectFrom('team_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .distinct()
    .where('u.status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...(p.region === null
          ? []
          : [eb.exists(eb.selectFrom('team_regions as r').select('r.team_id').whereRef('r.team_id', '=', 'm.team_id').where('r.region', '=', p.region))]),
        ...(p.language === null
          ? []
          : [eb.exists(eb.selectFrom('team_languages as l').select('l.team_id').whereRef('l.team_id', '=', 'm.team_id').where('l.language', '=', p.language))]),
      ]),
    )
    .orderBy('m.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** Ids of the active people who hold `role` (as their primary role or another). */
export async function activeStaffWithRole(deps: Deps, role: Role): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('u.role', '=', role),
        eb.exists(eb.selectFrom('user_roles as r').select('r.user_id').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', role)),
      ]),
    )
    .orderBy('u.id')
    .execute();
  return rows.map((r) => r.id);
}

/** A person who may be told something: their address, language and roles. */
export interface NoticeRecipient {
  id: string;
  email: string;
  locale: string;
  roles: Role[];
}

/** Those of `ids` whose account is active, with their address, language and roles. */
export async function activeRecipients(deps: Deps, ids: readonly string[]): Promise<NoticeRecipient[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const users = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'locale', 'role'])
    .where('id', 'in', unique)
    .where('status', '=', 'active')
    .execute();
  if (users.length === 0) return [];
  const held = await deps.db
    .selectFrom('user_roles')
    .select(['user_id', 'role'])
    .where('user_id', 'in', users.map((u) => u.id))
    .execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    locale: u.locale,
    roles: rolesOf(u.role, held.filter((h) => h.user_id === u.id).map((h) => h.role)),
  }));
}
