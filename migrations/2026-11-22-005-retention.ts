import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// Retention and crypto-shredding: a case records when its personal data was deleted and by
// which rule; admins keep retention rules per status; a small job schedule lives in the
// database so the embedded default needs no extra server. Frozen: later changes come as new
// migrations.
//
// `cases.key_wrapped` stays NOT NULL (migration 001 is frozen, and SQLite cannot relax a
// constraint without rebuilding the table): a purged case holds a zero-length value there.

/** The defaults a new instance starts with; admins change them on /staff/retention. */
const DEFAULT_RULES: { status: string; basis: 'closed_at' | 'last_activity_at'; days: number }[] = [
  { status: 'closed', basis: 'closed_at', days: 90 },
  { status: 'referred', basis: 'closed_at', days: 90 },
  { status: 'out_of_mandate', basis: 'closed_at', days: 90 },
  { status: 'resolved', basis: 'last_activity_at', days: 180 },
  // A `spam` status may arrive with intake abuse resistance; a rule for it is harmless before.
  { status: 'spam', basis: 'closed_at', days: 7 },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);
  await db.schema.alterTable('cases').addColumn('purged_at', ms).execute();
  await db.schema.alterTable('cases').addColumn('purge_rule', 'text').execute();

  await db.schema
    .createTable('retention_rules')
    .addColumn('status', 'text', (c) => c.primaryKey())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_run_at', ms, (c) => c.notNull())
    .addColumn('locked_until', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('last_run_at', ms)
    .addColumn('last_error', 'text')
    .execute();

  const now = Date.now();
  for (const r of DEFAULT_RULES) {
    await sql`insert into retention_rules (status, basis, days, enabled, updated_at, updated_by)
      values (${r.status}, ${r.basis}, ${r.days}, 1, ${now}, null)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('retention_rules').execute();
  await db.schema.alterTable('cases').dropColumn('purge_rule').execute();
  await db.schema.alterTable('cases').dropColumn('purged_at').execute();
}
