// Pure rules of referrals to partner organisations (ADR 36): the services a partner offers, how
// it is reached, what a referral may share and which of it identifies the requester, how consent
// is recorded, the outcomes that close a follow-up, and a referral's status. No I/O.

/** What partners do, as fixed codes (labels in every locale: referrals.service.<code>). */
export const SERVICES = [
  'legal',
  'ddos_protection',
  'hosting',
  'forensics',
  'digital_security',
  'psychosocial',
  'funding',
  'physical_security',
  'relocation',
] as const;
export type Service = (typeof SERVICES)[number];

/** How a partner is reached safely (labels: referrals.contact_kind.<code>). */
export const CONTACT_KINDS = ['email', 'signal', 'web_form', 'other'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * What a referral may share, in the order the form and the letter list them. `case_facts` is the
 * case's structured fields (incident type, region, country, language, urgency): codes that
 * reports count and that name nobody. Every other item can identify the requester, and leaves
 * Haven only with their recorded consent for exactly that item.
 */
export const SHARE_ITEMS = ['case_facts', 'summary', 'contact', 'requester_words', 'attachments'] as const;
export type ShareItem = (typeof SHARE_ITEMS)[number];

/** The items that can identify the requester: each needs their consent, recorded. */
export const IDENTIFYING: ReadonlySet<ShareItem> = new Set<ShareItem>(['summary', 'contact', 'requester_words', 'attachments']);

export function isIdentifying(item: ShareItem): boolean {
  return IDENTIFYING.has(item);
}

/** How the requester gave their consent (labels: referrals.consent_how.<code>). */
export const CONSENT_WAYS = ['conversation', 'phone', 'other'] as const;
export type ConsentWay = (typeof CONSENT_WAYS)[number];

/** What became of a referral; recording one closes its follow-up (labels: referrals.outcome.<code>). */
export const OUTCOMES = ['accepted', 'declined', 'no_answer', 'helped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A referral's state as its list shows it. */
export type ReferralStatus = 'sent' | 'follow_up_due' | 'outcome_recorded';

/** Sent until its follow-up date; then due until an outcome is recorded. */
export function referralStatus(r: { followUpAt: number; outcome: string | null }, now: number): ReferralStatus {
  if (r.outcome !== null) return 'outcome_recorded';
  return r.followUpAt <= now ? 'follow_up_due' : 'sent';
}

/** The follow-up date a new referral's form offers: a week after it is written. */
export const DEFAULT_FOLLOW_UP_DAYS = 7;
/** The furthest a follow-up may be set: a year. */
export const MAX_FOLLOW_UP_DAYS = 366;
export const DAY_MS = 24 * 60 * 60_000;

/** The languages a letter is written in (its template is in every one). */
export const LETTER_LANGUAGES = ['en', 'es', 'fr', 'ar', 'ru'] as const;
export type LetterLanguage = (typeof LETTER_LANGUAGES)[number];

/** The letter's language for a case in `language`: the same when a template exists in it, else English. */
export function letterLanguageFor(language: string | null | undefined): LetterLanguage {
  return (LETTER_LANGUAGES as readonly string[]).includes(language ?? '') ? (language as LetterLanguage) : 'en';
}

export const NAME_MAX = 120;
export const DESCRIPTION_MAX = 2000;
export const ADDRESS_MAX = 300;
export const PGP_KEY_MAX = 20_000;
export const SUMMARY_MAX = 5000;
export const CONSENT_NOTE_MAX = 500;
/** A partner's or a referral's id in an address or a form: a UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A taxonomy code as a form sends it (regions, languages). */
export const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
/** The most regions, languages or services a partner lists. */
export const LIST_MAX = 300;

/** A date as `<input type="date">` sends it: YYYY-MM-DD. */
export const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a calendar date in UTC, or null when it is not one (2026-02-30). */
export function dateToMs(s: string): number | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === s ? ms : null;
}

/** A moment as a date `<input type="date">` shows (in UTC). */
export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The mark that keeps a referral's follow-up notice to once: it names the date, so a date moved is told again. */
export function followUpMark(referralId: string, followUpAt: number): string {
  return `referral_follow_up:${referralId}:${followUpAt}`;
}

/** A case number from an address: a positive integer in range, else null (as the cases module reads it). */
export function parseCaseId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}
