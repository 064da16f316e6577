import type { Deps } from '../../deps.js';
import { recordAudit } from '../../platform/audit/audit.js';
import {
  DecryptionError,
  holderKeypair,
  newKeypair,
  openHolderWrap,
  PASSPHRASE_LIMITS,
  randomBytes,
  SALT_BYTES,
  sealSecretTo,
  SealedError,
  Vault,
  wrapInfo,
  DEFAULT_KEY_ID,
} from '../../platform/crypto/vault.js';
import { createPace, type Pace } from '../../platform/jobs/pace.js';
import { inTransaction } from '../../platform/storage/db.js';
import { moveSealedMessages } from '../cases/index.js';
import * as repo from './vault.repo.js';
import { attemptFailed, reserveAttempt, resetAttempts, type AttemptPolicy } from '../../platform/throttle/attempts.js';
import { UNSEAL_GUARD_KEY, UNSEAL_POLICY } from './throttle.js';

/** Argon2id limits for a holder's passphrase; MODERATE in production, smaller only in tests. */
export type PassphraseLimits = { opslimit: number; memlimit: number };

export const HOLDER_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;
export const PASSPHRASE_MIN = 12;
export const PASSPHRASE_MAX = 1024;

/** Bad input to a vault command; `messageKey` is an i18n key. */
export class VaultInputError extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
    this.name = 'VaultInputError';
  }
}

function checkHolder(name: string): void {
  if (!HOLDER_NAME.test(name)) throw new VaultInputError('vault.error.holder_name');
}

function checkPassphrase(p: string): void {
  if (p.length < PASSPHRASE_MIN || p.length > PASSPHRASE_MAX) throw new VaultInputError('vault.error.passphrase_length');
}

/** HAVEN_SEALED is true but the instance has no live sealed key (never sealed, or sealed mode was left). */
export class NotInSealedModeError extends Error {
  constructor() {
    super(
      'HAVEN_SEALED is true but this instance is not in sealed mode: run `haven seal-init` first, or start it without HAVEN_SEALED (docs/operations.md, "Sealed mode")',
    );
    this.name = 'NotInSealedModeError';
  }
}

// The stored TOTP context, as accounts seals it (`totp:<userId>`); part of the stored format.
const totpContext = (userId: string) => `totp:${userId}`;

/**
 * Builds the process's vault: in the default mode from the master key alone (keys retired by
 * `haven seal-off` are fine, a live one is not); in sealed mode
 * with the active public key from `vault_keys` and nothing unlocked. In sealed mode it then
 * moves any case key still wrapped under the master key (written before `seal-init`, or by a
 * default-mode process since) to the active public key, which needs no private key.
 */
export async function openVault(
  deps: Pick<Deps, 'db' | 'config' | 'now' | 'dialect'>,
  master: Buffer,
): Promise<Vault> {
  const keys = await repo.liveKeys(deps.db);
  if (!deps.config.sealed) {
    // Starting such an instance in the default mode would wrap new cases to the key file's
    // keypair, readable from the disk again, and could read none of the sealed ones.
    if (keys.length > 0) throw new Error('this instance is in sealed mode (haven seal-init ran): start it with HAVEN_SEALED=true');
    return new Vault(master);
  }
  const active = keys.at(-1);
  // Never sealed, or `haven seal-off` ran (its keys are all retired).
  if (!active) throw new NotInSealedModeError();
  const vault = new Vault(master, { sealed: { active: { id: active.id, publicKey: active.public_key } } });
  // Other processes on this database may rotate: the database, not this process, says which key is active (ADR 21).
  vault.useKeyRecord(repo.keyRecord(deps.dialect));
  await rewrapCaseKeys({ ...deps, vault }, (info) => info.version === 1 || (info.version === 2 && info.keyId === DEFAULT_KEY_ID));
  return vault;
}

/**
 * Re-wraps, in batches, every case key for which `needs` is true to the active public key.
 * Each batch is its own short transaction, so the app keeps serving; a case changed or
 * shredded meanwhile is skipped (compare-and-set). Returns how many were re-wrapped.
 */
export async function rewrapCaseKeys(
  deps: Pick<Deps, 'db' | 'vault'>,
  needs: (info: ReturnType<typeof wrapInfo>) => boolean,
  opts: { batchSize?: number; onBatch?: (done: number) => void; pace?: Pace } = {},
): Promise<number> {
  const size = opts.batchSize ?? 500;
  let after = 0;
  let done = 0;
  for (;;) {
    const page = await repo.caseKeyPage(deps.db, after, size);
    if (page.length === 0) return done;
    after = page.at(-1)!.id;
    const changes: { id: number; before: Buffer; after: Buffer }[] = [];
    for (const row of page) {
      const info = wrapInfo(row.key_wrapped);
      // version 0: shredded (empty) or damaged; nothing to move and nothing to bring back.
      if (info.version === 0 || !needs(info)) continue;
      changes.push({ id: row.id, before: row.key_wrapped, after: deps.vault.rewrapCaseKey(row.key_wrapped) });
    }
    if (changes.length > 0) {
      const apply = async (db: repo.Db) => {
        for (const c of changes) if (await repo.swapCaseKey(db, c.id, c.before, c.after)) done += 1;
      };
      // Inside seal-init's one transaction, batches join it; otherwise each is its own.
      await inTransaction(deps.db, apply);
    }
    opts.onBatch?.(done);
    // Between two batches (never inside seal-init's transaction, which passes no pace).
    await opts.pace?.breathe();
  }
}

/**
 * Runs every module's `resealToActiveKey` (Deps.resealers; contracts/module.ts): what other
 * modules sealed to the content key (handover notes, say) moves under the active key before an
 * older key is retired. Inside `deps.db` when it is a transaction. Returns how many moved.
 */
export async function resealModuleData(deps: Deps): Promise<number> {
  let moved = 0;
  for (const r of deps.resealers ?? []) moved += await r.reseal(deps);
  return moved;
}

/** Re-seals every staff second-factor secret not yet under the active key. Needs the vault unsealed. */
export async function rewrapStaffSecrets(deps: Pick<Deps, 'db' | 'vault'>): Promise<number> {
  let done = 0;
  for (const row of await repo.staffSecrets(deps.db)) {
    const before = row.totp_secret_enc!;
    if (deps.vault.staffKeyId(before) === deps.vault.activeKeyId) continue;
    let after: Buffer;
    try {
      after = deps.vault.sealStaff(totpContext(row.id), deps.vault.openStaff(totpContext(row.id), before));
    } catch (e) {
      if (e instanceof DecryptionError) continue; // damaged: leave it, the person re-enrols
      throw e;
    }
    if (await repo.swapStaffSecret(deps.db, row.id, before, after)) done += 1;
  }
  return done;
}

async function holderRow(
  keyId: number,
  holder: string,
  passphrase: string,
  wrap: (holderPublicKey: Buffer) => Buffer,
  limits: PassphraseLimits,
  at: number,
): Promise<repo.HolderRow> {
  const salt = randomBytes(SALT_BYTES);
  const hk = await holderKeypair(passphrase, salt, limits);
  return {
    key_id: keyId,
    holder,
    salt,
    opslimit: limits.opslimit,
    memlimit: limits.memlimit,
    holder_public_key: hk.publicKey,
    wrapped_sk: wrap(hk.publicKey),
    created_at: at,
  };
}

/**
 * Switches an instance to sealed mode: a fresh random keypair, its private key sealed to each
 * holder's passphrase, every case key and staff secret re-wrapped to it, all in one
 * transaction. Run with Haven stopped; afterwards start it with HAVEN_SEALED=true.
 */
export async function sealInit(
  deps: Deps,
  holders: { name: string; passphrase: string }[],
  limits: PassphraseLimits = PASSPHRASE_LIMITS,
): Promise<{ keyId: number; caseKeys: number; staffSecrets: number }> {
  if (holders.length === 0) throw new VaultInputError('vault.error.no_holder');
  const names = new Set<string>();
  for (const h of holders) {
    checkHolder(h.name);
    checkPassphrase(h.passphrase);
    if (names.has(h.name)) throw new VaultInputError('vault.error.holder_taken');
    names.add(h.name);
  }
  // Keys retired by `haven seal-off` do not count: sealed mode may be entered again.
  if ((await repo.liveKeys(deps.db)).length > 0) throw new VaultInputError('vault.error.already_sealed');
  const now = deps.now();
  const pair = newKeypair();
  const keyId = await repo.nextKeyId(deps.db);
  const rows: repo.HolderRow[] = [];
  for (const h of holders) {
    rows.push(await holderRow(keyId, h.name, h.passphrase, (pk) => sealSecretTo(pair.secretKey, pk), limits, now));
  }
  // From here the process's vault wraps to the new key; the default key still opens old wraps.
  deps.vault.unlock({ id: keyId, publicKey: pair.publicKey, secretKey: pair.secretKey });
  deps.vault.activate({ id: keyId, publicKey: pair.publicKey });
  return deps.db.transaction().execute(async (trx) => {
    await repo.insertKey(trx, keyId, pair.publicKey, now);
    for (const r of rows) await repo.insertHolder(trx, r);
    const tdeps = { db: trx, vault: deps.vault };
    const caseKeys = await rewrapCaseKeys(tdeps, (info) => !(info.version === 2 && info.keyId === keyId));
    const staffSecrets = await rewrapStaffSecrets(tdeps);
    await recordAudit(trx, now, {
      actorKind: 'system',
      actorId: null,
      action: 'vault.sealed_mode_initialised',
      caseId: null,
      detail: { key: keyId, holders: rows.length, caseKeys, staffSecrets },
    });
    return { keyId, caseKeys, staffSecrets };
  });
}

export type UnsealOutcome =
  | { ok: true; already: boolean }
  | { ok: false; code: 'CONFLICT' | 'UNSEAL_FAILED' }
  | { ok: false; code: 'RATE_LIMITED'; retryAt: number };

/**
 * Opens every live private key with one holder's passphrase and puts them in memory. One
 * attempt runs at a time across every process, and a wrong passphrase (or an unknown holder)
 * makes the next wait (see throttle.ts): an attempt refused for that is answered at once with
 * the time to try again, derives nothing and is not audited. Every attempt that runs is
 * audited with the holder name and the outcome, never the passphrase.
 */
export async function unseal(
  deps: Deps,
  input: { holder: string; passphrase: string },
  policy: AttemptPolicy = UNSEAL_POLICY,
): Promise<UnsealOutcome> {
  if (!deps.vault.sealedMode) return { ok: false, code: 'CONFLICT' };
  // A rotation started elsewhere seals this process until its new key is opened here too.
  await deps.vault.refresh(deps.db);
  if (!deps.vault.sealed) return { ok: true, already: true };
  const turn = await reserveAttempt(deps.db, UNSEAL_GUARD_KEY, deps.now(), policy);
  if (!turn.ok) return { ok: false, code: 'RATE_LIMITED', retryAt: turn.retryAt };
  let opened: { id: number; publicKey: Buffer; secretKey: Buffer }[] | null;
  try {
    opened = await openHolderKeys(deps, input);
  } catch (e) {
    await attemptFailed(deps.db, UNSEAL_GUARD_KEY, deps.now(), policy);
    throw e;
  }
  const holder = input.holder.slice(0, 64);
  const now = deps.now();
  if (!opened) {
    await attemptFailed(deps.db, UNSEAL_GUARD_KEY, now, policy);
    await recordAudit(deps.db, now, {
      actorKind: 'system',
      actorId: null,
      action: 'vault.unseal_failed',
      caseId: null,
      detail: { holder, failures: turn.failures },
    });
    return { ok: false, code: 'UNSEAL_FAILED' };
  }
  // Another process's attempt cannot have run meanwhile (the lease), but this process may have
  // been unsealed by a second request of its own racing through a different token.
  if (deps.vault.sealed) for (const k of opened) deps.vault.unlock(k);
  await resetAttempts(deps.db, UNSEAL_GUARD_KEY);
  await recordAudit(deps.db, now, {
    actorKind: 'system',
    actorId: null,
    action: 'vault.unsealed',
    caseId: null,
    detail: { holder, keys: opened.length },
  });
  // Second factors sealed before seal-init (or by a default-mode process) move to the sealed key.
  await rewrapStaffSecrets(deps);
  // Messages requesters wrote while sealed move under their case keys (ADR 10).
  const moved = await moveSealedMessages(deps);
  if (moved > 0) {
    await recordAudit(deps.db, deps.now(), {
      actorKind: 'system',
      actorId: null,
      action: 'vault.sealed_messages_moved',
      caseId: null,
      detail: { messages: moved },
    });
  }
  return { ok: true, already: false };
}

/**
 * The live private keys opened with `input`'s passphrase, or null when the holder is unknown
 * or the passphrase wrong. An unknown holder costs the same argon2id work as a known one with a
 * wrong passphrase. Rows of one holder share salt and limits (rotation copies them), so this
 * derives once per salt: one derivation in practice.
 */
async function openHolderKeys(
  deps: Deps,
  input: { holder: string; passphrase: string },
): Promise<{ id: number; publicKey: Buffer; secretKey: Buffer }[] | null> {
  const holder = input.holder.slice(0, 64);
  const rows = await repo.holderRows(deps.db, holder);
  const opened: { id: number; publicKey: Buffer; secretKey: Buffer }[] = [];
  const live = new Map((await repo.liveKeys(deps.db)).map((k) => [k.id, k.public_key]));
  let good = rows.length > 0 && rows.some((r) => r.key_id === deps.vault.activeKeyId);
  const derived = new Map<string, { publicKey: Buffer; secretKey: Buffer }>();
  for (const r of good ? rows : []) {
    const k = `${r.salt.toString('hex')}:${r.opslimit}:${r.memlimit}`;
    let hk = derived.get(k);
    if (!hk) {
      hk = await holderKeypair(input.passphrase, r.salt, { opslimit: r.opslimit, memlimit: r.memlimit });
      derived.set(k, hk);
    }
    const sk = openHolderWrap(r.wrapped_sk, hk);
    const pk = live.get(r.key_id);
    if (!sk || !pk) {
      good = false;
      break;
    }
    opened.push({ id: r.key_id, publicKey: pk, secretKey: sk });
  }
  if (rows.length === 0) {
    const any = (await repo.holdersOfKey(deps.db, deps.vault.activeKeyId))[0];
    if (any) await holderKeypair(input.passphrase, any.salt, { opslimit: any.opslimit, memlimit: any.memlimit });
  }
  return good ? opened : null;
}

/**
 * Adds a holder: the live private keys (in memory after an unseal) are sealed to a keypair
 * derived from the new passphrase. Needs the vault unsealed.
 */
export async function addHolder(
  deps: Deps,
  input: { name: string; passphrase: string; by: string },
  limits: PassphraseLimits = PASSPHRASE_LIMITS,
): Promise<void> {
  checkHolder(input.name);
  checkPassphrase(input.passphrase);
  if (!deps.vault.sealedMode) throw new VaultInputError('vault.error.not_sealed_mode');
  await deps.vault.refresh(deps.db);
  if (deps.vault.sealed) throw new SealedError();
  if ((await repo.holderNames(deps.db)).some((h) => h.holder === input.name)) {
    throw new VaultInputError('vault.error.holder_taken');
  }
  const now = deps.now();
  const keys = await repo.liveKeys(deps.db);
  const salt = randomBytes(SALT_BYTES);
  const hk = await holderKeypair(input.passphrase, salt, limits);
  await deps.db.transaction().execute(async (trx) => {
    for (const k of keys) {
      await repo.insertHolder(trx, {
        key_id: k.id,
        holder: input.name,
        salt,
        opslimit: limits.opslimit,
        memlimit: limits.memlimit,
        holder_public_key: hk.publicKey,
        wrapped_sk: deps.vault.wrapSecretFor(k.id, hk.publicKey),
        created_at: now,
      });
    }
    await recordAudit(trx, now, {
      actorKind: 'system',
      actorId: null,
      action: 'vault.holder_added',
      caseId: null,
      detail: { holder: input.name, by: input.by },
    });
  });
}

/** Removes a holder's wraps. Refuses to remove the last one: nobody could unseal again. */
export async function removeHolder(deps: Deps, input: { name: string; by: string }): Promise<void> {
  const names = await repo.holderNames(deps.db);
  if (!names.some((h) => h.holder === input.name)) throw new VaultInputError('vault.error.holder_unknown');
  if (names.length <= 1) throw new VaultInputError('vault.error.last_holder');
  await deps.db.transaction().execute(async (trx) => {
    await repo.deleteHolder(trx, input.name);
    await recordAudit(trx, deps.now(), {
      actorKind: 'system',
      actorId: null,
      action: 'vault.holder_removed',
      caseId: null,
      detail: { holder: input.name, by: input.by },
    });
  });
}

/** What leaving sealed mode did, for the command's output. */
export interface SealedModeLeft {
  caseKeys: number;
  staffSecrets: number;
  messages: number;
  retiredKeys: number[];
  holders: number;
}

/**
 * Leaves sealed mode (`haven seal-off`, run with Haven stopped, on a vault just unsealed by
 * holder `by`): in one transaction, messages still sealed to a content key move under their
 * case keys, every case key and staff second factor is re-wrapped to the keypair derived from
 * the master key (key id 0), every live key is retired and every holder row deleted, and the
 * change is audited. A failure anywhere rolls it all back: the instance stays sealed and
 * intact. Shredded cases (empty wraps) stay shredded. Retired key ids are kept, so a later
 * `seal-init` never reuses one. Afterwards the instance starts without HAVEN_SEALED.
 */
export async function leaveSealedMode(deps: Deps, input: { by: string }): Promise<SealedModeLeft> {
  if (!deps.vault.sealedMode) throw new VaultInputError('vault.error.not_sealed_mode');
  if (deps.vault.sealed) throw new SealedError();
  if (rotationProgress(deps.vault).running) throw new VaultInputError('vault.error.rotation_running');
  const previous = deps.vault.activeKeyId;
  const now = deps.now();
  const liveRows = await repo.liveKeys(deps.db);
  const live = liveRows.map((k) => k.id);
  const previousKey = liveRows.find((k) => k.id === previous);
  deps.vault.activateDefault();
  let result: SealedModeLeft;
  try {
    result = await deps.db.transaction().execute(async (trx) => {
      const tdeps = { db: trx, vault: deps.vault };
      // First, while every sealed key is still live: bodies sealed to them move under case keys.
      const messages = await moveSealedMessages(tdeps);
      // Other modules' sealed data (handover notes) too, to the default key now active.
      const moduleData = await resealModuleData({ ...deps, db: trx });
      const caseKeys = await rewrapCaseKeys(tdeps, (info) => !(info.version === 2 && info.keyId === DEFAULT_KEY_ID));
      const staffSecrets = await rewrapStaffSecrets(tdeps);
      const holders = (await repo.holderNames(trx)).length;
      await repo.retireKeys(trx, live, now);
      // retireKeys deleted the live keys' holder rows; any left from older keys go too.
      await repo.deleteAllHolders(trx);
      await recordAudit(trx, now, {
        actorKind: 'system',
        actorId: null,
        action: 'vault.sealed_mode_left',
        caseId: null,
        detail: { by: input.by, caseKeys, staffSecrets, messages, moduleData, retired: live.join(','), holders },
      });
      return { caseKeys, staffSecrets, messages, retiredKeys: live, holders };
    });
  } catch (e) {
    // Nothing was written: this process's vault goes back to the sealed key too.
    if (previousKey) deps.vault.activate({ id: previousKey.id, publicKey: previousKey.public_key });
    throw e;
  }
  for (const id of live) deps.vault.forget(id);
  return result;
}

/** Where a rotation stands, for the status page and tests. */
export interface RotationProgress {
  running: boolean;
  rewrapped: number;
}

const rotations = new WeakMap<Vault, RotationProgress>();

/** The rotation running in this process for this vault, if any. */
export function rotationProgress(vault: Vault): RotationProgress {
  return rotations.get(vault) ?? { running: false, rewrapped: 0 };
}

/**
 * Starts a key rotation without downtime: a new keypair, wrapped to every holder's stored
 * public key (no passphrase needed), becomes active at once, so new cases go to it; then
 * `finishRotation` moves existing case keys and staff secrets in batches while the app keeps
 * serving, and retires the old keys. Needs the vault unsealed.
 */
export async function startRotation(deps: Deps, by: string): Promise<{ keyId: number }> {
  if (!deps.vault.sealedMode) throw new VaultInputError('vault.error.not_sealed_mode');
  await deps.vault.refresh(deps.db);
  if (deps.vault.sealed) throw new SealedError();
  if (rotationProgress(deps.vault).running) throw new VaultInputError('vault.error.rotation_running');
  const now = deps.now();
  const pair = newKeypair();
  let held: number | null = null;
  const keyId = await deps.db.transaction().execute(async (trx) => {
    // A rotation not yet finished, in any process, leaves two live keys: finish it first.
    if ((await repo.liveKeys(trx)).length > 1) throw new VaultInputError('vault.error.rotation_running');
    const id = await repo.nextKeyId(trx);
    const holders = await repo.holdersOfKey(trx, deps.vault.activeKeyId);
    await repo.insertKey(trx, id, pair.publicKey, now);
    for (const h of holders) {
      await repo.insertHolder(trx, { ...h, key_id: id, wrapped_sk: sealSecretTo(pair.secretKey, h.holder_public_key), created_at: now });
    }
    await recordAudit(trx, now, {
      actorKind: 'system',
      actorId: null,
      action: 'vault.rotation_started',
      caseId: null,
      detail: { from: deps.vault.activeKeyId, to: id, by },
    });
    // Held before the row commits: a request of this process that sees the new key meanwhile
    // (Vault.refresh) must find its private half here, not seal the process.
    deps.vault.unlock({ id, publicKey: pair.publicKey, secretKey: pair.secretKey });
    held = id;
    return id;
  }).catch((e: unknown) => {
    if (held !== null) deps.vault.forget(held);
    throw e;
  });
  deps.vault.activate({ id: keyId, publicKey: pair.publicKey });
  return { keyId };
}

/**
 * Moves every case key and staff secret to the active key, then retires the older keys (their
 * holder wraps are deleted and their private keys leave memory). Safe to run again after an
 * interruption: an unseal resumes it when more than one key is still live.
 */
export async function finishRotation(deps: Deps, opts: { batchSize?: number } = {}): Promise<{ rewrapped: number }> {
  // Moves wraps to the newest key only: a process that has not opened it is sealed here.
  await deps.vault.refresh(deps.db);
  if (deps.vault.sealed) throw new SealedError();
  const progress: RotationProgress = { running: true, rewrapped: 0 };
  rotations.set(deps.vault, progress);
  try {
    const active = deps.vault.activeKeyId;
    // A wrap made under an older key by a transaction that began before the new key became
    // active (in any process) commits first, so the walk below finds it (ADR 21).
    const older = (await repo.liveKeys(deps.db)).map((k) => k.id).filter((id) => id < active);
    await repo.waitForWriters(deps.db, deps.dialect, older);
    const rewrapped = await rewrapCaseKeys(deps, (info) => !(info.version === 2 && info.keyId === active), {
      batchSize: opts.batchSize ?? 200,
      onBatch: (n) => {
        progress.rewrapped = n;
      },
      // The server keeps answering while a million keys move (platform/jobs/pace.ts).
      pace: createPace(),
    });
    await rewrapStaffSecrets(deps);
    // No message body, nor anything another module sealed, may stay sealed to a key about to be retired.
    await moveSealedMessages(deps);
    const moduleData = await resealModuleData(deps);
    const old = (await repo.liveKeys(deps.db)).map((k) => k.id).filter((id) => id < active);
    await deps.db.transaction().execute(async (trx) => {
      await repo.retireKeys(trx, old, deps.now());
      await recordAudit(trx, deps.now(), {
        actorKind: 'system',
        actorId: null,
        action: 'vault.rotation_finished',
        caseId: null,
        detail: { active, retired: old.join(','), rewrapped, moduleData },
      });
    });
    for (const id of old) deps.vault.forget(id);
    return { rewrapped };
  } finally {
    progress.running = false;
  }
}

/** What the vault page shows: mode, active key, holders, a rotation in progress. */
export async function vaultStatus(deps: Deps) {
  await deps.vault.refresh(deps.db);
  return {
    sealedMode: deps.vault.sealedMode,
    sealed: deps.vault.sealed,
    activeKeyId: deps.vault.activeKeyId,
    liveKeys: (await repo.liveKeys(deps.db)).length,
    holders: deps.vault.sealedMode ? await repo.holderNames(deps.db) : [],
    rotation: rotationProgress(deps.vault),
  };
}

/** After an unseal: a rotation interrupted by a restart is finished in the background. */
export async function needsRotationFinish(deps: Deps): Promise<boolean> {
  return !deps.vault.sealed && (await repo.liveKeys(deps.db)).length > 1 && !rotationProgress(deps.vault).running;
}
