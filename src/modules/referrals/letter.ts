import { CONTACT_METHODS } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { displayName } from '../../platform/i18n/index.js';
import { dateTimeFormats } from '../../platform/i18n/formats.js';
import type { ReferralCaseContent } from '../cases/index.js';
import { organisationName } from '../settings/index.js';
import { termLabels } from '../taxonomies/index.js';
import { letterLanguageFor } from './referral.js';

/** A day as a letter names it: "7 December 2026", in the letter's language (days are kept in UTC). */
export const LETTER_DAY = dateTimeFormats({ dateStyle: 'long', timeZone: 'UTC' });

// The referral letter: plain text from the translatable template (the `referrals.letter.*`
// messages, in every language Haven speaks), in the referral's language, with exactly the
// items shared filled in and nothing else. Haven never sends it: the handler copies or
// downloads it and sends it over the partner's secure channel (ADR 36).

export interface LetterInput {
  language: string;
  caseId: number;
  partnerName: string;
  handlerName: string;
  /** The items shared, in the module's order. */
  items: readonly string[];
  content: ReferralCaseContent;
  summary: string | null;
  consentGivenAt: number | null;
}

/** The letter's text. Only the items in `items` are read from `content`. */
export async function composeLetter(deps: Deps, p: LetterInput): Promise<string> {
  const lang = letterLanguageFor(p.language);
  const f = (key: string, values?: Record<string, string | number>) => deps.i18n.format(lang, key, values);
  const organisation = await organisationName(deps, lang);
  const shared = new Set(p.items);
  const methodLabel = (m: string) => f(`referrals.letter.method.${(CONTACT_METHODS as readonly string[]).includes(m) ? m : 'other'}`);
  const parts: string[] = [];
  parts.push(f('referrals.letter.greeting', { partner: p.partnerName }));
  parts.push(f('referrals.letter.intro', { organisation, case_number: p.caseId }));

  if (shared.has('case_facts')) {
    const c = p.content;
    const [incidents, regions, countries, urgencies] = await Promise.all([
      termLabels(deps, 'incident_type', lang),
      termLabels(deps, 'region', lang),
      termLabels(deps, 'country', lang),
      termLabels(deps, 'urgency', lang),
    ]);
    const unknown = f('referrals.letter.unknown');
    const lines = [
      f('referrals.letter.fact_incident_type', { value: c.incidentType ? (incidents.get(c.incidentType) ?? c.incidentType) : unknown }),
      f('referrals.letter.fact_region', { value: c.region ? (regions.get(c.region) ?? c.region) : unknown }),
      f('referrals.letter.fact_country', { value: c.country ? (countries.get(c.country) ?? displayName(lang, 'region', c.country)) : unknown }),
      f('referrals.letter.fact_language', { value: c.language ? displayName(lang, 'language', c.language) : unknown }),
      f('referrals.letter.fact_urgency', { value: urgencies.get(c.urgency) ?? c.urgency }),
    ];
    parts.push([f('referrals.letter.facts_heading'), ...lines.map((l) => `- ${l}`)].join('\n'));
  }
  if (shared.has('summary') && p.summary) parts.push(`${f('referrals.letter.summary_heading')}\n${p.summary}`);
  if (shared.has('contact'))
    parts.push(
      `${f('referrals.letter.contact_heading')}\n${
        p.content.contact
          ? f('referrals.letter.contact_line', { method: methodLabel(p.content.contactMethod), contact: p.content.contact })
          : f('referrals.letter.contact_none')
      }`,
    );
  if (shared.has('requester_words'))
    parts.push(`${f('referrals.letter.words_heading')}\n${p.content.firstRequest ?? f('referrals.letter.unknown')}`);
  if (shared.has('attachments'))
    parts.push(
      [
        f('referrals.letter.attachments_heading'),
        ...(p.content.attachmentNames.length ? p.content.attachmentNames.map((n) => `- ${n}`) : [f('referrals.letter.attachments_none')]),
      ].join('\n'),
    );
  const identifying = [...shared].some((i) => i !== 'case_facts');
  parts.push(
    identifying && p.consentGivenAt !== null
      ? f('referrals.letter.consent', { date: LETTER_DAY(lang).format(p.consentGivenAt) })
      : f('referrals.letter.no_identifying'),
  );
  parts.push(f('referrals.letter.closing', { handler_name: p.handlerName, organisation }));
  return `${parts.join('\n\n')}\n`;
}
