import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, type Engine } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { runBackup, runRestore, type Io } from '../../cli/backup.js';
import { loadConfig } from '../../config/index.js';
import type { Deps } from '../../deps.js';
import { generateDemo } from '../../modules/demo/index.js';
import { purgeCasePersonalData, reapplyShreds, requesterView, submitRequest } from '../../modules/cases/index.js';
import { deriveBackupKey, randomBytes, TEST_PASSPHRASE_LIMITS, Vault } from '../crypto/vault.js';
import { openVault, sealInit, unseal } from '../../modules/vault/index.js';
import type { Storage } from '../storage/db.js';
import { createBackup, nextPageSize, restoreBackup, verifyBackup, type BackupKeys } from './backup.js';
import { appliedMigrations, listTables } from './catalog.js';
import { migrations } from '../../../migrations/index.js';
import { migrateTo } from '../storage/migrate.js';
import { backupKeysDir, pruneBackupKeys } from './keys.js';
import { allShreds, fileLedger } from './shreds.js';
import { reapplyDeletionLists } from '../../modules/cases/deletion-lists.job.js';
import { createPace } from '../jobs/pace.js';
import { insertStaffRow } from '../../../test/staff-row.js';

const MARKER = 'quokka-7f3e-backup-marker';
const HANDLER = 'backup-test-handler';
const DAY = 24 * 60 * 60 * 1000;
const available = engines.filter((e) => e.available);

async function addHandler(deps: Deps): Promise<void> {
  const now = deps.now();
  await insertStaffRow(deps.db, {
    id: HANDLER,
    email: 'backup.test@handler.invalid',
    displayName: 'Backup',
    role: 'handler',
    at: now,
    // A non-empty second-factor blob, so the round trip covers binary columns of users too.
    totpSecretEnc: Buffer.from([0, 1, 2, 255]),
  });
}

/** Fills an instance with demo cases and one request carrying the marker. */
async function fill(h: Harness, requests = 40): Promise<{ caseId: number; receipt: string }> {
  await addHandler(h.deps);
  const demo = await generateDemo(h.deps, { requests, seed: 'backup', year: 2023, handlerId: HANDLER, batchSize: 16 });
  expect(demo.ok).toBe(true);
  return submitRequest(h.deps, {
    description: `My phone was seized. ${MARKER}`,
    urgency: 'reactive',
    country: 'KE',
    language: 'en',
    contactMethod: 'none',
    contact: null,
    beneficiary: null,
  });
}

/** Every row of every table, Buffers as hex, each table's rows sorted: comparable across engines. */
async function dumpAll(storage: Storage): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await listTables(storage.db, storage.dialect)) {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(t.name)}`.execute(storage.db);
    out[t.name] = r.rows
      .map((row) =>
        JSON.stringify(
          t.columns.map((c) => {
            const v = row[c];
            return v instanceof Uint8Array ? `hex:${Buffer.from(v).toString('hex')}` : v;
          }),
        ),
      )
      .sort();
  }
  return out;
}

/** The same instance's deps with another master key (a target restored with the source's key). */
function withKey(h: Harness, key: Buffer): Deps {
  return { ...h.deps, vault: new Vault(key) };
}

async function readable(deps: Deps, caseId: number): Promise<string> {
  try {
    const v = await requesterView(deps, caseId);
    return v.messages.map((m) => m.body).join('\n');
  } catch {
    return '';
  }
}

/** Shreds a case exactly as retention and a requester's deletion do. */
async function shred(deps: Deps, caseId: number): Promise<void> {
  expect(await purgeCasePersonalData(deps, caseId, { kind: 'requester' })).toBe('purged');
}

function collect(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(`out: ${l}`), err: (l) => lines.push(`err: ${l}`) };
}

const work = mkdtempSync(join(tmpdir(), 'haven-backup-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let fileNo = 0;
const newFile = (): string => join(work, `b${++fileNo}.havenbak`);

describe('pages of a table', () => {
  it('hold about 8 MiB whatever a row weighs: a few rows of 64 KiB chunks, 2,000 small ones', () => {
    const MiB = 1024 * 1024;
    expect(nextPageSize(0, 0)).toBe(16);
    // After 16 rows of 64 KiB: 128 of them make 8 MiB.
    expect(nextPageSize(16, 16 * 64 * 1024)).toBe(128);
    expect(nextPageSize(16, 16 * 200)).toBe(2000);
    // A row larger than the page is read alone, never skipped.
    expect(nextPageSize(1, 20 * MiB)).toBe(1);
    expect(nextPageSize(128, 128 * 64 * 1024) * 64 * 1024).toBeLessThanOrEqual(8 * MiB);
  });
});

describe.each(available.map((e) => [e.name, e] as const))('backup from %s', (_name, from: Engine) => {
  let src: Harness;
  let keys: BackupKeys;
  let marked: { caseId: number; receipt: string };
  let file: string;
  let before: Record<string, string[]>;

  beforeAll(async () => {
    src = await createHarness(from);
    marked = await fill(src, 150);
    keys = { backupKey: deriveBackupKey(src.masterKey), keysDir: backupKeysDir(src.dataDir) };
    file = newFile();
    const s = await createBackup(src.deps.storage, keys, file, { now: src.clock.now });
    expect(s.rows).toBeGreaterThan(100);
    // Several chunks, so damage in the middle is not damage in the first chunk.
    expect(s.bytes).toBeGreaterThan(3 * 64 * 1024);
    before = await dumpAll(src.deps.storage);
  });
  afterAll(async () => {
    await src.close();
  });

  it('writes a 0600 file with no plaintext of a request, nor its receipt, and no partial files', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(MARKER))).toBe(false);
    expect(bytes.includes(Buffer.from(marked.receipt))).toBe(false);
    expect(bytes.includes(Buffer.from(marked.receipt.replace(/[^A-Za-z0-9]/g, '')))).toBe(false);
    expect(bytes.includes(Buffer.from('backup.test@handler.invalid'))).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes('.partial'))).toEqual([]);
    const header = verifyBackup(file, keys);
    expect(header.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'cases', 'messages', 'audit_log']));
    // Parents come before children.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('cases'));
    expect(order.indexOf('cases')).toBeLessThan(order.indexOf('messages'));
  });

  describe.each(available.map((e) => [e.name, e] as const))('restored into %s', (_to, to: Engine) => {
    let dst: Harness;
    beforeAll(async () => {
      dst = await createHarness(to);
    });
    afterAll(async () => {
      await dst.close();
    });

    it('brings back every row of every table, and the cases still open with the same master key', async () => {
      const r = await restoreBackup(dst.deps.storage, keys, file);
      expect(r).toMatchObject({ ok: true });
      expect(await dumpAll(dst.deps.storage)).toEqual(before);
      const deps = withKey(dst, src.masterKey);
      expect(await readable(deps, marked.caseId)).toContain(MARKER);
      // The next case gets the id the original would have given it.
      const next = await submitRequest(deps, {
        description: 'after restore',
        urgency: 'preventive',
        country: 'KE',
        language: 'en',
        contactMethod: 'none',
        contact: null,
        beneficiary: null,
      });
      expect(next.caseId).toBe(marked.caseId + 1);
      // The audit log is still append-only.
      await expect(sql`update audit_log set action = 'x'`.execute(dst.deps.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(dst.deps.db)).rejects.toThrow(/append-only/);
    });

    it('refuses an instance that holds data, and replaces it with --force, audit guard intact', async () => {
      const r = await restoreBackup(dst.deps.storage, keys, file);
      expect(r).toMatchObject({ ok: false, code: 'RESTORE_NOT_EMPTY' });
      const forced = await restoreBackup(dst.deps.storage, keys, file, { force: true });
      expect(forced).toMatchObject({ ok: true });
      expect(await dumpAll(dst.deps.storage)).toEqual(before);
      await expect(sql`delete from audit_log`.execute(dst.deps.db)).rejects.toThrow(/append-only/);
    });
  });

  describe('damage', () => {
    let dst: Harness;
    let state: Record<string, string[]>;
    beforeAll(async () => {
      // A target that already holds other data: every refusal below must leave it untouched.
      dst = await createHarness(from);
      await fill(dst, 5);
      state = await dumpAll(dst.deps.storage);
    });
    afterAll(async () => {
      await dst.close();
    });

    const refusals: [string, (f: string) => void, RegExp][] = [
      [
        'a flipped byte in the middle',
        (f) => {
          const b = readFileSync(f);
          b[Math.floor(b.length / 2)]! ^= 0x01;
          writeFileSync(f, b);
        },
        /damaged/,
      ],
      [
        'a flipped byte in the header',
        (f) => {
          const b = readFileSync(f);
          b[8]! ^= 0x01;
          writeFileSync(f, b);
        },
        /format/,
      ],
      [
        'a flipped byte in the stream header',
        (f) => {
          const b = readFileSync(f);
          b[40]! ^= 0x01; // inside the secretstream header
          writeFileSync(f, b);
        },
        /damaged or was changed/,
      ],
      [
        'a flipped byte in the final chunk',
        (f) => {
          const b = readFileSync(f);
          b[b.length - 30]! ^= 0x80;
          writeFileSync(f, b);
        },
        /damaged or was changed/,
      ],
      ['a file cut in half', (f) => truncateSync(f, Math.floor(statSync(f).size / 2)), /cut short/],
      ['a file missing its final chunk', (f) => truncateSync(f, statSync(f).size - 100), /cut short/],
      ['a file with bytes appended', (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from([0, 0, 0, 0])])), /damaged/],
      ['a file that is not a backup', (f) => writeFileSync(f, 'SQLite format 3\0'), /not a Haven backup/],
    ];

    it.each(refusals)('refuses %s and changes nothing, even with --force', async (_what, damage, message) => {
      const copy = newFile();
      writeFileSync(copy, readFileSync(file), { mode: 0o600 });
      damage(copy);
      const r = await restoreBackup(dst.deps.storage, keys, copy, { force: true });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
      expect(await dumpAll(dst.deps.storage)).toEqual(state);
    });

    it('refuses a wrong master key and changes nothing', async () => {
      const wrong = { ...keys, backupKey: deriveBackupKey(randomBytes(32)) };
      const r = await restoreBackup(dst.deps.storage, wrong, file, { force: true });
      expect(r).toMatchObject({ ok: false, code: 'BACKUP_WRONG_KEY' });
      if (!r.ok) expect(r.message).toMatch(/master key/);
      expect(await dumpAll(dst.deps.storage)).toEqual(state);
    });

    it('refuses a backup from a newer schema', async () => {
      const d = await from.create();
      try {
        // A database whose schema has one migration this code does not know.
        const { migrateToLatest } = await import('../storage/migrate.js');
        await migrateToLatest(d.storage);
        await sql`insert into haven_migrations (name, timestamp) values ('2099-01-01-999-future', '2099-01-01T00:00:00.000Z')`.execute(d.storage.db);
        const f = newFile();
        await createBackup(d.storage, keys, f, { now: src.clock.now });
        const r = await restoreBackup(dst.deps.storage, keys, f, { force: true });
        expect(r).toMatchObject({ ok: false, code: 'BACKUP_SCHEMA_NEWER' });
        if (!r.ok) expect(r.message).toMatch(/newer Haven.*2099-01-01-999-future/);
        expect(await dumpAll(dst.deps.storage)).toEqual(state);
      } finally {
        await d.dispose();
      }
    });
  });

  it('leaves no file under the final name when the backup fails', async () => {
    const out = newFile();
    // A failure inside the snapshot (a query that throws halfway) must leave nothing behind.
    const failing: Storage = {
      ...src.deps.storage,
      db: src.deps.storage.db.withPlugin({
        transformQuery: (a) => {
          if (JSON.stringify(a.node).includes('count(*)')) throw new Error('simulated failure');
          return a.node;
        },
        transformResult: async (a) => a.result,
      }),
    };
    await expect(createBackup(failing, keys, out, { now: src.clock.now })).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

describe.each(available.map((e) => [e.name, e] as const))('shredded cases and old backups on %s', (_name, engine: Engine) => {
  it('a shredded case is unreadable from a backup taken before the shredding: deleted again on restore, and the key expires', async () => {
    const src = await createHarness(engine);
    const dst = await createHarness(engine);
    try {
      const marked = await fill(src, 5);
      const keys = { backupKey: deriveBackupKey(src.masterKey), keysDir: backupKeysDir(src.dataDir) };
      // As in a running Haven (runtime.ts): every shred goes on the live backup keys' lists.
      src.deps.shreds = fileLedger(keys.keysDir, keys.backupKey);
      const old = newFile();
      await createBackup(src.deps.storage, keys, old, { now: src.clock.now });

      src.clock.advance(DAY);
      await shred(src.deps, marked.caseId);
      expect(await readable(src.deps, marked.caseId)).toBe('');
      const created = (await src.deps.db.selectFrom('cases').select('created_at').where('id', '=', marked.caseId).executeTakeFirstOrThrow()).created_at;
      expect(allShreds(keys.keysDir, keys.backupKey)).toEqual([
        { caseId: marked.caseId, createdAt: created, at: src.clock.now(), rule: 'requester' },
      ]);
      // The list holds no content and no plaintext id line.
      const listFile = readdirSync(keys.keysDir).find((f) => f.endsWith('.shreds'))!;
      expect(readFileSync(join(keys.keysDir, listFile), 'utf8')).not.toContain('requester');
      const after = newFile();
      await createBackup(src.deps.storage, keys, after, { now: src.clock.now });
      expect(await restoreBackup(dst.deps.storage, keys, after, { now: src.clock.now })).toMatchObject({ ok: true });
      expect(await readable(withKey(dst, src.masterKey), marked.caseId)).toBe('');

      // Within the horizon the old backup still holds the case's wrapped key. Restoring it
      // without the list would bring the case back...
      expect(await restoreBackup(dst.deps.storage, keys, old, { force: true, now: src.clock.now })).toMatchObject({ ok: true, reapplied: 0 });
      expect(await readable(withKey(dst, src.masterKey), marked.caseId)).toContain(MARKER);
      // ...so haven restore applies the backup key's deletion list in the same transaction.
      const r = await restoreBackup(dst.deps.storage, keys, old, {
        force: true,
        now: src.clock.now,
        reapplyShreds: async (db, entries) => (await reapplyShreds(db, entries, src.clock.now())).purged,
      });
      expect(r).toMatchObject({ ok: true, reapplied: 1 });
      expect(await readable(withKey(dst, src.masterKey), marked.caseId)).toBe('');
      const row = await dst.deps.db.selectFrom('cases').select(['purged_at', 'purge_rule', 'key_wrapped']).where('id', '=', marked.caseId).executeTakeFirstOrThrow();
      expect(row.purged_at).toBe(src.clock.now());
      expect(row.purge_rule).toBe('requester');
      expect(row.key_wrapped.length).toBe(0);
      expect(await dst.deps.db.selectFrom('messages').select('id').where('case_id', '=', marked.caseId).execute()).toEqual([]);
      const audit = await dst.deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'case.purged').where('case_id', '=', marked.caseId).execute();
      expect(audit.map((a) => JSON.parse(a.detail!).reason)).toContain('reapplied');
      // The other cases came back untouched.
      expect(await dst.deps.db.selectFrom('cases').select('id').where('purged_at', 'is', null).execute()).toHaveLength(5 + 1 - 1);

      // An altered list refuses the restore before anything changes.
      const listPath = join(keys.keysDir, readdirSync(keys.keysDir).find((f) => f.endsWith('.shreds') && readFileSync(join(keys.keysDir, f), 'utf8').length > 0)!);
      const good = readFileSync(listPath, 'utf8');
      writeFileSync(listPath, good.replace(/^(.)/, (c) => (c === '0' ? '1' : '0')));
      const before = await dumpAll(dst.deps.storage);
      expect(await restoreBackup(dst.deps.storage, keys, old, { force: true, now: src.clock.now })).toMatchObject({ ok: false, code: 'BACKUP_DELETION_LIST' });
      // A missing list likewise: whoever copies the key must copy its list.
      rmSync(listPath);
      expect(await restoreBackup(dst.deps.storage, keys, old, { force: true, now: src.clock.now })).toMatchObject({ ok: false, code: 'BACKUP_DELETION_LIST' });
      expect(await dumpAll(dst.deps.storage)).toEqual(before);
      writeFileSync(listPath, good, { mode: 0o600 });

      // Past the horizon the epoch secret is destroyed: the old file opens for no one,
      // even with the master key, and a restore changes nothing.
      src.clock.advance(30 * DAY);
      expect(pruneBackupKeys(keys.keysDir, src.clock.now()).length).toBeGreaterThan(0);
      await expect(async () => verifyBackup(old, keys)).rejects.toThrow(/destroyed 30 days/);
      const state = await dumpAll(dst.deps.storage);
      const res = await restoreBackup(dst.deps.storage, keys, old, { force: true, now: src.clock.now });
      expect(res).toMatchObject({ ok: false, code: 'BACKUP_KEY_DESTROYED' });
      expect(await dumpAll(dst.deps.storage)).toEqual(state);
      expect(readdirSync(keys.keysDir)).toEqual([]);
    } finally {
      await src.close();
      await dst.close();
    }
  });

  for (const paced of [false, true]) {
    it(`a database copied back by other means loses, at the next start${paced ? ' or in the job, a case per transaction' : ''}, what was deleted after the copy; a later case with the same id is kept`, async () => {
      const pace = paced ? createPace({ sliceMs: 0 }) : undefined;
      const h = await createHarness(engine);
      try {
        const marked = await fill(h, 3);
        const keys = { backupKey: deriveBackupKey(h.masterKey), keysDir: backupKeysDir(h.dataDir) };
        h.deps.shreds = fileLedger(keys.keysDir, keys.backupKey);
        await createBackup(h.deps.storage, keys, newFile(), { now: h.clock.now });
        // Snapshot the case as a raw copy would hold it, then shred it.
        const copy = await h.deps.db.selectFrom('cases').selectAll().where('id', '=', marked.caseId).executeTakeFirstOrThrow();
        const msgs = await h.deps.db.selectFrom('messages').selectAll().where('case_id', '=', marked.caseId).execute();
        h.clock.advance(DAY);
        await shred(h.deps, marked.caseId);
        // Put the old rows back, as restoring a file copy or a pg_dump would.
        await h.deps.db.updateTable('cases').set({ ...copy, id: undefined } as never).where('id', '=', marked.caseId).execute();
        await h.deps.db.insertInto('messages').values(msgs).execute();
        expect(await readable(h.deps, marked.caseId)).toContain(MARKER);

        expect(await reapplyDeletionLists(h.deps, pace)).toEqual({ purged: 1, unchanged: 0 });
        expect(await readable(h.deps, marked.caseId)).toBe('');
        // Running again changes nothing.
        expect(await reapplyDeletionLists(h.deps, pace)).toEqual({ purged: 0, unchanged: 1 });

        // A case that holds the same id but was created later (a new timeline after a restore)
        // is someone else's request: never touched.
        await h.deps.db.updateTable('cases').set({ ...copy, id: undefined, created_at: copy.created_at + 5 } as never).where('id', '=', marked.caseId).execute();
        await h.deps.db.insertInto('messages').values(msgs).execute();
        expect(await reapplyDeletionLists(h.deps, pace)).toEqual({ purged: 0, unchanged: 1 });
        expect(await readable(h.deps, marked.caseId)).toContain(MARKER);
      } finally {
        await h.close();
      }
    });
  }

  it('rotates the backup key weekly and destroys each key 30 days after it was made', async () => {
    const h = await createHarness(engine);
    try {
      const keys = { backupKey: deriveBackupKey(h.masterKey), keysDir: backupKeysDir(h.dataDir) };
      const files: string[] = [];
      for (let d = 0; d < 40; d += 3) {
        const f = newFile();
        await createBackup(h.deps.storage, keys, f, { now: h.clock.now });
        files.push(f);
        h.clock.advance(3 * DAY);
      }
      const epochs = readdirSync(keys.keysDir).filter((f) => f.endsWith('.key'));
      expect(epochs.length).toBeGreaterThanOrEqual(3);
      // Each key has its deletion list beside it, and none outlives its key.
      expect(readdirSync(keys.keysDir).filter((f) => f.endsWith('.shreds')).sort()).toEqual(epochs.map((f) => f.replace(/\.key$/, '.shreds')).sort());
      expect(epochs.length).toBeLessThanOrEqual(6);
      for (const f of readdirSync(keys.keysDir)) expect(statSync(join(keys.keysDir, f)).mode & 0o777).toBe(0o600);
      // The newest backups open; the first ones no longer do.
      expect(() => verifyBackup(files.at(-1)!, keys)).not.toThrow();
      expect(() => verifyBackup(files[0]!, keys)).toThrow(/destroyed/);
    } finally {
      await h.close();
    }
  });
});

describe.each(available.map((e) => [e.name, e] as const))('haven backup and haven restore on %s', (_name, engine: Engine) => {
  it('back up, refuse a second write to the same file, restore, refuse a non-empty instance, force', async () => {
    const src = await createHarness(engine);
    const dst = await createHarness(engine);
    try {
      await fill(src, 5);
      const env = (h: Harness): ReturnType<typeof loadConfig> =>
        loadConfig({
          LOG_LEVEL: 'silent',
          DATA_DIR: h.dataDir,
          HAVEN_MASTER_KEY: src.masterKey.toString('hex'),
          ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}),
        });
      const out = newFile();
      let io = collect();
      expect(await runBackup(env(src), { out, now: src.clock.now }, io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/^out: Backup written: .*rows/m);
      expect(io.lines.join('\n')).not.toContain(src.masterKey.toString('hex'));

      io = collect();
      expect(await runBackup(env(src), { out, now: src.clock.now }, io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/already exists/);

      // The target needs the source's backup keys folder, as after copying it to a new machine.
      const { cpSync } = await import('node:fs');
      cpSync(backupKeysDir(src.dataDir), backupKeysDir(dst.dataDir), { recursive: true });
      io = collect();
      expect(await runRestore(env(dst), { in: out, now: src.clock.now }, io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/^out: Restored [\d,]+ rows/m);
      expect(await dumpAll(dst.deps.storage)).toEqual(await dumpAll(src.deps.storage));

      io = collect();
      expect(await runRestore(env(dst), { in: out, now: src.clock.now }, io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/Refusing: this instance already holds data.*--force.*Nothing was changed/);

      io = collect();
      expect(await runRestore(env(dst), { in: out, force: true, now: src.clock.now }, io)).toBe(0);

      // A case deleted after the backup (here: on the restored instance, whose server records
      // it on the list of the backup's key) is deleted again when the backup is restored.
      const victim = (await dst.deps.db.selectFrom('cases').select('id').where('purged_at', 'is', null).orderBy('id').executeTakeFirstOrThrow()).id;
      const dstKeys = { backupKey: deriveBackupKey(src.masterKey), keysDir: backupKeysDir(dst.dataDir) };
      await shred({ ...withKey(dst, src.masterKey), shreds: fileLedger(dstKeys.keysDir, dstKeys.backupKey) }, victim);
      io = collect();
      expect(await runRestore(env(dst), { in: out, force: true, now: src.clock.now }, io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/^out: Deleted again the personal data of 1 cases deleted after this backup was made/m);
      const back = await dst.deps.db.selectFrom('cases').select(['purged_at', 'purge_rule']).where('id', '=', victim).executeTakeFirstOrThrow();
      expect(back).toEqual({ purged_at: src.clock.now(), purge_rule: 'requester' });

      io = collect();
      expect(await runRestore(env(dst), { in: join(work, 'missing'), now: src.clock.now }, io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/does not exist/);

      const noKey = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'haven-nokey-')) });
      io = collect();
      expect(await runRestore(noKey, { in: out }, io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/no master key/);
      expect(existsSync(join(noKey.dataDir, 'keys', 'master.key'))).toBe(false);
      rmSync(noKey.dataDir, { recursive: true, force: true });
    } finally {
      await src.close();
      await dst.close();
    }
  });
});

describe.each(available.map((e) => [e.name, e] as const))('a backup made at an older schema on %s', (_name, engine: Engine) => {
  it('restores into an empty instance taken down to that schema, then migrates forward', async () => {
    const names = Object.keys(migrations);
    const at = names.indexOf('2026-11-22-003-case-queue-index');
    const old = await engine.create();
    const dst = await createHarness(engine);
    const keys = { backupKey: deriveBackupKey(dst.masterKey), keysDir: backupKeysDir(dst.dataDir) };
    try {
      await migrateTo(old.storage, names[at]!);
      const db = old.storage.db;
      const t = Date.UTC(2025, 0, 1);
      await sql`insert into users (id, email, display_name, role, status, failed_logins, locale, created_at, updated_at)
        values ('u1', 'old@example.invalid', 'Old', 'handler', 'active', 0, 'en', ${t}, ${t})`.execute(db);
      await sql`insert into cases (id, receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method,
          awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, version)
        values (7, 'h7', ${Buffer.from([1, 2, 3])}, 'open', 'reactive', 'en', 'unknown', 'none', 1, ${t}, ${t}, ${t}, ${t}, 1)`.execute(db);
      await sql`insert into messages (id, case_id, kind, author_id, body_enc, created_at)
        values ('m1', 7, 'requester', null, ${Buffer.from([9, 9])}, ${t})`.execute(db);
      await sql`insert into audit_log (at, actor_kind, action, case_id) values (${t}, 'system', 'case.created', 7)`.execute(db);
      const f = newFile();
      await createBackup(old.storage, keys, f, { now: dst.clock.now });

      expect(await restoreBackup(dst.deps.storage, keys, f, { force: true })).toMatchObject({ ok: false, code: 'BACKUP_SCHEMA_OLDER' });
      const r = await restoreBackup(dst.deps.storage, keys, f);
      expect(r).toMatchObject({ ok: true, migrated: names.slice(at + 1) });
      expect(await appliedMigrations(dst.deps.db)).toEqual(names);
      const c = await dst.deps.db.selectFrom('cases').selectAll().where('id', '=', 7).executeTakeFirstOrThrow();
      expect(Buffer.from(c.key_wrapped)).toEqual(Buffer.from([1, 2, 3]));
      const m = await dst.deps.db.selectFrom('messages').selectAll().executeTakeFirstOrThrow();
      expect(Buffer.from(m.body_enc)).toEqual(Buffer.from([9, 9]));
      await expect(sql`delete from audit_log`.execute(dst.deps.db)).rejects.toThrow(/append-only/);
      // Now it holds data: the same backup is refused.
      expect(await restoreBackup(dst.deps.storage, keys, f)).toMatchObject({ ok: false, code: 'RESTORE_NOT_EMPTY' });
    } finally {
      await old.dispose();
      await dst.close();
    }
  });
});

describe.each(available.map((e) => [e.name, e] as const))('a sealed instance on %s', (_name, engine: Engine) => {
  it('restores sealed, and its cases read again after an unseal with a passphrase from before the backup', async () => {
    const src = await createHarness(engine);
    const dst = await createHarness(engine);
    try {
      const marked = await fill(src, 5);
      const holder = { name: 'ana', passphrase: 'river stone lantern 4812' };
      await sealInit(src.deps, [holder], TEST_PASSPHRASE_LIMITS);
      const keys = { backupKey: deriveBackupKey(src.masterKey), keysDir: backupKeysDir(src.dataDir) };
      const f = newFile();
      await createBackup(src.deps.storage, keys, f, { now: src.clock.now });
      expect(await restoreBackup(dst.deps.storage, keys, f)).toMatchObject({ ok: true });
      const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dst.dataDir, HAVEN_SEALED: 'true' });
      const vault = await openVault({ db: dst.deps.db, config, now: dst.clock.now, dialect: dst.deps.dialect }, src.masterKey);
      const deps: Deps = { ...dst.deps, config, vault };
      expect(vault.sealed).toBe(true);
      expect(await readable(deps, marked.caseId)).toBe('');
      expect((await unseal(deps, { holder: holder.name, passphrase: holder.passphrase })).ok).toBe(true);
      expect(await readable(deps, marked.caseId)).toContain(MARKER);
    } finally {
      await src.close();
      await dst.close();
    }
  });
});
