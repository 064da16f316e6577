import type { Deps } from '../../deps.js';

// What the shifts module reads of teams and people, through accounts' index.ts: each team's
// name, time zone, regions, languages and active members, and people's display names.

/** A team as its shifts need it. */
export interface TeamRoster {
  id: string;
  name: string;
  timeZone: string;
  regions: string[];
  languages: string[];
  /** Ids of its active members. */
  memberIds: string[];
}

/** Every team, by name, with its regions, languages and active members. */
export async function listTeamRosters(
  deps: Pick<Deps, 'db'>,
  teamIds?: readonly string[],
): Promise<TeamRoster[]> {
  if (teamIds !== undefined && teamIds.length === 0) return [];
  let q = deps.db
    .selectFrom('teams')
    .select(['id', 'name', 'time_zone'])
    .orderBy('name')
    .orderBy('id');
  if (teamIds !== undefined) q = q.where('id', 'in', [...new Set(teamIds)]);
  const teams = await q.execute();
  if (teams.length === 0) return [];
  const ids = teams.map((t) => t.id);
  const [regions, languages, members] = await Promise.all([
    deps.db
      .selectFrom('team_regions')
      .select(['team_id', 'region'])
      .where('team_id', 'in', ids)
      .execute(),
    deps.db
      .selectFrom('team_languages')
      .select(['team_id', 'language'])
      .where('team_id', 'in', ids)
      .execute(),
    deps.db
      .selectFrom('team_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.team_id', 'm.user_id'])
      .where('m.team_id', 'in', ids)
      .where('u.status', '=', 'active')
      .orderBy('m.user_id')
      .execute(),
  ]);
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    timeZone: t.time_zone,
    regions: regions
      .filter((r) => r.team_id === t.id)
      .map((r) => r.region)
      .sort(),
    languages: languages
      .filter((l) => l.team_id === t.id)
      .map((l) => l.language)
      .sort(),
    memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.user_id),
  }));
}

/** Display names of the people among `ids` (any status: a schedule may still name someone disabled since). */
export async function staffNames(
  deps: Pick<Deps, 'db'>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await deps.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.display_name);
  }
  return out;
}

/**
 * The team `teamId` with its zone, locked on PostgreSQL until the transaction ends (SQLite
 * writes one at a time), so changes to one team's shifts are made one after the other; or
 * undefined when there is no such team. `db` is the transaction.
 */
export async function lockTeamForShifts(
  deps: Pick<Deps, 'db' | 'dialect'>,
  teamId: string,
): Promise<{ id: string; name: string; timeZone: string } | undefined> {
  let q = deps.db.selectFrom('teams').select(['id', 'name', 'time_zone']).where('id', '=', teamId);
  if (deps.dialect === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? { id: r.id, name: r.name, timeZone: r.time_zone } : undefined;
}
