import type { FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../platform/views/form.js';

// Small helpers the accounts routes share.

/** Messages after a redirect (`?done=…`): only known flags map to a message, never user text. */
const FLASH: Record<string, string> = {
  signed_out: 'accounts.done.signed_out',
  signed_out_everywhere: 'accounts.done.signed_out_everywhere',
  signed_out_everywhere_tokens: 'accounts.done.signed_out_everywhere_tokens',
  enrolled: 'accounts.done.enrolled',
  language: 'accounts.done.language',
  token_revoked: 'accounts.done.token_revoked',
  user_disabled: 'accounts.done.user_disabled',
};

export function flashFor(req: FastifyRequest): string | undefined {
  const done = (req.query as Record<string, unknown> | undefined)?.done;
  const key = typeof done === 'string' ? FLASH[done] : undefined;
  return key ? req.t(key) : undefined;
}

/** A string field from a form body, cut to a sane length for re-display. */
export function field(body: Record<string, unknown>, name: string, max = 254): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

export function oneError(name: string, key: string): FieldErrors {
  return { [name]: key };
}
