import type { FastifyReply, FastifyRequest } from 'fastify';

// Post → redirect → flash, one way for every module. A module declares its messages once;
// a POST that worked answers 303 to a page with `done=<key>` in its query string (and any
// numbers the message needs, such as a count); the page reads the key back and shows the
// message. Only a declared key ever maps to a message, and a number is read back only when it
// is a plain count: nothing of the address is ever shown as text.

/** A flash message: its i18n key, and the numeric parameters it is formatted with, if any. */
export type FlashDefinition = string | { key: string; params: readonly string[] };

/** The largest number a flash carries (a count of cases marked at once is far below it). */
const MAX_PARAM = 1_000_000_000;

export interface Flashes<K extends string> {
  /** The address of `path` with the flash `key` (and its numbers) added to its query string. */
  href(path: string, key: K, params?: Readonly<Record<string, number>>): string;
  /** Answers 303 to `path` with the flash `key`. */
  redirect(reply: FastifyReply, path: string, key: K, params?: Readonly<Record<string, number>>): FastifyReply;
  /** The message the request's `done=` names, in the reader's language, or undefined. */
  read(req: FastifyRequest): string | undefined;
}

/**
 * Declares a module's flash messages: `defineFlashes({ saved: 'retention.done.saved' })`, or,
 * for one with a count, `{ marked: { key: 'cases.flash.marked_spam', params: ['count'] } }`.
 */
export function defineFlashes<K extends string>(definitions: Readonly<Record<K, FlashDefinition>>): Flashes<K> {
  const known = new Map<string, { key: string; params: readonly string[] }>();
  for (const [name, def] of Object.entries(definitions) as [K, FlashDefinition][]) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`the flash "${name}" must be lower-case letters, digits and _`);
    known.set(name, typeof def === 'string' ? { key: def, params: [] } : def);
  }

  function href(path: string, key: K, params: Readonly<Record<string, number>> = {}): string {
    const def = known.get(key);
    if (!def) throw new Error(`the flash "${key}" is not declared`);
    const hash = path.indexOf('#');
    const base = hash === -1 ? path : path.slice(0, hash);
    const fragment = hash === -1 ? '' : path.slice(hash);
    const query = new URLSearchParams({ done: key });
    for (const name of def.params) {
      const value = params[name];
      if (value === undefined || !Number.isSafeInteger(value) || value < 0 || value > MAX_PARAM)
        throw new Error(`the flash "${key}" needs a count for "${name}"`);
      query.set(name, String(value));
    }
    const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
    return `${base}${separator}${query.toString()}${fragment}`;
  }

  return {
    href,
    redirect(reply, path, key, params) {
      return reply.redirect(href(path, key, params), 303);
    },
    read(req) {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const done = query.done;
      const def = typeof done === 'string' ? known.get(done) : undefined;
      if (!def) return undefined;
      const values: Record<string, number> = {};
      for (const name of def.params) {
        const raw = query[name];
        // A plain count only, as a redirect writes it; anything else and the message is not shown.
        if (typeof raw !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(raw) || Number(raw) > MAX_PARAM) return undefined;
        values[name] = Number(raw);
      }
      return req.t(def.key, def.params.length > 0 ? values : undefined);
    },
  };
}
