import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import type { Harness } from '../harness.js';
import { countInput, refusedWritesNothing, show, type Surface } from './checks.js';
import { encodeForm, type Encoding, type Form } from './inputs.js';

/** One request a property sends, described well enough to replay it from a counterexample. */
export interface Probe {
  /** The route, for the count of inputs tried ("POST /request"). */
  label: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  payload?: string | Buffer;
  headers: Record<string, string>;
  /** What the payload was before encoding (a form or a JSON value), for the counterexample. */
  sent?: unknown;
}

/** A form as a POST probe: encoded one of the ways a client may, under a claimed content type. */
export function formProbe(
  label: string,
  url: string,
  form: Form,
  how: Encoding,
  contentType: string,
  headers: Record<string, string> = {},
): Probe {
  return {
    label,
    method: 'POST',
    url,
    payload: encodeForm(form, how),
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    sent: { form, how, contentType },
  };
}

function describeProbe(p: Probe): string {
  const headers = Object.fromEntries(Object.entries(p.headers).filter(([k]) => k !== 'cookie' && k !== 'authorization'));
  return `${p.method} ${show(p.url)} ${show(headers)} ${show(p.sent ?? p.payload ?? '')}`;
}

/**
 * Sends a probe through the in-process app and checks the three properties (no 5xx, a clear
 * refusal, nothing written on a refusal); throws with the probe described when one breaks.
 */
export async function send(h: Harness, p: Probe, surface: Surface): Promise<InjectResponse> {
  countInput(p.label);
  return refusedWritesNothing(
    h.deps.storage,
    () =>
      h.app.inject({
        method: p.method,
        url: p.url,
        headers: p.headers,
        ...(p.payload === undefined ? {} : { payload: p.payload }),
      }),
    surface,
    h.deps.i18n,
    () => describeProbe(p),
  );
}
