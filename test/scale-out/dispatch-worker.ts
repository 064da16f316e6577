// One worker process for test/scale-out-events.postgres.test.ts: the real outbox dispatcher
// over the database at DATABASE_URL, with one subscriber that writes down each event it is
// handed (and which process handled it) in the test's table. It runs until nothing is left.
import { sql } from 'kysely';
import { createDispatcher } from '../../src/platform/events/outbox.js';
import { openPostgres } from '../../src/platform/storage/db.js';

const url = process.env.DATABASE_URL!;
const name = process.env.WORKER_NAME!;
const storage = openPostgres(url, 4);
const dispatcher = createDispatcher(
  { db: storage.db, dialect: 'postgres', now: Date.now },
  [
    {
      name: 'scaleout.probe',
      events: ['probe.happened'],
      handle: async (event) => {
        await sql`INSERT INTO scaleout_handled (event_id, worker) VALUES (${event.id}, ${name})`.execute(storage.db);
      },
    },
  ],
  { worker: name, batchSize: 5 },
);

// Both processes wait for the go file's moment, so their rounds overlap.
const start = Number(process.env.START_AT ?? 0);
while (Date.now() < start) await new Promise((r) => setTimeout(r, 5));
for (let idle = 0; idle < 3; ) {
  const before = await sql<{ n: string }>`SELECT count(*) AS n FROM scaleout_handled`.execute(storage.db);
  await dispatcher.runDue();
  const after = await sql<{ n: string }>`SELECT count(*) AS n FROM scaleout_handled`.execute(storage.db);
  idle = after.rows[0]!.n === before.rows[0]!.n ? idle + 1 : 0;
}
await storage.close();
