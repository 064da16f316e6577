import { describe, expect, it } from 'vitest';
import { dateToMs, DAY_MS, followUpMark, isIdentifying, letterLanguageFor, parseCaseId, referralStatus, SHARE_ITEMS } from './referral.js';
import { referralInput } from './referral.schema.js';

// The pure rules of referrals: what identifies the requester, the consent rule as the schema
// applies it (no consent, nothing identifying leaves), statuses, dates and marks.

const TODAY = Date.UTC(2026, 11, 7);
const base = { partner: '0d3b1c5e-6a7f-4c1e-9a51-7d2a1f000001', summary: '', consent: [], consent_how: '', consent_on: '', letter_language: 'en', follow_up_days: '7' };
const parse = (v: Record<string, unknown>) => referralInput(TODAY).safeParse({ ...base, ...v });
const messages = (r: ReturnType<typeof parse>) => (r.success ? [] : r.error.issues.map((i) => `${String(i.path[0])}:${i.message}`));

describe('what a referral shares', () => {
  it('holds only the structured facts as not identifying', () => {
    expect(SHARE_ITEMS.filter((i) => !isIdentifying(i))).toEqual(['case_facts']);
  });

  it('takes the structured facts alone without any consent', () => {
    const r = parse({ items: ['case_facts'] });
    expect(r.success && r.data).toEqual({ partner: base.partner, items: ['case_facts'], summary: null, consent: null, letterLanguage: 'en', followUpDays: 7 });
  });

  it('refuses each identifying item without its consent, and consent without how and when', () => {
    for (const item of SHARE_ITEMS.filter(isIdentifying)) {
      const extra = item === 'summary' ? { summary: 'A summary.' } : {};
      expect(messages(parse({ items: ['case_facts', item], ...extra })), item).toContain('consent:referrals.error.consent_missing');
    }
    expect(messages(parse({ items: ['contact', 'requester_words'], consent: ['contact'], consent_how: 'phone', consent_on: '2026-12-01' }))).toEqual([
      'consent:referrals.error.consent_missing',
    ]);
    expect(messages(parse({ items: ['contact'], consent: ['contact'] }))).toEqual([
      'consent_how:referrals.error.consent_how',
      'consent_on:referrals.error.consent_on',
    ]);
    // Consent for an item not shared records nothing: refused, not ignored.
    expect(messages(parse({ items: ['case_facts'], consent: ['contact'] }))).toEqual(['consent:referrals.error.consent_unshared']);
  });

  it('keeps consent for exactly the identifying items shared, in the module order', () => {
    const r = parse({ items: ['attachments', 'contact', 'case_facts'], consent: ['contact', 'attachments'], consent_how: 'conversation', consent_on: '2026-12-07' });
    expect(r.success && r.data.consent).toEqual({ items: ['contact', 'attachments'], how: 'conversation', givenAt: TODAY });
    expect(r.success && r.data.items).toEqual(['case_facts', 'contact', 'attachments']);
  });

  it('refuses a consent in the future, a day that does not exist, days out of range, and repeated items', () => {
    const ok = { items: ['contact'], consent: ['contact'], consent_how: 'phone' };
    expect(messages(parse({ ...ok, consent_on: '2026-12-08' }))).toEqual(['consent_on:referrals.error.consent_future']);
    expect(messages(parse({ ...ok, consent_on: '2026-02-30' }))).toEqual(['consent_on:referrals.error.consent_on']);
    expect(messages(parse({ items: ['case_facts'], follow_up_days: '0' }))).toEqual(['follow_up_days:referrals.error.follow_up_days']);
    expect(messages(parse({ items: ['case_facts'], follow_up_days: '367' }))).toEqual(['follow_up_days:referrals.error.follow_up_days']);
    expect(messages(parse({ items: ['case_facts', 'case_facts'] }))).toEqual(['items:referrals.error.item_unknown']);
    expect(messages(parse({ items: [] }))).toEqual(['items:referrals.error.items_required']);
    expect(messages(parse({ items: ['case_facts'], summary: 'x\u0000' }))[0]).toMatch(/^summary:/);
  });
});

describe('a referral over time', () => {
  it('is sent, then due on its day, then closed by an outcome', () => {
    expect(referralStatus({ followUpAt: TODAY + DAY_MS, outcome: null }, TODAY)).toBe('sent');
    expect(referralStatus({ followUpAt: TODAY, outcome: null }, TODAY)).toBe('follow_up_due');
    expect(referralStatus({ followUpAt: TODAY, outcome: 'declined' }, TODAY + DAY_MS)).toBe('outcome_recorded');
  });

  it('marks a follow-up by its referral and day', () => {
    expect(followUpMark('r1', 5)).toBe('referral_follow_up:r1:5');
    expect(followUpMark('r1', 5)).not.toBe(followUpMark('r1', 6));
  });

  it('reads dates, case numbers and a letter language', () => {
    expect(dateToMs('2026-12-07')).toBe(TODAY);
    expect(dateToMs('07/12/2026')).toBeNull();
    expect(parseCaseId('12')).toBe(12);
    expect(parseCaseId('0')).toBeNull();
    expect(parseCaseId('99999999999')).toBeNull();
    expect(letterLanguageFor('ar')).toBe('ar');
    expect(letterLanguageFor('pt')).toBe('en');
    expect(letterLanguageFor(null)).toBe('en');
  });
});
