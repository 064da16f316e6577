import type { Engine } from '../../../test/engines.js';
import { createHarness, restartHarness, type Harness } from '../../../test/harness.js';
import { form, hiddenField } from '../../../test/staff-session.js';
import type { NewRequestInput } from '../cases/index.js';
import { TEST_PASSPHRASE_LIMITS } from '../../platform/crypto/vault.js';
import { unsealPolicy } from './throttle.js';
import { sealInit } from './vault.service.js';

// What the sealed-mode tests share: two holders, the setting that starts an instance sealed,
// an unseal policy without waits, a sealed instance, and an unseal through the staff form.

export const ANA = { name: 'ana', passphrase: 'river stone lantern 4812' };
export const BO = { name: 'bo', passphrase: 'quiet orchard copper 7731' };
export const SEALED = { HAVEN_SEALED: 'true' };

/** A request as submitRequest takes it: reactive, no country, English, no contact. */
export function plainRequest(description: string): NewRequestInput {
  return {
    description,
    urgency: 'reactive',
    country: null,
    language: 'en',
    contactMethod: 'none',
    contact: null,
    beneficiary: null,
  };
}

/** An unseal policy whose waits are zero: for tests that unseal again and again without a clock. */
export const NO_WAIT = unsealPolicy({ baseMs: 0, maxMs: 0 });

/** A default instance switched to sealed mode with `holders`, then restarted (so sealed). */
export async function sealedHarness(engine: Engine, holders = [ANA, BO]): Promise<Harness> {
  const h = await createHarness(engine);
  await sealInit(h.deps, holders, TEST_PASSPHRASE_LIMITS);
  return restartHarness(h, SEALED);
}

/** Unseals through /staff/unseal, as a holder in a browser would. */
export async function unsealByForm(h: Harness, who: { name: string; passphrase: string }) {
  const page = await h.app.inject({ url: '/staff/unseal' });
  return h.app.inject({
    method: 'POST',
    url: '/staff/unseal',
    ...form({
      _form: hiddenField(page.body, '_form'),
      holder: who.name,
      passphrase: who.passphrase,
    }),
  });
}
