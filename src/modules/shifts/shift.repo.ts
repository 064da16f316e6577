import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { ExceptionKind, ShiftException, Slot, Weekday } from './shift.js';

// The only SQL for shift_slots, shift_slot_members and shift_exceptions.

type Db = Kysely<Database>;

/** The weekly slots of `teamIds` (every team's when absent), with their people, by team, weekday and start. */
export async function listSlots(db: Db, teamIds?: readonly string[]): Promise<Slot[]> {
  if (teamIds !== undefined && teamIds.length === 0) return [];
  let q = db
    .selectFrom('shift_slots')
    .select(['id', 'team_id', 'weekday', 'start_minute', 'end_minute', 'lead_id', 'created_at'])
    .orderBy('team_id')
    .orderBy('weekday')
    .orderBy('start_minute')
    .orderBy('id');
  if (teamIds !== undefined) q = q.where('team_id', 'in', [...new Set(teamIds)]);
  const slots = await q.execute();
  if (slots.length === 0) return [];
  const members = await db
    .selectFrom('shift_slot_members')
    .select(['slot_id', 'user_id'])
    .where(
      'slot_id',
      'in',
      slots.map((s) => s.id),
    )
    .orderBy('user_id')
    .execute();
  const bySlot = new Map<string, string[]>();
  for (const m of members) bySlot.set(m.slot_id, [...(bySlot.get(m.slot_id) ?? []), m.user_id]);
  return slots.map((s) => ({
    id: s.id,
    teamId: s.team_id,
    weekday: Number(s.weekday) as Weekday,
    startMinute: Number(s.start_minute),
    endMinute: Number(s.end_minute),
    leadId: s.lead_id,
    memberIds: bySlot.get(s.id) ?? [],
    createdAt: Number(s.created_at),
  }));
}

/** One slot, or undefined. */
export async function findSlot(db: Db, id: string): Promise<Slot | undefined> {
  const row = await db
    .selectFrom('shift_slots')
    .select('team_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return (await listSlots(db, [row.team_id])).find((s) => s.id === id);
}

/** Adds a slot with its people. */
export async function insertSlot(db: Db, slot: Slot, now: number): Promise<void> {
  await db
    .insertInto('shift_slots')
    .values({
      id: slot.id,
      team_id: slot.teamId,
      weekday: slot.weekday,
      start_minute: slot.startMinute,
      end_minute: slot.endMinute,
      lead_id: slot.leadId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await replaceSlotPeople(db, slot.id, slot.memberIds, slot.leadId, now);
}

/** Replaces a slot's people and lead. */
export async function replaceSlotPeople(
  db: Db,
  slotId: string,
  memberIds: readonly string[],
  leadId: string | null,
  now: number,
): Promise<void> {
  await db.deleteFrom('shift_slot_members').where('slot_id', '=', slotId).execute();
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) {
    await db
      .insertInto('shift_slot_members')
      .values(unique.map((user_id) => ({ slot_id: slotId, user_id })))
      .execute();
  }
  await db
    .updateTable('shift_slots')
    .set({ lead_id: leadId, updated_at: now })
    .where('id', '=', slotId)
    .execute();
}

/** Removes a slot; its people and exceptions go with it. True when there was one. */
export async function deleteSlot(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('shift_slots').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The exceptions of `slotIds` on dates from `fromDate` to `toDate` (YYYY-MM-DD, both included). */
export async function listExceptions(
  db: Db,
  slotIds: readonly string[],
  fromDate: string,
  toDate: string,
): Promise<ShiftException[]> {
  if (slotIds.length === 0) return [];
  const rows = await db
    .selectFrom('shift_exceptions')
    .select(['id', 'slot_id', 'on_date', 'kind', 'subject', 'replacement_id'])
    .where('slot_id', 'in', [...new Set(slotIds)])
    .where('on_date', '>=', fromDate)
    .where('on_date', '<=', toDate)
    .orderBy('on_date')
    .orderBy('slot_id')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    slotId: r.slot_id,
    date: r.on_date,
    kind: r.kind as ExceptionKind,
    userId: r.subject === '' ? null : r.subject,
    replacementId: r.replacement_id,
  }));
}

/** One exception, or undefined. */
export async function findException(
  db: Db,
  id: string,
): Promise<(ShiftException & { teamId: string }) | undefined> {
  const r = await db
    .selectFrom('shift_exceptions as e')
    .innerJoin('shift_slots as s', 's.id', 'e.slot_id')
    .select([
      'e.id',
      'e.slot_id',
      'e.on_date',
      'e.kind',
      'e.subject',
      'e.replacement_id',
      's.team_id',
    ])
    .where('e.id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    slotId: r.slot_id,
    date: r.on_date,
    kind: r.kind as ExceptionKind,
    userId: r.subject === '' ? null : r.subject,
    replacementId: r.replacement_id,
    teamId: r.team_id,
  };
}

/**
 * Adds an exception. False when the slot's date already has a change for that person (or a
 * changed lead): the unique key refuses it, also when two are sent at once.
 */
export async function insertException(
  db: Db,
  e: ShiftException,
  by: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .insertInto('shift_exceptions')
    .values({
      id: e.id,
      slot_id: e.slotId,
      on_date: e.date,
      kind: e.kind,
      subject: e.userId ?? '',
      replacement_id: e.replacementId,
      created_at: now,
      created_by: by,
    })
    .onConflict((oc) => oc.columns(['slot_id', 'on_date', 'subject']).doNothing())
    .returning('id')
    .execute();
  return r.length > 0;
}

/** Removes an exception. True when there was one. */
export async function deleteException(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('shift_exceptions').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
