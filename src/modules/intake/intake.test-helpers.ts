import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';

// Helpers shared by intake's HTTP tests: post a form as a browser would, read tokens and
// receipts out of pages, and stand in for a handler's reply. They take the harness by its
// shape rather than importing test/, so a production build never pulls test code in.

interface Harness {
  app: FastifyInstance;
  deps: Deps;
  clock: { now(): number; advance(ms: number): void };
}

/**
 * How long a person takes over the form in these tests. Sending it sooner than the minimum
 * fill time would save the request as suspected spam, which only the abuse tests want.
 */
export const FILL_TIME_MS = 30_000;

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The hidden form token or CSRF token on a page. */
export function tokenIn(html: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

/** The receipt code shown on a receipt page. */
export function receiptIn(html: string): string {
  // The code's groups are in spans, with a break opportunity between them (views/receipt.tsx).
  const m = /id="receipt"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  const code = m ? m[1]!.replace(/<[^>]*>/g, '').trim() : '';
  if (!code || !/^[0-9A-Z-]+$/.test(code)) throw new Error('no receipt on the page');
  return code;
}

/** POSTs url-encoded fields (repeat a name by giving an array). */
export async function postForm(
  h: Harness,
  url: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return h.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { ...FORM, ...headers },
  });
}

/** The answers of a complete, valid request form (without its token). */
export const REQUEST_ANSWERS: Readonly<Record<string, string>> = {
  description: 'Our office laptop was seized at the border yesterday.',
  urgency: 'reactive',
  country: 'KE',
  language: 'en',
  contact_method: 'email',
  contact: 'safe@example.org',
  beneficiary: 'journalist',
  consent: 'yes',
};

/** A complete, valid request form, with a fresh form token from the form page, filled in at a person's pace. */
export async function validRequest(
  h: Harness,
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  const page = await h.app.inject({ url: '/request' });
  h.clock.advance(FILL_TIME_MS);
  return {
    _csrf: tokenIn(page.body),
    ...REQUEST_ANSWERS,
    ...overrides,
  };
}

/** Sends a valid request and returns its receipt. */
export async function submit(h: Harness, overrides: Record<string, string> = {}): Promise<string> {
  const res = await postForm(h, '/request', await validRequest(h, overrides));
  if (res.statusCode !== 201) throw new Error(`request not accepted: ${res.statusCode}`);
  return receiptIn(res.body);
}

/** Opens a follow-up session and returns its cookie header value and the conversation page. */
export async function signInWithReceipt(
  h: Harness,
  receipt: string,
): Promise<{ cookie: string; html: string; csrf: string }> {
  const page = await h.app.inject({ url: '/followup' });
  const res = await postForm(h, '/followup', { _csrf: tokenIn(page.body), receipt });
  if (res.statusCode !== 303) throw new Error(`receipt refused: ${res.statusCode}`);
  const c = res.cookies.find((x) => x.name === 'haven_followup')!;
  const cookie = `haven_followup=${c.value}`;
  const conv = await h.app.inject({ url: '/followup/conversation', headers: { cookie } });
  return { cookie, html: conv.body, csrf: tokenIn(conv.body) };
}

/**
 * A person's whole trail through the public pages, each part carrying a marker: a request
 * with a description and an email contact, then a follow-up message. Returns the two answers'
 * statuses and the receipt; the at-rest tests then look for the markers where they must not be.
 */
export async function writeMarkedRequest(
  h: Harness,
  markers: { description: string; contact: string; message: string },
): Promise<{ created: number; sent: number; receipt: string }> {
  const res = await postForm(
    h,
    '/request',
    await validRequest(h, {
      description: `Help: ${markers.description}`,
      contact_method: 'email',
      contact: markers.contact,
    }),
  );
  if (res.statusCode !== 201) return { created: res.statusCode, sent: 0, receipt: '' };
  const receipt = receiptIn(res.body);
  const { cookie, csrf } = await signInWithReceipt(h, receipt);
  const sent = await postForm(h, '/followup/conversation', { _csrf: csrf, body: markers.message }, { cookie });
  return { created: res.statusCode, sent: sent.statusCode, receipt };
}

/**
 * Writes a handler's reply or internal note straight into a case, sealed the way the cases
 * module seals messages, so these tests need no staff account.
 */
export async function addStaffMessage(
  h: Harness,
  caseId: number,
  kind: 'reply' | 'note',
  body: string,
): Promise<void> {
  const row = await h.deps.db
    .selectFrom('cases')
    .select('key_wrapped')
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  const key = h.deps.vault.caseKey(caseId, row.key_wrapped);
  const id = crypto.randomUUID();
  await h.deps.db
    .insertInto('messages')
    .values({
      id,
      case_id: caseId,
      kind,
      author_id: null,
      body_enc: key.seal(`message:${id}`, body),
      created_at: h.clock.now() + 60_000,
    })
    .execute();
}

/** How many cases exist. */
export async function caseCount(h: Harness): Promise<number> {
  const r = await h.deps.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
