import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { readForm } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import { LOGO_TYPES, LOGO_UPLOAD_MAX_BYTES, type LogoRefusal } from './logo.js';
import { fingerprintOf, logoUrl, pgpKeyHash } from './settings.js';
import { SETTINGS_FIELD_MAX, SETTINGS_FIELDS, SettingsInput } from './settings.schema.js';
import { cachedIdentity, currentIdentity, removeLogo, saveSettings, setLogo } from './settings.service.js';
import { settingsPolicy } from './settings.policy.js';
import { SettingsPage, settingsValues } from './views/settings.js';

/** Each refusal of a logo, as the upload form's message. */
const LOGO_MESSAGES: Record<LogoRefusal, string> = {
  unreadable: 'settings.error.logo_unreadable',
  crc: 'settings.error.logo_crc',
  doctype: 'settings.error.logo_doctype',
  too_large: 'settings.error.logo_too_large',
  dimensions: 'settings.error.logo_dimensions',
  empty: 'settings.error.logo_empty',
};

const flashes = defineFlashes({
  saved: 'settings.done.saved',
  logo_saved: 'settings.done.logo_saved',
  logo_removed: 'settings.done.logo_removed',
});

/** Every text of the form fits its body limit whole, so a refused form shows each answer again in full. */
const settingsBody = textBody(SETTINGS_FIELD_MAX);
const SHOWN = Math.max(...Object.values(SETTINGS_FIELD_MAX));

/**
 * The logo is served from the database's bytes, sanitised when stored (logo.ts), with a
 * policy that lets nothing in it run or load (opened on its own, an SVG is a document):
 * `sandbox`, and no source of anything allowed.
 */
const LOGO_CSP = "default-src 'none'; sandbox";
const FOREVER = 'public, max-age=31536000, immutable';

/** /staff/settings: the organisation's identity, read by coordinators, changed by administrators. */
export function registerSettingsRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form?: { values: Record<string, string>; errors: FieldErrors; conflict?: boolean; revision?: number },
    logoError?: string,
  ) {
    const identity = await currentIdentity(deps);
    const values = form ? { ...form.values, revision: String(form.revision ?? identity.revision) } : settingsValues(identity);
    return sendPage(
      reply,
      status,
      <SettingsPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        canEdit={settingsPolicy.can(req.principal, 'settings.edit')}
        values={values}
        errors={form?.errors ?? {}}
        conflict={form?.conflict ?? false}
        logoUrl={identity.logo ? logoUrl(identity.logo) : null}
        logoError={logoError}
        pgpFingerprint={fingerprintOf(identity.pgpKey)}
      />,
    );
  }

  app.get('/settings', { config: { action: 'settings.view' } }, async (req, reply) => page(req, reply, 200));

  app.post('/settings', { ...settingsBody, config: { ...settingsBody.config, action: 'settings.edit' } }, async (req, reply) => {
    const form = readForm(req, SettingsInput, { fields: SETTINGS_FIELDS, shown: SHOWN });
    if (!form.ok) {
      // Shown again at the revision it was shown at, so a newer save meanwhile is still caught;
      // a revision that does not read is replaced by the current one.
      const sent = Number(form.values.revision);
      const revision = /^\d{1,10}$/.test(form.values.revision ?? '') && Number.isSafeInteger(sent) ? sent : undefined;
      return page(req, reply, 422, { values: form.values, errors: form.errors, ...(revision === undefined ? {} : { revision }) });
    }
    const saved = await saveSettings(deps, req.principal!, form.data);
    if (!saved.ok) {
      // Saved by someone else meanwhile: what was typed is shown again, at the new revision, to
      // be checked against the page and sent again (or left).
      return page(req, reply, 409, { values: form.values, errors: {}, conflict: true });
    }
    return flashes.redirect(reply, '/staff/settings', 'saved');
  });

  app.post(
    '/settings/logo',
    { config: { action: 'settings.edit', multipart: { maxFileBytes: LOGO_UPLOAD_MAX_BYTES, maxFiles: 1, types: LOGO_TYPES } } },
    async (req, reply) => {
      const file = (req.uploads ?? []).find((f) => f.field === 'logo');
      if (!file) return page(req, reply, 422, undefined, 'settings.error.logo_missing');
      const result = await setLogo(deps, req.principal!, file);
      if (!result.ok) return page(req, reply, 422, undefined, LOGO_MESSAGES[result.reason]);
      return flashes.redirect(reply, '/staff/settings#logo', 'logo_saved');
    },
  );

  app.post('/settings/logo/remove', { config: { action: 'settings.edit' } }, async (req, reply) => {
    await removeLogo(deps, req.principal!);
    return flashes.redirect(reply, '/staff/settings#logo', 'logo_removed');
  });
}

/**
 * The public addresses of the organisation's logo and PGP key, each with a hash of its content
 * in it: cacheable for good, and an address of an older logo or key is not found.
 */
export function registerOrganisationFiles(app: FastifyInstance, deps: Deps): void {
  const notFound = (_req: FastifyRequest, reply: FastifyReply) => reply.callNotFound();
  app.get('/organisation/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const identity = await cachedIdentity(deps);
    const logo = /^logo\.([0-9a-f]{16})\.(png|svg)$/.exec(file);
    if (logo) {
      if (!identity.logo || identity.logo.hash !== logo[1] || logoUrl(identity.logo) !== `/organisation/${file}`) return notFound(req, reply);
      return reply
        .header('content-security-policy', LOGO_CSP)
        .header('cache-control', FOREVER)
        .type(identity.logo.type)
        .send(identity.logo.data);
    }
    const key = /^pgp-key\.([0-9a-f]{16})\.asc$/.exec(file);
    if (key) {
      if (!identity.pgpKey || pgpKeyHash(identity.pgpKey) !== key[1]) return notFound(req, reply);
      return reply
        .header('content-security-policy', LOGO_CSP)
        .header('cache-control', FOREVER)
        .header('content-disposition', 'inline; filename="pgp-key.asc"')
        .type('text/plain; charset=utf-8')
        .send(`${identity.pgpKey}\n`);
    }
    return notFound(req, reply);
  });
}
