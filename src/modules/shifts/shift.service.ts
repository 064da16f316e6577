import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Database } from '../../platform/storage/schema.js';
import { listAssignableStaff, lockTeamForShifts } from '../accounts/index.js';
import './shift.errors.js';
import { slotsOverlap, weekdayOf, type Slot } from './shift.js';
import { shiftsPolicy } from './shift.policy.js';
import * as repo from './shift.repo.js';
import type { ExceptionInput, NewSlotInput, SlotPeopleInput } from './shift.schema.js';

// Changing the schedule: slots, their people and lead, one date's exceptions. Each change is
// one transaction with its team locked (two coordinators editing one team's week are taken one
// after the other) and its audit entry; coordinators and administrators only.

type Trx = Transaction<Database>;

/**
 * Runs `work` in a transaction with team `teamId` locked, after asking the policy: FORBIDDEN
 * for a person who may not edit shifts, NOT_FOUND for an unknown team.
 */
async function inTeam<T>(
  deps: Deps,
  actor: Principal,
  teamId: string,
  work: (trx: Trx) => Promise<Result<T>>,
): Promise<Result<T>> {
  const allowed = shiftsPolicy.authorize(actor, 'shift.edit');
  if (!allowed.ok) return allowed;
  return deps.db.transaction().execute(async (trx) => {
    const team = await lockTeamForShifts({ db: trx, dialect: deps.dialect }, teamId);
    if (!team) return fail<T>('NOT_FOUND');
    return work(trx);
  });
}

/** Whether every one of `ids` is an active person who can work cases. */
async function allWorkCases(
  deps: Deps,
  trx: Trx,
  ids: readonly (string | null)[],
): Promise<boolean> {
  const wanted = ids.filter((id): id is string => id !== null);
  if (wanted.length === 0) return true;
  const staff = new Set((await listAssignableStaff({ ...deps, db: trx })).map((s) => s.id));
  return wanted.every((id) => staff.has(id));
}

/** The people of a slot: its members, with its lead among them. */
function withLead(members: readonly string[], lead: string | null): string[] {
  return lead === null || members.includes(lead) ? [...members] : [...members, lead];
}

/**
 * Adds a weekly slot to a team; audited as `shift.slot_added`. SHIFT_OVERLAP (field
 * `weekday`) when it shares time with another of the team's slots; VALIDATION_FAILED (field
 * `members`) for a person who cannot work cases.
 */
export async function addSlot(
  deps: Deps,
  actor: Principal,
  input: NewSlotInput,
): Promise<Result<{ id: string }>> {
  const now = deps.now();
  return inTeam(deps, actor, input.team, async (trx) => {
    const members = withLead(input.members, input.lead);
    if (!(await allWorkCases(deps, trx, members)))
      return fail<{ id: string }>('VALIDATION_FAILED', 'members');
    const slot: Slot = {
      id: crypto.randomUUID(),
      teamId: input.team,
      weekday: input.weekday,
      startMinute: input.start,
      endMinute: input.end,
      leadId: input.lead,
      memberIds: members,
    };
    const others = await repo.listSlots(trx, [input.team]);
    if (others.some((o) => slotsOverlap(o, slot)))
      return fail<{ id: string }>('SHIFT_OVERLAP', 'weekday');
    await repo.insertSlot(trx, slot, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'shift.slot_added',
      caseId: null,
      detail: {
        team: slot.teamId,
        slot: slot.id,
        weekday: slot.weekday,
        start: slot.startMinute,
        end: slot.endMinute,
        people: members.length,
      },
    });
    return ok({ id: slot.id });
  });
}

/** The slot `slotId` and its team, or undefined. */
export function findSlot(deps: Pick<Deps, 'db'>, slotId: string): Promise<Slot | undefined> {
  return repo.findSlot(deps.db, slotId);
}

/**
 * Sets a slot's people and lead; audited as `shift.slot_changed`. False when nothing changed;
 * NOT_FOUND for an unknown slot; VALIDATION_FAILED (field `members`) for a person who cannot
 * work cases.
 */
export async function setSlotPeople(
  deps: Deps,
  actor: Principal,
  slotId: string,
  input: SlotPeopleInput,
): Promise<Result<boolean>> {
  const found = await repo.findSlot(deps.db, slotId);
  if (!found) return shiftsPolicy.can(actor, 'shift.edit') ? fail('NOT_FOUND') : fail('FORBIDDEN');
  const now = deps.now();
  return inTeam(deps, actor, found.teamId, async (trx) => {
    const slot = await repo.findSlot(trx, slotId);
    if (!slot) return fail<boolean>('NOT_FOUND');
    const members = withLead(input.members, input.lead);
    const same =
      slot.leadId === input.lead &&
      slot.memberIds.length === members.length &&
      members.every((m) => slot.memberIds.includes(m));
    if (same) return ok(false);
    if (!(await allWorkCases(deps, trx, members)))
      return fail<boolean>('VALIDATION_FAILED', 'members');
    await repo.replaceSlotPeople(trx, slotId, members, input.lead, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'shift.slot_changed',
      caseId: null,
      detail: { team: slot.teamId, slot: slotId, people: members.length, lead: input.lead },
    });
    return ok(true);
  });
}

/** Removes a slot with its exceptions; audited as `shift.slot_removed`. NOT_FOUND for an unknown slot. */
export async function removeSlot(
  deps: Deps,
  actor: Principal,
  slotId: string,
): Promise<Result<true>> {
  const found = await repo.findSlot(deps.db, slotId);
  if (!found) return shiftsPolicy.can(actor, 'shift.edit') ? fail('NOT_FOUND') : fail('FORBIDDEN');
  const now = deps.now();
  return inTeam(deps, actor, found.teamId, async (trx) => {
    if (!(await repo.deleteSlot(trx, slotId))) return fail<true>('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'shift.slot_removed',
      caseId: null,
      detail: {
        team: found.teamId,
        slot: slotId,
        weekday: found.weekday,
        start: found.startMinute,
        end: found.endMinute,
      },
    });
    return ok(true);
  });
}

/**
 * Adds one date's change to a slot; audited as `shift.exception_added`. NOT_FOUND for an
 * unknown slot (field `slot`); VALIDATION_FAILED when the date is not the slot's weekday
 * (field `date`), the person swapped or away is not on the slot (field `person`), or the
 * replacement cannot work cases (field `replacement`); SHIFT_EXCEPTION_TAKEN when that
 * date's shift already has a change for that person, or a changed lead.
 */
export async function addException(
  deps: Deps,
  actor: Principal,
  input: ExceptionInput,
): Promise<Result<{ id: string }>> {
  const found = await repo.findSlot(deps.db, input.slot);
  if (!found)
    return shiftsPolicy.can(actor, 'shift.edit') ? fail('NOT_FOUND', 'slot') : fail('FORBIDDEN');
  const now = deps.now();
  return inTeam(deps, actor, found.teamId, async (trx) => {
    const slot = await repo.findSlot(trx, input.slot);
    if (!slot) return fail<{ id: string }>('NOT_FOUND', 'slot');
    if (weekdayOf(input.date) !== slot.weekday)
      return fail<{ id: string }>('VALIDATION_FAILED', 'date');
    if (input.person !== null && !slot.memberIds.includes(input.person))
      return fail<{ id: string }>('VALIDATION_FAILED', 'person');
    if (!(await allWorkCases(deps, trx, [input.replacement])))
      return fail<{ id: string }>('VALIDATION_FAILED', 'replacement');
    const id = crypto.randomUUID();
    const added = await repo.insertException(
      trx,
      {
        id,
        slotId: slot.id,
        date: input.date,
        kind: input.kind,
        userId: input.person,
        replacementId: input.replacement,
      },
      actor.userId,
      now,
    );
    if (!added) return fail<{ id: string }>('SHIFT_EXCEPTION_TAKEN');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'shift.exception_added',
      caseId: null,
      detail: {
        team: slot.teamId,
        slot: slot.id,
        date: input.date,
        kind: input.kind,
        person: input.person,
        replacement: input.replacement,
      },
    });
    return ok({ id });
  });
}

/** Removes one date's change, and says its slot; audited as `shift.exception_removed`. NOT_FOUND for an unknown one. */
export async function removeException(
  deps: Deps,
  actor: Principal,
  exceptionId: string,
): Promise<Result<{ slotId: string }>> {
  const found = await repo.findException(deps.db, exceptionId);
  if (!found) return shiftsPolicy.can(actor, 'shift.edit') ? fail('NOT_FOUND') : fail('FORBIDDEN');
  const now = deps.now();
  return inTeam(deps, actor, found.teamId, async (trx) => {
    if (!(await repo.deleteException(trx, exceptionId)))
      return fail<{ slotId: string }>('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'shift.exception_removed',
      caseId: null,
      detail: { team: found.teamId, slot: found.slotId, date: found.date, kind: found.kind },
    });
    return ok({ slotId: found.slotId });
  });
}
