import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { totpNow } from '../../platform/auth/totp.js';
import { createSignInGuard } from './throttle.js';
import { addUser, confirmSecondFactor, enrolmentSecret, startEnrollment } from './user.service.js';

// Enrolment crashed at each of its statements: the one-time link is spent only together with
// the password it sets, and the second factor's code only together with the activation, so a
// crash never leaves a person with a dead link and no account, or a used code and a pending
// account. They simply try again.

const guard = createSignInGuard(undefined, async () => undefined);

async function userRow(h: Harness, id: string) {
  return h.deps.db.selectFrom('users').select(['status', 'password_hash', 'totp_last_step']).where('id', '=', id).executeTakeFirstOrThrow();
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in enrolment on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    it('spends an enrolment link only with the password it sets, and activates only with the code it spends', async () => {
      let n = 0;
      let userId = '';
      let link = '';
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          const added = await addUser(h.deps, { email: `enrol.${n}@example.org`, role: 'handler' }, { kind: 'system', via: 'cli' });
          if (!added.ok) throw new Error('could not add');
          userId = added.value.userId;
          link = added.value.enrollUrl.split('/').pop()!;
          return startEnrollment({ ...h.deps, db }, link, { displayName: 'Noor', password: 'a long enough passphrase' });
        },
        async (k) => {
          const row = await userRow(h, userId);
          const linkSpent = (await h.deps.db.selectFrom('enrollments').select('used_at').where('user_id', '=', userId).executeTakeFirstOrThrow()).used_at !== null;
          expect([linkSpent, row.password_hash !== null], `crash at statement ${k}`).toEqual(linkSpent ? [true, true] : [false, false]);
          // The person opens the link again (if it was not spent) and finishes.
          if (!linkSpent) expect((await startEnrollment(h.deps, link, { displayName: 'Noor', password: 'a long enough passphrase' })).ok).toBe(true);
          expect((await userRow(h, userId)).password_hash).not.toBeNull();
        },
      );
      expect(tried).toBeGreaterThanOrEqual(3);

      // The second factor, crashed at each statement: activation and the spent code go together.
      let code = '';
      const triedCode = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          const added = await addUser(h.deps, { email: `code.${n}@example.org`, role: 'handler' }, { kind: 'system', via: 'cli' });
          if (!added.ok) throw new Error('could not add');
          userId = added.value.userId;
          const started = await startEnrollment(h.deps, added.value.enrollUrl.split('/').pop()!, { displayName: 'Noor', password: 'a long enough passphrase' });
          expect(started.ok).toBe(true);
          code = totpNow((await enrolmentSecret(h.deps, userId))!.secret, h.clock.now());
          return confirmSecondFactor({ ...h.deps, db }, guard, userId, code, { activate: true });
        },
        async (k) => {
          const row = await userRow(h, userId);
          const spent = row.totp_last_step !== null;
          expect([spent, row.status], `crash at statement ${k}`).toEqual(spent ? [true, 'active'] : [false, 'pending']);
          // Trying the same code again works exactly when it was not spent.
          const again = await confirmSecondFactor(h.deps, guard, userId, code, { activate: true });
          expect(again.ok, `the same code again after a crash at statement ${k}`).toBe(!spent);
          expect((await userRow(h, userId)).status).toBe('active');
        },
      );
      expect(triedCode).toBeGreaterThanOrEqual(4);
    });
  });
}
