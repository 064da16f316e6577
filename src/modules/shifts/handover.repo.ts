import type { Kysely } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';

// The only SQL for handovers and handover_notes.

type Db = Kysely<Database>;

/** A handover as stored, people read from their JSON. */
export interface HandoverRow {
  id: string;
  teamId: string;
  slotId: string | null;
  startsAt: number;
  endsAt: number;
  outgoingLeadId: string | null;
  outgoingIds: string[];
  incomingLeadId: string | null;
  incomingIds: string[];
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

/** A list of ids stored as JSON; anything else reads as none. */
function ids(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

const COLUMNS = [
  'id',
  'team_id',
  'slot_id',
  'starts_at',
  'ends_at',
  'outgoing_lead_id',
  'outgoing_ids',
  'incoming_lead_id',
  'incoming_ids',
  'created_at',
  'acknowledged_at',
  'acknowledged_by',
] as const;

type Row = Pick<Database['handovers'], (typeof COLUMNS)[number]>;

function fromRow(r: Row): HandoverRow {
  return {
    id: r.id,
    teamId: r.team_id,
    slotId: r.slot_id,
    startsAt: Number(r.starts_at),
    endsAt: Number(r.ends_at),
    outgoingLeadId: r.outgoing_lead_id,
    outgoingIds: ids(r.outgoing_ids),
    incomingLeadId: r.incoming_lead_id,
    incomingIds: ids(r.incoming_ids),
    createdAt: Number(r.created_at),
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}

/** What a new handover holds. */
export type NewHandover = Omit<HandoverRow, 'acknowledgedAt' | 'acknowledgedBy'>;

/**
 * Adds the handover of a team's shift end, unless it has one already (the unique key on team
 * and end, so two processes that see the same end make one). True when this call added it.
 */
export async function insertHandover(db: Db, h: NewHandover): Promise<boolean> {
  const r = await db
    .insertInto('handovers')
    .values({
      id: h.id,
      team_id: h.teamId,
      slot_id: h.slotId,
      starts_at: h.startsAt,
      ends_at: h.endsAt,
      outgoing_lead_id: h.outgoingLeadId,
      outgoing_ids: JSON.stringify(h.outgoingIds),
      incoming_lead_id: h.incomingLeadId,
      incoming_ids: JSON.stringify(h.incomingIds),
      created_at: h.createdAt,
      acknowledged_at: null,
      acknowledged_by: null,
    })
    .onConflict((oc) => oc.columns(['team_id', 'ends_at']).doNothing())
    .returning('id')
    .execute();
  return r.length > 0;
}

/** The handovers that end in [from, to], as `team id:end` keys, with whether they are acknowledged. */
export async function endingIn(db: Db, from: number, to: number): Promise<Map<string, boolean>> {
  const rows = await db
    .selectFrom('handovers')
    .select(['team_id', 'ends_at', 'acknowledged_at'])
    .where('ends_at', '>=', from)
    .where('ends_at', '<=', to)
    .execute();
  return new Map(
    rows.map((r) => [`${r.team_id}:${Number(r.ends_at)}`, r.acknowledged_at !== null]),
  );
}

/** The handover of team `teamId`'s shift ending at `endsAt`, or undefined. */
export async function findByTeamEnd(
  db: Db,
  teamId: string,
  endsAt: number,
): Promise<HandoverRow | undefined> {
  const r = await db
    .selectFrom('handovers')
    .select(COLUMNS)
    .where('team_id', '=', teamId)
    .where('ends_at', '=', endsAt)
    .executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

/**
 * Sets the people of a handover not yet due and not acknowledged (an exception added after it
 * was opened changed them). True when a row changed.
 */
export async function updatePeople(
  db: Db,
  id: string,
  now: number,
  p: Pick<HandoverRow, 'outgoingLeadId' | 'outgoingIds' | 'incomingLeadId' | 'incomingIds'>,
): Promise<boolean> {
  const r = await db
    .updateTable('handovers')
    .set({
      outgoing_lead_id: p.outgoingLeadId,
      outgoing_ids: JSON.stringify(p.outgoingIds),
      incoming_lead_id: p.incomingLeadId,
      incoming_ids: JSON.stringify(p.incomingIds),
    })
    .where('id', '=', id)
    .where('ends_at', '>', now)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** One handover, or undefined; `lock` takes its row until the transaction ends on PostgreSQL. */
export async function findHandover(
  db: Db,
  id: string,
  lock?: Dialect,
): Promise<HandoverRow | undefined> {
  let q = db.selectFrom('handovers').select(COLUMNS).where('id', '=', id);
  if (lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

/**
 * Recent handovers, newest end first, at most `limit`, ending before `before` when given (the
 * next page); `unacknowledgedOnly` keeps those due (ended by `now`) and not acknowledged.
 */
export async function listHandovers(
  db: Db,
  p: {
    limit: number;
    now: number;
    before?: { endsAt: number; id: string };
    unacknowledgedOnly?: boolean;
    opensBy: number;
  },
): Promise<HandoverRow[]> {
  let q = db
    .selectFrom('handovers')
    .select(COLUMNS)
    .where('ends_at', '<=', p.opensBy)
    .orderBy('ends_at', 'desc')
    .orderBy('id', 'desc')
    .limit(p.limit);
  if (p.unacknowledgedOnly)
    q = q.where('acknowledged_at', 'is', null).where('ends_at', '<=', p.now);
  if (p.before) {
    const b = p.before;
    q = q.where((eb) =>
      eb.or([
        eb('ends_at', '<', b.endsAt),
        eb.and([eb('ends_at', '=', b.endsAt), eb('id', '<', b.id)]),
      ]),
    );
  }
  return (await q.execute()).map(fromRow);
}

/** How many handovers are due (ended by `now`) and not acknowledged, counting no further than `max`. */
export async function countUnacknowledged(db: Db, now: number, max: number): Promise<number> {
  const r = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('handovers')
        .select('id')
        .where('acknowledged_at', 'is', null)
        .where('ends_at', '<=', now)
        .limit(max)
        .as('due'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks a handover acknowledged unless it already is. True when this call did. */
export async function acknowledge(db: Db, id: string, by: string, at: number): Promise<boolean> {
  const r = await db
    .updateTable('handovers')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A note as stored: sealed. */
export interface NoteRow {
  id: string;
  authorId: string | null;
  bodyEnc: Buffer;
  createdAt: number;
}

/** Adds a sealed note to a handover. */
export async function insertNote(db: Db, n: NoteRow & { handoverId: string }): Promise<void> {
  await db
    .insertInto('handover_notes')
    .values({
      id: n.id,
      handover_id: n.handoverId,
      author_id: n.authorId,
      body_enc: n.bodyEnc,
      created_at: n.createdAt,
    })
    .execute();
}

/** A handover's notes, oldest first. */
export async function listNotes(db: Db, handoverId: string): Promise<NoteRow[]> {
  const rows = await db
    .selectFrom('handover_notes')
    .select(['id', 'author_id', 'body_enc', 'created_at'])
    .where('handover_id', '=', handoverId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    authorId: r.author_id,
    bodyEnc: Buffer.from(r.body_enc),
    createdAt: Number(r.created_at),
  }));
}

/** Notes after `after` by id, `limit` of them, sealed: the walk that re-seals them on a key change. */
export async function notePage(db: Db, after: string, limit: number): Promise<{ id: string; bodyEnc: Buffer }[]> {
  const rows = await db
    .selectFrom('handover_notes')
    .select(['id', 'body_enc'])
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, bodyEnc: Buffer.from(r.body_enc) }));
}

/** Replaces a note's sealed body if it is still `before` (compare-and-set). True when it did. */
export async function swapNoteBody(db: Db, id: string, before: Buffer, after: Buffer): Promise<boolean> {
  const r = await db
    .updateTable('handover_notes')
    .set({ body_enc: after })
    .where('id', '=', id)
    .where('body_enc', '=', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes the notes of handovers that ended before `before`. How many went. */
export async function deleteNotesEndedBefore(db: Db, before: number): Promise<number> {
  const r = await db
    .deleteFrom('handover_notes')
    .where('handover_id', 'in', (eb) =>
      eb.selectFrom('handovers').select('id').where('ends_at', '<', before),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
