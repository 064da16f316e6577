import { afterEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Harness } from '../../../test/harness.js';
import { SealedError } from '../../platform/crypto/vault.js';
import { unseal } from '../vault/vault.service.js';
import { ANA, NO_WAIT, plainRequest, sealedHarness } from '../vault/vault.test-helpers.js';
import { addRequesterMessage, submitRequests } from './index.js';
import { openAttachment, stageAttachment } from './attachment.service.js';
import { pdfOf, sha256 } from './attachment.test-helpers.js';

// Files sent to a sealed instance (ADR 10, ADR 26): a new request's files are wrapped under its
// new case key as always; a follow-up's cannot be (the case key cannot be unwrapped), so their
// keys are sealed to the content key, nothing opens until an unseal, and the unseal moves them
// under the case key with the messages.

async function stage(h: Harness, name: string, data: Buffer) {
  async function* bytes() {
    yield data;
  }
  return stageAttachment(h.deps, { field: 'files', filename: name, type: 'application/pdf' }, bytes());
}

async function read(h: Harness, caseId: number, id: string): Promise<Buffer> {
  const file = (await openAttachment(h.deps, { requester: true }, caseId, id))!;
  const chunks: Buffer[] = [];
  for await (const c of file.bytes) chunks.push(c);
  return Buffer.concat(chunks);
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`files sent to a sealed instance on ${engine.name}`, () => {
    let h: Harness;
    afterEach(async () => h?.close());

    it('keeps a follow-up’s files sealed to the content key until the unseal moves them under the case key', async () => {
      h = await sealedHarness(engine, [ANA]);
      const first = pdfOf(90_000, 1);
      const later = pdfOf(20_000, 2);
      const withRequest = await stage(h, 'first.pdf', first);
      const [saved] = await submitRequests(h.deps, [{ input: plainRequest('Sent while sealed.'), attachments: [withRequest] }]);
      const caseId = saved!.caseId;
      const withMessage = await stage(h, 'later.pdf', later);
      expect(await addRequesterMessage(h.deps, caseId, 'One more file.', { attachments: [withMessage] })).toBe('added');

      const rows = async () =>
        h.deps.db.selectFrom('attachments').select(['id', 'sealed_to_key']).where('case_id', '=', caseId).execute();
      const before = new Map((await rows()).map((r) => [r.id, r.sealed_to_key]));
      expect(before.get(withRequest.id)).toBeNull();
      expect(before.get(withMessage.id)).toBe(h.deps.vault.activeKeyId);
      // Nothing opens while sealed.
      await expect(openAttachment(h.deps, { requester: true }, caseId, withMessage.id)).rejects.toThrow(SealedError);

      expect((await unseal(h.deps, { holder: ANA.name, passphrase: ANA.passphrase }, NO_WAIT)).ok).toBe(true);
      expect((await rows()).every((r) => r.sealed_to_key === null)).toBe(true);
      expect(sha256(await read(h, caseId, withRequest.id))).toBe(sha256(first));
      expect((await read(h, caseId, withMessage.id)).equals(later)).toBe(true);
    });
  });
}
