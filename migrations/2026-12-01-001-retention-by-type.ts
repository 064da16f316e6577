import { sql, type Kysely } from 'kysely';
import { isPostgres, millis } from './dialect.js';

// Retention rules per case status and incident type (ADR 12). A rule may name an incident
// type (a taxonomy code, as in cases.incident_type); the rule that names none is the status's
// general rule. There is at most one rule per (status, incident type or none):
//
// - retention_rules.incident_type is NOT NULL, and '' stands for "any incident type". A
//   primary key cannot hold a NULL on PostgreSQL, and a unique index over a nullable column
//   lets two NULLs in on both engines, so the empty string is the one portable way to make
//   (status, incident type or none) the key. Existing rules become the general rules.
// - Two partial indexes serve the retention job's search for due cases: by status, incident
//   type and the rule's basis time, over unpurged cases only. Purged cases (most of a large
//   instance over the years) are not in them at all, so an hourly run reads only live cases.
//
// Down keeps the general rules and drops the type-specific ones (their changes stay in the
// audit log). Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema
      .alterTable('retention_rules')
      .addColumn('incident_type', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`alter table retention_rules drop constraint retention_rules_pkey`.execute(db);
    await sql`alter table retention_rules add constraint retention_rules_pkey primary key (status, incident_type)`.execute(db);
  } else {
    // SQLite cannot change a primary key in place: rebuild the table and copy the rules. The
    // new column comes last, as PostgreSQL's ADD COLUMN puts it, so both engines have the same
    // column order (a backup moves between them).
    await db.schema
      .createTable('retention_rules_next')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', millis(db), (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('incident_type', 'text', (c) => c.notNull().defaultTo(''))
      .addPrimaryKeyConstraint('retention_rules_pkey', ['status', 'incident_type'])
      .execute();
    await sql`insert into retention_rules_next (status, basis, days, enabled, updated_at, updated_by, incident_type)
      select status, basis, days, enabled, updated_at, updated_by, '' from retention_rules`.execute(db);
    await db.schema.dropTable('retention_rules').execute();
    await db.schema.alterTable('retention_rules_next').renameTo('retention_rules').execute();
  }

  for (const [name, basis] of [
    ['cases_retention_closed', 'closed_at'],
    ['cases_retention_activity', 'last_activity_at'],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('cases')
      .columns(['status', 'incident_type', basis])
      .where(sql.ref('purged_at'), 'is', null)
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_retention_activity').execute();
  await db.schema.dropIndex('cases_retention_closed').execute();
  await sql`delete from retention_rules where incident_type <> ''`.execute(db);
  if (isPostgres(db)) {
    await sql`alter table retention_rules drop constraint retention_rules_pkey`.execute(db);
    await sql`alter table retention_rules add constraint retention_rules_pkey primary key (status)`.execute(db);
    await db.schema.alterTable('retention_rules').dropColumn('incident_type').execute();
  } else {
    await db.schema
      .createTable('retention_rules_prev')
      .addColumn('status', 'text', (c) => c.primaryKey())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('updated_at', millis(db), (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await sql`insert into retention_rules_prev (status, basis, days, enabled, updated_at, updated_by)
      select status, basis, days, enabled, updated_at, updated_by from retention_rules`.execute(db);
    await db.schema.dropTable('retention_rules').execute();
    await db.schema.alterTable('retention_rules_prev').renameTo('retention_rules').execute();
  }
}
