import { sql, type Kysely } from 'kysely';

// A team covers one or more regions and works in one or more languages (ADR 20, addendum):
//
// - team_regions(team_id, region): the codes of the `region` vocabulary the team covers,
//   filled from teams.region. teams.region stays, as the team's first region (the one shown
//   where only one fits), as users.role stays beside user_roles.
// - team_languages(team_id, language): the codes of the `language` vocabulary it works in.
//
// Both go with their team. Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('team_regions')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_regions_pk', ['team_id', 'region'])
    .execute();
  await sql`insert into team_regions (team_id, region) select id, region from teams where region is not null`.execute(db);
  await db.schema
    .createTable('team_languages')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_languages_pk', ['team_id', 'language'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('team_languages').execute();
  await db.schema.dropTable('team_regions').execute();
}
