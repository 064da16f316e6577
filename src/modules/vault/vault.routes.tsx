import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import { textBody } from '../../platform/http/body-limit.js';
import { oneTimeToken, spendToken } from '../../platform/http/spent-tokens.js';
import { formBody, readForm } from '../../platform/http/form.js';
import { safeString } from '../../platform/http/validation.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffHome } from '../../platform/views/staff-layout.js';
import { finishRotation, needsRotationFinish, startRotation, unseal, vaultStatus } from './vault.service.js';
import { UnsealPage, VaultPage } from './views/unseal.js';

const UNSEAL_FORM = 'staff-unseal';

const UnsealInput = z.object({
  holder: safeString().trim().min(1, 'vault.error.holder_required').max(64, 'vault.error.holder_name'),
  passphrase: safeString().min(1, 'vault.error.passphrase_required').max(1024, 'vault.error.passphrase_length'),
});

/**
 * Finishes an interrupted or just-started rotation in the background: the request that
 * started it returns at once, and the app keeps serving while batches are re-wrapped.
 */
function finishInBackground(app: FastifyInstance, deps: Deps): void {
  void finishRotation(deps).catch((e: unknown) => {
    app.log.error({ err: e }, 'key rotation stopped; it resumes after the next unseal');
  });
}

/** /staff/unseal (works while sealed) and /staff/vault (administrators). */
export function registerVaultRoutes(
  app: FastifyInstance,
  deps: Deps,
  opts: { cssUrl: string; errorPage: ErrorPage },
): void {
  const { cssUrl, errorPage } = opts;
  const formToken = () => issueFormToken(deps.vault.formKey, UNSEAL_FORM, deps.now());

  app.get('/unseal', { config: { auth: 'public', whileSealed: true, action: 'none' } }, async (req, reply) => {
    // Nothing to unseal: on to the person's start page (the queue is not every role's).
    if (!deps.vault.sealed) return reply.redirect(staffHome(req), 303);
    return sendPage(reply, 503, <UnsealPage ctx={staffContext(req, cssUrl)} formToken={formToken()} />);
  });

  // Sized from its fields, so a 1,024-character passphrase in any script fits whatever BODY_LIMIT_BYTES is.
  const unsealBody = textBody({ holder: 64, passphrase: 1024 });
  app.post('/unseal', { bodyLimit: unsealBody.bodyLimit, config: { ...unsealBody.config, auth: 'public', csrf: 'none', whileSealed: true, action: 'none' } }, async (req, reply) => {
    const body = formBody(req.body);
    const check = checkFormToken(deps.vault.formKey, UNSEAL_FORM, body._form, deps.now());
    if (!check.ok) return errorPage(req, reply, 'CSRF_INVALID');
    // The schema's messages are the ones shown; the holder's name comes back cut to its maximum.
    const parsed = readForm(req, UnsealInput, { fields: ['holder', 'passphrase'], shown: 64 });
    const page = (status: number, errors: Record<string, string>, wait?: number) =>
      sendPage(
        reply,
        status,
        <UnsealPage ctx={staffContext(req, cssUrl)} formToken={formToken()} holder={parsed.values.holder} errors={errors} waitSeconds={wait} />,
      );
    if (!parsed.ok) return page(422, parsed.errors);
    // Each form is good for one attempt: a replayed token costs nothing (no derivation, no audit).
    if (!(await spendToken(deps.db, oneTimeToken(deps.vault, 'unseal-form-token', String(body._form), check.issuedAt)))) {
      return errorPage(req, reply, 'CSRF_INVALID');
    }
    const res = await unseal(deps, { holder: parsed.data.holder, passphrase: parsed.data.passphrase });
    if (!res.ok) {
      // Another holder opened Haven meanwhile: on to the person's start page, as the form does.
      if (res.code === 'CONFLICT') return reply.redirect(staffHome(req), 303);
      if (res.code === 'RATE_LIMITED') {
        const wait = Math.max(1, Math.ceil((res.retryAt - deps.now()) / 1000));
        reply.header('retry-after', String(wait));
        return page(429, { passphrase: 'vault.error.unseal_wait' }, wait);
      }
      return page(401, { passphrase: 'vault.error.unseal_failed' });
    }
    if (await needsRotationFinish(deps)) finishInBackground(app, deps);
    return reply.redirect('/staff/sign-in', 303);
  });

  app.get('/vault', { config: { action: 'vault.view' } }, async (req, reply) => {
    return sendPage(reply, 200, <VaultPage ctx={staffContext(req, cssUrl)} status={await vaultStatus(deps)} />);
  });

  app.post('/vault/rotate', { config: { action: 'vault.rotate' } }, async (req, reply) => {
    const status = await vaultStatus(deps);
    if (!status.sealedMode || status.rotation.running || status.liveKeys > 1) return errorPage(req, reply, 'CONFLICT');
    await startRotation(deps, req.principal!.userId);
    finishInBackground(app, deps);
    return reply.redirect('/staff/vault', 303);
  });
}
