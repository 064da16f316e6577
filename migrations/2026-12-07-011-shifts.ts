import type { Kysely } from 'kysely';
import { bytes, millis } from './dialect.js';

// Shifts and handover (the shifts module, ADR 33). Frozen: later changes come as new migrations.
//
// - shift_slots: a team's weekly shift: ISO weekday (1 Monday … 7 Sunday), start and end as
//   minutes after local midnight in the team's time zone (an end at or before the start is on
//   the next day), the shift lead (null: none). Removed with its team.
// - shift_slot_members: the people on a slot.
// - shift_exceptions: one date's change to a slot (`on_date`, the local date the shift starts):
//   a swap (`subject` replaced by `replacement_id`), an absence (`subject` away) or a changed
//   lead (`subject` '', `replacement_id` leads). One change per person per shift date, and one
//   changed lead, by the unique key.
// - handovers: one per team and shift end (`ends_at`), unique, so two processes that both see
//   the shift end make one. Who went off and who came on (JSON arrays of user ids, as they
//   were when it was made), and its acknowledgement.
// - handover_notes: what the outgoing people wrote, each note sealed by the vault
//   (`body_enc`), never in clear; they go with their handover.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);

  await db.schema
    .createTable('shift_slots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('start_minute', 'integer', (c) => c.notNull())
    .addColumn('end_minute', 'integer', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shift_slots_team').on('shift_slots').columns(['team_id', 'weekday', 'start_minute']).execute();

  await db.schema
    .createTable('shift_slot_members')
    .addColumn('slot_id', 'text', (c) => c.notNull().references('shift_slots.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('shift_slot_members_pk', ['slot_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('shift_exceptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slot_id', 'text', (c) => c.notNull().references('shift_slots.id').onDelete('cascade'))
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('replacement_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('shift_exceptions_once', ['slot_id', 'on_date', 'subject'])
    .execute();
  await db.schema.createIndex('shift_exceptions_date').on('shift_exceptions').columns(['on_date', 'slot_id']).execute();

  await db.schema
    .createTable('handovers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('slot_id', 'text')
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms, (c) => c.notNull())
    .addColumn('outgoing_lead_id', 'text')
    .addColumn('outgoing_ids', 'text', (c) => c.notNull())
    .addColumn('incoming_lead_id', 'text')
    .addColumn('incoming_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('acknowledged_at', ms)
    .addColumn('acknowledged_by', 'text')
    .addUniqueConstraint('handovers_once', ['team_id', 'ends_at'])
    .execute();
  await db.schema.createIndex('handovers_recent').on('handovers').columns(['ends_at', 'id']).execute();
  await db.schema.createIndex('handovers_open').on('handovers').columns(['acknowledged_at', 'ends_at']).execute();

  await db.schema
    .createTable('handover_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('handover_id', 'text', (c) => c.notNull().references('handovers.id').onDelete('cascade'))
    .addColumn('author_id', 'text')
    .addColumn('body_enc', bytes(db), (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('handover_notes_handover').on('handover_notes').columns(['handover_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('handover_notes').execute();
  await db.schema.dropTable('handovers').execute();
  await db.schema.dropTable('shift_exceptions').execute();
  await db.schema.dropTable('shift_slot_members').execute();
  await db.schema.dropTable('shift_slots').execute();
}
