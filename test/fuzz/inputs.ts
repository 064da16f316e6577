import fc from 'fast-check';

/**
 * What an attacker, a broken client or a confused browser can put in a request, as fast-check
 * arbitraries: text with NUL and other control characters, lone surrogates, noncharacters,
 * bidirectional overrides, markup, huge values, wrong types, repeated fields, random field
 * names, random JSON; and ways to encode them (well-formed, percent-encoded garbage, raw
 * invalid UTF-8).
 */

/** Single characters that have broken text handling somewhere, by kind. */
const CONTROLS = ['\x01', '\x07', '\b', '\t', '\n', '\v', '\f', '\r', '\x1b', '\x7f', '\u0085', '\u009f'];
const UNPAIRED = ['\ud800', '\udbff', '\udc00', '\udfff', '\ufdd0', '\ufffe', '\uffff', '\u{10ffff}'];
const INVISIBLE = ['\u00a0', '\u200b', '\u200e', '\u202e', '\u2028', '\u2029', '\ufeff'];
const SYNTAX = ['<', '>', '"', "'", '&', '%', '+', '=', ';', '\\', '/', '#', '?', '[', ']', '{', '}'];

/** Whole values that mean something to some parser. */
const NASTY_VALUES = [
  '', ' ', 'null', 'undefined', 'true', 'NaN', '-1', '0', '1e309', '9007199254740993',
  '__proto__', 'constructor', 'prototype', '[object Object]', '%00', '%', '%zz', '%ED%A0%80',
  "'; DROP TABLE cases; --", '<script>alert(1)</script>', '{{7*7}}', '${7*7}', '../../etc/passwd',
  'A'.repeat(300), 'يرجى المساعدة', 'помогите', '🙂🏳️‍🌈', 'e\u0301', '\r\n\r\n', '\0\0\0',
];

/** One nasty character; NUL most often, as PostgreSQL refuses it in any text. */
export const nastyChar: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant('\0'), weight: 4 },
  { arbitrary: fc.constantFrom(...CONTROLS), weight: 3 },
  { arbitrary: fc.constantFrom(...UNPAIRED), weight: 3 },
  { arbitrary: fc.constantFrom(...INVISIBLE), weight: 1 },
  { arbitrary: fc.constantFrom(...SYNTAX), weight: 2 },
);

/** Short text mixing ordinary and nasty characters (lone surrogates included). */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_VALUES), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.oneof(nastyChar, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 30 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), weight: 2 },
);

/** A value far over any field's limit and possibly over the body limit: a short piece repeated. */
export const hugeText: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.constantFrom('x', 'é', '\0', '\ud800', '🙂', 'ab\r\n'), nastyText.filter((s) => s.length > 0)), fc.integer({ min: 200, max: 40_000 }))
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n));

/** Any text: mostly short and nasty, sometimes huge. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: nastyText, weight: 9 },
  { arbitrary: hugeText, weight: 1 },
);

/** A form field's value as a browser can send it: one value, or the name repeated. */
export const formValue: fc.Arbitrary<string | string[]> = fc.oneof(
  { arbitrary: anyText, weight: 6 },
  { arbitrary: fc.array(nastyText, { minLength: 2, maxLength: 3 }), weight: 1 },
);

/** A field name: one the route knows, or anything. */
export const fieldName = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 4 },
    { arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'a.b', '', '_csrf', '_form', '_once'), weight: 1 },
    { arbitrary: nastyText, weight: 1 },
  );

export type Form = Record<string, string | string[]>;

/** `fn`, shown as `label` in a counterexample instead of its source. */
export function named<F extends object>(label: string, fn: F): F {
  return Object.assign(fn, { [fc.toStringMethod]: () => label });
}

/** Own properties only, whatever the name ("__proto__" included), as a body parser builds them. */
function put<T>(out: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Nasty text slipped into a valid value at some position: the value stays plausible otherwise. */
const infix = fc.record({ at: fc.nat(), text: fc.oneof({ arbitrary: nastyChar, weight: 3 }, { arbitrary: nastyText.filter((t) => t.length > 0), weight: 1 }) });
const slip = (value: string, { at, text }: { at: number; text: string }) => {
  const i = value.length === 0 ? 0 : at % (value.length + 1);
  return value.slice(0, i) + text + value.slice(i);
};

/** Applies one mutation to a copy of `base`: text slipped into values, values replaced, fields dropped and added. */
function mutate<V>(
  base: Record<string, V>,
  m: { slipped: Record<string, { at: number; text: string }>; replace: Record<string, V>; drop: string[]; extra: Record<string, V> },
): Record<string, V> {
  const out: Record<string, V> = { ...base };
  for (const [k, how] of Object.entries(m.slipped)) {
    const v = out[k];
    if (typeof v === 'string') out[k] = slip(v, how) as V;
  }
  for (const [k, v] of Object.entries(m.replace)) put(out, k, v);
  for (const k of m.drop) delete out[k];
  for (const [k, v] of Object.entries(m.extra)) put(out, k, v);
  return out;
}

/**
 * A form built from a valid one: nasty text slipped into some values, some values replaced
 * by anything, some fields dropped, some names added. Often it is still valid but for one
 * character, so the deep paths (saving, looking up) are fuzzed too.
 */
export function mutatedForm(known: readonly string[]): fc.Arbitrary<(base: Form) => Form> {
  return fc
    .record({
      slipped: fc.dictionary(fc.constantFrom(...known), infix, { maxKeys: 2 }),
      replace: fc.dictionary(fc.constantFrom(...known), formValue, { maxKeys: 2 }),
      drop: fc.subarray([...known], { maxLength: Math.min(2, known.length) }),
      extra: fc.dictionary(fieldName(known), formValue, { maxKeys: 2 }),
    })
    .map((m) => named(`mutate(${fc.stringify(m)})`, (base: Form) => mutate<Form[string]>(base, m)));
}

/** Percent-encodes UTF-16 text byte by byte; lone surrogates become their CESU-8 bytes (invalid UTF-8). */
export function rawPercent(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

/** How a form body is put on the wire. */
export type Encoding = 'standard' | 'raw-percent' | 'garbage' | 'invalid-utf8';
export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom('standard', 'standard', 'standard', 'raw-percent', 'garbage', 'invalid-utf8');

/** A form as an urlencoded body, in one of the encodings. */
export function encodeForm(form: Form, how: Encoding): string | Buffer {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, one]);
  if (how === 'standard') {
    const p = new URLSearchParams();
    for (const [k, v] of pairs) p.append(k, v);
    return p.toString();
  }
  if (how === 'raw-percent') return pairs.map(([k, v]) => `${rawPercent(k)}=${rawPercent(v)}`).join('&');
  if (how === 'garbage') {
    // Broken escapes, stray separators and overlong or truncated sequences between the pairs.
    return pairs.map(([k, v]) => `${rawPercent(k)}=${rawPercent(v)}%C0%80%E2%82%%ZZ&&=`).join('&') + '&%';
  }
  // Raw bytes that are not UTF-8 at all, unescaped.
  const text = pairs.map(([k, v]) => `${rawPercent(k)}=${rawPercent(v)}`).join('&');
  return Buffer.concat([Buffer.from(text), Buffer.from([0x26, 0x78, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00])]);
}

/** Content types a form post may claim. */
export const formContentType = fc.oneof(
  { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded; charset=ISO-8859-1',
      'application/x-www-form-urlencoded; charset=utf-16',
      'text/plain',
      'application/json',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '',
    ),
    weight: 2,
  },
);

/** Any JSON value, with nasty strings in it (lone surrogates survive JSON.stringify as escapes). */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldName(['body', 'status', 'version']), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A JSON object built from a valid one, with nasty text slipped in, fields replaced by any JSON, dropped or added. */
export function mutatedJson(known: readonly string[]): fc.Arbitrary<(base: Record<string, unknown>) => Record<string, unknown>> {
  return fc
    .record({
      slipped: fc.dictionary(fc.constantFrom(...known), infix, { maxKeys: 2 }),
      replace: fc.dictionary(fc.constantFrom(...known), anyJson, { maxKeys: 2 }),
      drop: fc.subarray([...known], { maxLength: Math.min(2, known.length) }),
      extra: fc.dictionary(fieldName(known), anyJson, { maxKeys: 2 }),
    })
    .map((m) => named(`mutate(${fc.stringify(m)})`, (base: Record<string, unknown>) => mutate<unknown>(base, m)));
}

/** A query string: known names or any, any values, sometimes repeated. */
export function queryString(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.dictionary(fieldName(known), formValue, { maxKeys: 4 }), fc.constantFrom<Encoding>('standard', 'raw-percent', 'garbage'))
    .map(([form, how]) => {
      const s = encodeForm(form, how);
      return typeof s === 'string' ? s : s.toString('latin1');
    });
}

/** A path segment where an id goes: a real one (given), a plausible one, or anything. */
export function idSegment(real: () => string): fc.Arbitrary<() => string> {
  return fc.oneof(
    { arbitrary: fc.constant(named('(the real id)', real)), weight: 5 },
    {
      arbitrary: fc
        .oneof(
          fc.constantFrom('0', '-1', '1.5', '2147483648', '999999999999999', '9'.repeat(40), '1e3', '0x10', '%00', '%ED%A0%80', '..', '%2e%2e', ' 1'),
          nastyText.map((s) => rawPercent(s)),
        )
        .map((s) => named(fc.stringify(s), () => s)),
      weight: 2,
    },
  );
}

/** The Accept-Language a person's browser sends, for one of `locales` or anything. */
export function acceptLanguage(locales: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...locales), weight: 6 },
    { arbitrary: fc.constantFrom('', '*', 'xx', 'ar-EG,ar;q=0.9', 'q=;;,,', 'en;q=NaN', 'zz;q=1e400'), weight: 1 },
  );
}

/** A one-time or CSRF token field: anything, or left out (one time in five). */
export const tokenOr: fc.Arbitrary<string | undefined> = fc.option(anyText, { freq: 4, nil: undefined });

/** What a form route of the staff fuzz files is sent, beside the route itself and its own parts. */
export interface FormInput {
  /** The route's valid form, mutated (`mutatedForm` over its fields). */
  mutate: (f: Form) => Form;
  /** Its token: anything, or none. */
  token: string | undefined;
  how: Encoding;
  /** The content type the post claims. */
  type: string;
  /** The Accept-Language sent. */
  accept: string;
}

/** The values of a record of arbitraries. */
type Generated<M> = { [K in keyof M]: M[K] extends fc.Arbitrary<infer T> ? T : never };

/**
 * One form route's fuzz input: the route (named in a counterexample), a mutation of its valid
 * form over its `fields`, a token or none, then `more` (what the file adds, such as the ids in
 * the route's path), an encoding, a content type and an Accept-Language among `locales`; in
 * that order, so a file that declared the same record itself draws the same inputs.
 */
export function formInput<R extends { label: string; fields: readonly string[] }, M extends Record<string, fc.Arbitrary<unknown>> = Record<never, never>>(
  route: R,
  locales: readonly string[],
  more?: M,
): fc.Arbitrary<{ route: R } & FormInput & Generated<M>> {
  const record = {
    route: fc.constant(named(route.label, route)),
    mutate: mutatedForm(route.fields),
    token: tokenOr,
    ...(more ?? {}),
    how: encoding,
    type: formContentType,
    accept: acceptLanguage(locales),
  };
  return fc.record(record) as unknown as fc.Arbitrary<{ route: R } & FormInput & Generated<M>>;
}
