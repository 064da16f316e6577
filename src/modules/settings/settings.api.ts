import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import type { OpenApiFragment } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { textBody } from '../../platform/http/body-limit.js';
import { apiErrorResponse as error, json, schemaOf, standardErrors } from '../../platform/http/openapi.js';
import { sendApiError } from '../../platform/http/surfaces.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { pgpFingerprint } from './pgp.js';
import { logoUrl, TEXT_LOCALES, type OrganisationIdentity } from './settings.js';
import { SETTINGS_FIELD_MAX, SettingsApiInput, SettingsView } from './settings.schema.js';
import { currentIdentity, saveSettings } from './settings.service.js';

// The organisation's settings under /api/v1: the same schema, policy and service as the
// settings page, answered in JSON. The logo is set on the page only (a file upload).

const settingsBody = textBody(SETTINGS_FIELD_MAX);

/** The settings as the API shows them. */
export function toSettingsView(identity: OrganisationIdentity): SettingsView {
  return {
    name: identity.name,
    default_locale: identity.defaultLocale as SettingsView['default_locale'],
    pgp_key: identity.pgpKey,
    pgp_fingerprint: identity.pgpKey ? pgpFingerprint(identity.pgpKey) : null,
    onion_address: identity.onionAddress,
    signal_number: identity.signalNumber,
    texts: Object.fromEntries(
      TEXT_LOCALES.map((l) => {
        const t = identity.texts[l];
        return [l, { description: t?.description ?? null, landing: t?.landing ?? null, emergency: t?.emergency ?? null }];
      }),
    ) as SettingsView['texts'],
    logo: identity.logo ? { url: logoUrl(identity.logo), type: identity.logo.type, bytes: identity.logo.data.length } : null,
    revision: identity.revision,
    updated_at: identity.updatedAt === null ? null : new Date(identity.updatedAt).toISOString(),
  };
}

/** A zod failure as the API's error: the first field's message, in English; an unknown property named as the field. */
function invalid(req: FastifyRequest, reply: FastifyReply, failure: ZodError): FastifyReply {
  const unknownKey = failure.issues.find((i) => i.code === 'unrecognized_keys')?.keys[0];
  const [field, key] = unknownKey
    ? [unknownKey, 'common.form.invalid']
    : (Object.entries(fieldErrors(failure))[0] ?? ['_body', 'common.error.validation']);
  return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t(key), field } });
}

/** Registers GET and PUT /settings. */
export function registerSettingsApi(app: FastifyInstance, deps: Deps): void {
  app.get('/settings', { config: { action: 'settings.view' } }, async (_req, reply) =>
    reply.send(toSettingsView(await currentIdentity(deps))),
  );

  app.put('/settings', { ...settingsBody, config: { ...settingsBody.config, action: 'settings.edit' } }, async (req, reply) => {
    const parsed = SettingsApiInput.safeParse(req.body);
    if (!parsed.success) return invalid(req, reply, parsed.error);
    const saved = await saveSettings(deps, req.principal!, parsed.data);
    if (!saved.ok) return sendApiError(req, reply, saved.code);
    return reply.send(toSettingsView(await currentIdentity(deps)));
  });
}

/** The settings API's part of the OpenAPI document, from the same schemas. */
export const settingsOpenApi: OpenApiFragment = {
  tags: [{ name: 'settings', description: 'The organisation’s identity, shown on the public pages' }],
  paths: {
    '/settings': {
      get: {
        operationId: 'getSettings',
        tags: ['settings'],
        summary: 'The organisation’s identity: name, texts per language, other ways to reach it, logo',
        responses: { '200': { description: 'The settings', ...json('SettingsView') }, ...standardErrors },
      },
      put: {
        operationId: 'putSettings',
        tags: ['settings'],
        summary: 'Replaces the settings (every field given, blank for none), at the revision last read; audited',
        requestBody: { required: true, ...json('SettingsInput') },
        responses: {
          '200': { description: 'The settings as saved', ...json('SettingsView') },
          ...standardErrors,
          '400': error('The body cannot be read'),
          '409': error('The settings were saved since `revision` was read (SETTINGS_CHANGED); nothing was saved'),
          '413': error('The body is larger than the longest texts in any script and encoding'),
          '415': error('The body is not `application/json`'),
          '422': error('A field is refused (named in `field`); nothing was saved'),
        },
      },
    },
  },
  schemas: {
    SettingsView: schemaOf(SettingsView, 'output'),
    SettingsInput: schemaOf(SettingsApiInput, 'input'),
  },
};
