import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// The escalation ladder and the SLA read model (the escalation module, ADR 34). Frozen: later
// changes come as new migrations.
//
// - escalation_ladders: the global ladder (id 'global', team_id null) and at most one per team
//   (team_id unique; it goes with its team). resolution_hours is the resolution target of the
//   cases it governs; version counts saves, so a form saved over a newer save is refused.
//   Nothing is seeded here: until an administrator or coordinator saves it, the global ladder
//   is the one the configuration describes (ESCALATE_LEAD_MINUTES, ESCALATE_DIRECTOR_MINUTES,
//   FIRST_RESPONSE_MINUTES), which a migration cannot read.
// - escalation_steps: a ladder's steps in order: after `minutes` unanswered, `action`, only for
//   cases of `urgency` and `severity` when set. A step keeps its id when edited, so a step
//   already reached in a wait is not reached again because its ladder was saved.
// - case_escalations: each step a case reached, once per (case, step, start of the wait): the
//   primary key is what makes two processes, a rerun or a redelivered event add nothing.
//   The step's minutes and action are copied, so the record stays when its step is removed;
//   `notified` lists the staff ids told (JSON), never anything a requester wrote.
// - case_sla and case_sla_teams: the SLA read model, fed by the cases module's events. Only
//   structured fields (moments, codes, team ids), no personal data and no foreign key to the
//   case, so the figures outlive retention. A case's teams (those covering its region or
//   language when it arrived, '' when none) each with the shift on at arrival.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);

  await db.schema
    .createTable('escalation_ladders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.unique().references('teams.id').onDelete('cascade'))
    .addColumn('resolution_hours', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('escalation_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ladder_id', 'text', (c) => c.notNull().references('escalation_ladders.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text')
    .addColumn('severity', 'text')
    .addUniqueConstraint('escalation_steps_position', ['ladder_id', 'position'])
    .execute();

  await db.schema
    .createTable('case_escalations')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('wait_started_at', ms, (c) => c.notNull())
    .addColumn('ladder_id', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reached_at', ms, (c) => c.notNull())
    .addColumn('notified', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_escalations_pk', ['case_id', 'step_id', 'wait_started_at'])
    .execute();

  await db.schema
    .createTable('case_sla')
    .addColumn('case_id', 'integer', (c) => c.primaryKey())
    .addColumn('arrived_at', ms, (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('first_response_due_at', ms, (c) => c.notNull())
    .addColumn('first_response_at', ms)
    .addColumn('resolution_due_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .addColumn('excluded', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_sla_teams')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('case_sla.case_id').onDelete('cascade'))
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('arrived_at', ms, (c) => c.notNull())
    .addColumn('shift_starts_at', ms)
    .addColumn('shift_ends_at', ms)
    .addPrimaryKeyConstraint('case_sla_teams_pk', ['case_id', 'team_id'])
    .execute();
  // slaFigures: a team's cases by arrival.
  await db.schema.createIndex('case_sla_teams_arrived').on('case_sla_teams').columns(['team_id', 'arrived_at']).execute();
  await db.schema.createIndex('case_sla_arrived').on('case_sla').column('arrived_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_sla_teams').execute();
  await db.schema.dropTable('case_sla').execute();
  await db.schema.dropTable('case_escalations').execute();
  await db.schema.dropTable('escalation_steps').execute();
  await db.schema.dropTable('escalation_ladders').execute();
}
