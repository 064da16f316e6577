import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { signInWithReceipt, writeMarkedRequest } from './intake.test-helpers.js';

// What a requester writes must never sit in the database file in plaintext: not the request,
// not the contact, not a follow-up message, not the receipt. This reads the raw SQLite file
// and its write-ahead log byte by byte, before and after a checkpoint.

const MARKERS = {
  description: 'PLAINTEXT-MARKER-DESCRIPTION-7f3a',
  contact: 'marker-contact-91c2@example.org',
  message: 'PLAINTEXT-MARKER-FOLLOWUP-5d8e',
};

function rawFiles(dataDir: string): { name: string; bytes: Buffer }[] {
  return ['haven.db', 'haven.db-wal']
    .map((n) => join(dataDir, n))
    .filter((f) => existsSync(f))
    .map((f) => ({ name: f, bytes: readFileSync(f) }));
}

function findIn(files: { name: string; bytes: Buffer }[], needle: string): string[] {
  const hits: string[] = [];
  for (const f of files) {
    for (const enc of ['utf8', 'utf16le'] as const) {
      if (f.bytes.includes(Buffer.from(needle, enc))) hits.push(`${needle} in ${f.name} (${enc})`);
    }
  }
  return hits;
}

describe('what a requester writes, at rest on SQLite', () => {
  let h: Harness;
  let receipt: string;
  beforeAll(async () => {
    h = await createHarness(engines[0]!);
    const written = await writeMarkedRequest(h, MARKERS);
    expect(written.created).toBe(201);
    receipt = written.receipt;
    expect(written.sent).toBe(303);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('finds none of it in the database file or its write-ahead log', async () => {
    const files = rawFiles(h.dataDir);
    expect(files.map((f) => f.name.split('/').pop())).toContain('haven.db');
    // A control: the files are readable and hold the schema, so a miss below means something.
    expect(findIn(files, 'requester_sessions').length).toBeGreaterThan(0);
    const needles = [...Object.values(MARKERS), receipt, receipt.replace(/-/g, '')];
    expect(needles.flatMap((n) => findIn(files, n))).toEqual([]);

    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(h.deps.db);
    const after = rawFiles(h.dataDir);
    expect(needles.flatMap((n) => findIn(after, n))).toEqual([]);
  });

  it('still reads it back through the follow-up page', async () => {
    const { html } = await signInWithReceipt(h, receipt);
    expect(html).toContain(MARKERS.description);
    expect(html).toContain(MARKERS.message);
  });
});
