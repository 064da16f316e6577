import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../src/platform/auth/roles.js';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { STAFF_COOKIE } from '../src/platform/auth/session.js';
import { totpNow } from '../src/platform/auth/totp.js';
import type { Harness } from './harness.js';

/**
 * Staff sign-in for HTTP tests: creates an active account with a known password and TOTP
 * secret, then signs in through the real pages (password → code → full session).
 */

export interface StaffSignIn {
  /** Ready for `headers: { cookie }`. */
  cookie: string;
  /** The session's synchronizer token, for the `_csrf` field of POSTs. */
  csrf: string;
  userId: string;
  email: string;
  password: string;
  totpSecret: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

let counter = 0;

/** A form-encoded body and its content type, for `app.inject`. */
export function form(fields: Record<string, string>): {
  payload: string;
  headers: Record<string, string>;
} {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** POSTs a form (optionally with a session cookie) through the in-process app. */
export function postForm(
  h: Harness,
  url: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<InjectResponse> {
  const f = form(fields);
  return h.app.inject({
    method: 'POST',
    url,
    payload: f.payload,
    headers: cookie ? { ...f.headers, cookie } : f.headers,
  });
}

/** The value of the staff session cookie a response sets, or undefined. */
export function sessionCookieOf(res: InjectResponse): string | undefined {
  const c = res.cookies.find((k) => k.name === STAFF_COOKIE);
  return c && c.value ? `${STAFF_COOKIE}=${c.value}` : undefined;
}

/** The value of a hidden field (`_csrf`, `_form`) in a page. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]+)"`).exec(html);
  if (!m) throw new Error(`no ${name} field in the page`);
  return m[1]!;
}

/** Performs the whole sign-in through HTTP for an existing account; returns cookie and CSRF token. */
export async function signInWith(
  h: Harness,
  creds: { email: string; password: string; totpSecret: string },
): Promise<{ cookie: string; csrf: string }> {
  const page = await h.app.inject({ method: 'GET', url: '/staff/sign-in' });
  const first = await h.app.inject({
    method: 'POST',
    url: '/staff/sign-in',
    ...form({
      _form: hiddenField(page.body, '_form'),
      email: creds.email,
      password: creds.password,
    }),
  });
  expect(first.statusCode, first.body).toBe(303);
  const partial = sessionCookieOf(first)!;
  const codePage = await h.app.inject({
    method: 'GET',
    url: '/staff/sign-in/second-factor',
    headers: { cookie: partial },
  });
  const second = await postForm(
    h,
    '/staff/sign-in/second-factor',
    { _csrf: hiddenField(codePage.body, '_csrf'), code: totpNow(creds.totpSecret, h.clock.now()) },
    partial,
  );
  expect(second.statusCode, second.body).toBe(303);
  const cookie = sessionCookieOf(second)!;
  const account = await h.app.inject({ method: 'GET', url: '/staff/account', headers: { cookie } });
  expect(account.statusCode, account.body).toBe(200);
  return { cookie, csrf: hiddenField(account.body, '_csrf') };
}

/**
 * Creates an active staff member with `role` through the accounts module and signs them in
 * through the real HTTP pages. Each call makes a new person (a new address).
 */
export async function signInAs(
  h: Harness,
  role: Role,
  opts: { email?: string; displayName?: string } = {},
): Promise<StaffSignIn> {
  counter += 1;
  const email =
    opts.email ?? `${role}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.org`;
  const { userId, totpSecret } = await createActiveUser(h.deps, {
    email,
    role,
    displayName: opts.displayName ?? `Test ${role} ${counter}`,
    password: TEST_PASSWORD,
  });
  const session = await signInWith(h, { email, password: TEST_PASSWORD, totpSecret });
  return { ...session, userId, email, password: TEST_PASSWORD, totpSecret };
}
