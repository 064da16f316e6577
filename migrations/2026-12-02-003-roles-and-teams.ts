import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// Several roles per person, and teams (ADR 20):
//
// - user_roles: every role a person holds, one row each. Filled from users.role, which stays
//   as the person's primary role (the one label shown where only one fits): always one of
//   their rows here. The policy engine looks at all of them.
// - teams: a group of staff who work together, with the time zone their shifts are in and,
//   optionally, the region they cover; team_members: who is in which team (a person may be
//   in several).
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role'])
    .execute();
  await db.schema.createIndex('user_roles_by_role').on('user_roles').columns(['role', 'user_id']).execute();
  await sql`insert into user_roles (user_id, role) select id, role from users`.execute(db);

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('created_at', millis(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_members_by_user').on('team_members').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('team_members').execute();
  await db.schema.dropTable('teams').execute();
  await db.schema.dropTable('user_roles').execute();
}
