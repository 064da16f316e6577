// The search tokeniser (ADR 37): pure, no I/O. Text becomes a set of normalised tokens — words
// in any of Haven's languages and indicator-like strings kept whole — which the index stores
// only as keyed hashes (search.repo.ts). The same functions read documents and queries, so a
// word is found exactly when it was written in the same normalised form.

/** Longest query accepted, in characters. */
export const QUERY_MAX_CHARS = 200;
/** Most tokens a query may have (each is one index probe). */
export const QUERY_MAX_TOKENS = 8;
/** Words shorter than this (in code points) are not indexed: single letters find everything. */
export const WORD_MIN = 2;
/** Words longer than this are cut: nobody types them, and the hash is of fixed size anyway. */
export const WORD_MAX = 64;
/** Most distinct tokens one case gives the index (a case of many long notes stops there). */
export const CASE_TOKENS_MAX = 20_000;

/** What kind of string a token is; a prefix of the hashed text, so "example.com" the word and the domain differ. */
export type TokenKind = 'w' | 'dom' | 'url' | 'email' | 'tel' | 'ip' | 'hash';

/** A token as hashed: its kind and its normalised text, `kind:text`. */
export type Token = `${TokenKind}:${string}`;

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

// Arabic letters that are written several ways for one sound: every alef form to bare alef,
// alef maksura and Persian yeh to yaa, taa marbuta to haa, Persian kaf to kaf; Arabic-Indic and
// Eastern Arabic-Indic digits to ASCII digits (NFKC leaves them).
const ARABIC_FOLD: Record<string, string> = {
  '\u0671': '\u0627', // ٱ alef wasla
  '\u0649': '\u064a', // ى alef maksura → ي
  '\u06cc': '\u064a', // ی Persian yeh → ي
  '\u0629': '\u0647', // ة taa marbuta → ه
  '\u06a9': '\u0643', // ک Persian kaf → ك
};
const TATWEEL = /\u0640/g;
const MARKS = /\p{M}/gu;

function foldChar(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp >= 0x0660 && cp <= 0x0669) return String(cp - 0x0660);
  if (cp >= 0x06f0 && cp <= 0x06f9) return String(cp - 0x06f0);
  return ARABIC_FOLD[c] ?? c;
}

/**
 * The normal form of text for matching: NFKC (full-width and compatibility forms), lower case,
 * diacritics removed (é → e, Arabic harakat, hamza seats: أ إ آ → ا), Arabic letter variants and
 * digits folded, tatweel removed, and Russian ё read as е. Russian й keeps its breve: it is a
 * letter of its own (мой and мои are different words).
 */
export function normalise(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase().replace(TATWEEL, '').replace(/ё/g, 'е');
  return lower
    .split('й')
    .map((part) => part.normalize('NFD').replace(MARKS, '').normalize('NFC'))
    .join('й')
    .replace(/[\u0600-\u06ff]/g, foldChar);
}

// Indicators, found in normalised text. Letters include any script's (internationalised names).
const URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`]+/gu;
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,24}/gu;
const DOMAIN_RE = /(?<![\p{L}\p{N}@.-])(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}@+-]|\.[\p{L}\p{N}])/gu;
const IPV4_RE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
const IPV6_RE = /(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![0-9a-f:])/g;
const HASH_RE = /(?<![0-9a-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])/g;
const PHONE_RE = /(?<![\p{L}\p{N}])\+?\d[\d ().\-\u00a0]{5,22}\d(?![\p{L}\p{N}])/gu;
/** Trailing punctuation a sentence adds after a URL or domain. */
const TRAILING = /[.,;:!?)\]}»”’'"]+$/u;

/** The last 9 digits of a phone number (7 to 15 digits), so +7 912 345-67-89 and 8 912 345 67 89 meet. */
export function phoneKey(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return digits.slice(-9);
}

/** A domain and its parents of two labels or more: a.b.example.org → a.b.example.org, b.example.org, example.org. */
function domainTokens(host: string): Token[] {
  const labels = host.replace(/\.$/, '').split('.');
  const out: Token[] = [];
  for (let i = 0; i + 2 <= labels.length; i++) out.push(`dom:${labels.slice(i).join('.')}`);
  return out;
}

function validIpv4(s: string): boolean {
  return s.split('.').every((p) => Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

interface Found {
  tokens: Token[];
  start: number;
  end: number;
}

/** The indicators in normalised text, each with the span it covers. */
function indicators(text: string): Found[] {
  const found: Found[] = [];
  const each = (re: RegExp, f: (m: string) => Token[]) => {
    for (const m of text.matchAll(re)) {
      const raw = m[0].replace(TRAILING, '');
      const tokens = f(raw);
      const start = m.index ?? 0;
      if (tokens.length > 0) found.push({ tokens, start, end: start + raw.length });
    }
  };
  each(URL_RE, (u) => {
    const host = /^[a-z]+:\/\/(?:[^@/?#]*@)?([^/:?#]+)/u.exec(u)?.[1];
    return [`url:${u.replace(/\/$/, '')}`, ...(host ? domainTokens(host) : [])];
  });
  each(EMAIL_RE, (e) => [`email:${e}`, ...domainTokens(e.slice(e.indexOf('@') + 1))]);
  each(DOMAIN_RE, (d) => (/^\d+(?:\.\d+)+$/.test(d) ? [] : domainTokens(d)));
  each(IPV4_RE, (ip) => (validIpv4(ip) ? [`ip:${ip}`] : []));
  each(IPV6_RE, (ip) => (ip.includes('::') || ip.split(':').length === 8 ? [`ip:${ip}`] : []));
  each(HASH_RE, (h) => [`hash:${h}`]);
  each(PHONE_RE, (p) => {
    const key = phoneKey(p);
    // A date (2024-03-15) or an address is not a phone number, nor part of an IP or a hash.
    return key && !/^\d{4}-\d{2}-\d{2}$/.test(p) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(p) ? [`tel:${key}`] : [];
  });
  return found;
}

/** Apostrophes inside a word: the segmenter keeps "l'ordinateur" and "someone's" whole. */
const APOSTROPHE = /['\u2019\u02bc]/u;

/** A word, if long enough, cut to WORD_MAX code points. */
function word(w: string): Token | null {
  const cps = [...w];
  return cps.length < WORD_MIN ? null : `w:${cps.slice(0, WORD_MAX).join('')}`;
}

/**
 * The words of normalised text (Intl.Segmenter's word-like segments), cut and filtered by
 * length; a word with an apostrophe also gives its parts (French elisions: l'ordinateur gives
 * ordinateur, so a search for "ordinateur" finds it).
 */
function words(text: string): Token[] {
  const out: Token[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const whole = s.segment.replace(/[\u2019\u02bc]/gu, "'");
    const parts = APOSTROPHE.test(whole) ? [whole, ...whole.split("'")] : [whole];
    for (const p of parts) {
      const t = word(p);
      if (t) out.push(t);
    }
  }
  return out;
}

/**
 * Every token of a document (a message, a note, a contact): its words, and its indicators whole
 * (URLs with their host and its parent domains, emails with their domain, domains, IP addresses,
 * md5/sha1/sha256 hashes, phone numbers by their last nine digits). Distinct, in first-seen order.
 */
export function documentTokens(text: string): Token[] {
  const n = normalise(text);
  const out = new Set<Token>();
  for (const f of indicators(n)) for (const t of f.tokens) out.add(t);
  for (const t of words(n)) out.add(t);
  return [...out];
}

/**
 * The tokens a query asks for, all of which a case must have. An indicator counts as itself
 * only: the words inside it are not asked for, so "+7 912 345-67-89" finds "89123456789" too.
 * Of an indicator's several tokens (a URL's host, a domain's parents) the most precise is kept.
 */
export function queryTokens(q: string): Token[] {
  const n = normalise(q);
  const out = new Set<Token>();
  const found = indicators(n).sort((a, b) => a.start - b.start || b.end - a.end);
  let rest = '';
  let at = 0;
  for (const f of found) {
    if (f.start < at) continue; // inside an indicator already taken (a domain inside a URL)
    out.add(f.tokens[0]!);
    rest += `${n.slice(at, f.start)} `;
    at = f.end;
  }
  rest += n.slice(at);
  for (const t of words(rest)) out.add(t);
  return [...out];
}

/** Words that may stand before a case number: "case 12", "caso 12", "дело 12", "حالة 12", "n° 12" (NFKC reads № as "no"). */
const CASE_WORD = /^\s*(?:(?:case|caso|cas|dossier|дело|кейс|حاله|قضيه|no\.?|n°)\s*)?#?\s*(\d{1,12})\s*$/u;

/** The case number a query is, alone (`123`, `#123`, `№ 123`, `case 123` in any language), or null. */
export function caseNumberOf(q: string): number | null {
  const m = CASE_WORD.exec(normalise(q));
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : null;
}
