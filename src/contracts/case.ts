/** Case vocabulary shared by intake, cases and (later) reports. */
export const CASE_STATUSES = [
  'new',
  'vetting',
  'open',
  'waiting',
  'resolved',
  'closed',
  'out_of_mandate',
  'referred',
  'spam',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which a case still needs the helpline's attention. */
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['new', 'vetting', 'open', 'waiting'];

/**
 * Why a case is suspected spam: intake's checks (a filled honeypot field, a form sent sooner
 * than a person could fill it, a request beyond the hourly budget) or a staff member's hand.
 */
export const SPAM_REASONS = ['honeypot', 'too_fast', 'over_budget', 'staff'] as const;
export type SpamReason = (typeof SPAM_REASONS)[number];

/**
 * Whether a request is about something happening now or about preventing a problem;
 * 'unknown' when the requester chose "I don't know" or left the optional question unanswered.
 */
export const URGENCIES = ['reactive', 'preventive', 'unknown'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const CONTACT_METHODS = ['none', 'email', 'signal', 'phone', 'other'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const MESSAGE_KINDS = ['requester', 'reply', 'note'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
