// Body limits sized from what a route's fields may hold. BODY_LIMIT_BYTES (config) is the limit
// of every other route; a route that takes long text gets its own, computed here, so that the
// longest text its schema accepts always fits whatever the script it is written in.

/**
 * The most bytes one UTF-16 code unit (what zod's `.max()` counts) can take in a body. A
 * character of the Basic Multilingual Plane (Arabic, Cyrillic, CJK…) is 3 bytes of UTF-8,
 * each sent as `%XX` in a form: 9 bytes. An emoji is two code units and 4 bytes of UTF-8, 6
 * bytes a unit once encoded. In JSON a unit is at most 6 bytes (a `\u` escape and four hex digits). So 9 covers every
 * character in both encodings.
 */
export const MAX_BYTES_PER_CODE_UNIT = 9;

/**
 * Room for what is not a field's value: the form token or CSRF token (under 200 characters),
 * a repeated or unknown field, spaces trimmed away before the length is checked, JSON's braces
 * and whitespace.
 */
export const BODY_MARGIN_BYTES = 4096;

/**
 * The body limit, in bytes, of a form or JSON body whose fields hold at most `fields[name]`
 * UTF-16 code units each: every value in its worst encoding, with its name and separators
 * (`name=` and `&`, or `"name":` and `,`), plus BODY_MARGIN_BYTES.
 */
export function bodyLimitFor(fields: Record<string, number>): number {
  let bytes = BODY_MARGIN_BYTES;
  for (const [name, max] of Object.entries(fields)) {
    bytes += (name.length + max) * MAX_BYTES_PER_CODE_UNIT + 4;
  }
  return bytes;
}

/**
 * Route options for a route that takes text: its body limit from its fields (see
 * bodyLimitFor) and, for the 413 page, the longest text it accepts in characters. Spread it
 * into the route's options; add any other `config` beside it.
 */
export function textBody(fields: Record<string, number>): {
  bodyLimit: number;
  config: { textMax: number };
} {
  return {
    bodyLimit: bodyLimitFor(fields),
    config: { textMax: Math.max(0, ...Object.values(fields)) },
  };
}
