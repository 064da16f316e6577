/**
 * `n` UTF-16 code units of `pattern`, repeated, never cutting a character in two and never
 * ending on a space (which a form would trim away): the longest text a limit allows, in any
 * script.
 */
export function fill(pattern: string, n: number): string {
  let out = '';
  for (;;) {
    for (const ch of pattern) {
      if (out.length + ch.length > n) return out.padEnd(n, 'x').replace(/\s$/, 'x');
      out += ch;
    }
  }
}
