import fc from 'fast-check';
import type { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CodeInput,
  enrolInput,
  LanguageInput,
  NewUserInput,
  SignInInput,
  TimeZoneInput,
  TokenInput,
} from '../../src/modules/accounts/user.schema.js';
import {
  AssignForm,
  ClaimForm,
  formValues,
  MessageInput,
  PatchCaseInput,
  QueueQuery,
  StatusForm,
  TriageForm,
} from '../../src/modules/cases/case.schema.js';
import { LadderInput, NewTeamLadderInput, readLadderForm } from '../../src/modules/escalation/escalation.schema.js';
import { messageSchema, requestSchema } from '../../src/modules/intake/intake.schema.js';
import { ApplyInput, PlaybookInput, StepInput, TaskAssigneeInput } from '../../src/modules/playbooks/playbook.schema.js';
import { OutcomeInput, PartnerFilterInput, PartnerInput, referralInput } from '../../src/modules/referrals/referral.schema.js';
import { retentionRuleInput, RetentionRuleKeyInput } from '../../src/modules/retention/retention.schema.js';
import { ExceptionInput, NewSlotInput, NoteInput, SlotPeopleInput } from '../../src/modules/shifts/shift.schema.js';
import { normalizeReceipt } from '../../src/platform/crypto/receipt.js';
import { checkFormToken } from '../../src/platform/http/form-token.js';
import { fieldErrors, formBody } from '../../src/platform/http/validation.js';
import { PUBLIC_LOCALES, STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { sharedI18n } from '../../src/runtime.js';
import { countInput, show, triedReport } from './checks.js';
import { anyJson, anyText, formValue, mutatedForm, mutatedJson } from './inputs.js';

// Every input schema, fed anything: it never throws; a refusal names each field with a
// message that exists in every language of its surface; and what it accepts holds no
// character that typed text never contains (NUL and the other controls, lone surrogates,
// noncharacters), so none can reach a service or the database.

const i18n = sharedI18n();

// The characters no typed text contains: C0 controls but TAB, LF and CR; DEL; C1 controls;
// lone surrogates; noncharacters. Written out here, apart from the code under test.
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const FORBIDDEN = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]|\p{Cs}|\p{Noncharacter_Code_Point}/u;

/** The first string in a parsed value holding a forbidden character, as a path, or null. */
function forbiddenIn(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return FORBIDDEN.test(value) ? path || '(value)' : null;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = forbiddenIn(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return null;
}

type Schema = Pick<z.ZodType, 'safeParse'>;

interface Case {
  name: string;
  schema: Schema;
  /** The surface whose languages its messages must exist in. */
  locales: readonly string[];
  /** A valid input, to mutate. */
  valid: Record<string, unknown>;
  /** A form (strings) or a JSON body (any values). */
  kind: 'form' | 'json';
}

const codes = {
  countries: new Set(['KE', 'FR']),
  languages: new Set(['en', 'ar']),
  beneficiaries: new Set(['hrd', 'journalist']),
};

const CASES: Case[] = [
  {
    name: 'intake request',
    schema: requestSchema(codes),
    locales: PUBLIC_LOCALES,
    kind: 'form',
    valid: {
      description: 'Help',
      urgency: 'reactive',
      country: 'KE',
      language: 'en',
      contact_method: 'email',
      contact: 'a@example.org',
      beneficiary: 'hrd',
      consent: 'yes',
    },
  },
  { name: 'intake follow-up message', schema: messageSchema, locales: PUBLIC_LOCALES, kind: 'form', valid: { body: 'More detail' } },
  {
    name: 'case triage form',
    schema: TriageForm,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { incident_type: 'phishing', urgency: 'reactive', severity: 'high', country: 'KE', beneficiary: 'hrd', language: 'en', mandate: 'in', version: '3' },
  },
  { name: 'case assignment form', schema: AssignForm, locales: STAFF_LOCALES, kind: 'form', valid: { assignee_id: 'u-1', version: '1' } },
  { name: 'case claim form', schema: ClaimForm, locales: STAFF_LOCALES, kind: 'form', valid: { version: '1' } },
  { name: 'case status form', schema: StatusForm, locales: STAFF_LOCALES, kind: 'form', valid: { status: 'waiting', version: '1' } },
  { name: 'reply or note', schema: MessageInput, locales: STAFF_LOCALES, kind: 'json', valid: { body: 'We can help.' } },
  {
    name: 'API case change',
    schema: PatchCaseInput,
    locales: STAFF_LOCALES,
    kind: 'json',
    valid: { status: 'waiting', urgency: 'reactive', assignee_id: null, incident_type: 'phishing', version: 2 },
  },
  {
    name: 'queue filters',
    schema: QueueQuery,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { view: 'main', status: 'new', incident_type: 'phishing', region: 'africa', language: 'en', assignee: 'mine', limit: '50', cursor: '0.1.2' },
  },
  {
    name: 'retention rule',
    schema: retentionRuleInput(new Set(['phishing'])),
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { status: 'closed', incident_type: 'phishing', basis: 'closed_at', days: '30', enabled: 'yes' },
  },
  { name: 'retention rule key', schema: RetentionRuleKeyInput, locales: STAFF_LOCALES, kind: 'form', valid: { status: 'closed', incident_type: 'phishing' } },
  { name: 'sign-in', schema: SignInInput, locales: STAFF_LOCALES, kind: 'form', valid: { email: 'a@example.org', password: 'correct horse' } },
  { name: 'second factor code', schema: CodeInput, locales: STAFF_LOCALES, kind: 'form', valid: { code: '123 456' } },
  {
    name: 'enrolment (first administrator)',
    schema: enrolInput(true),
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { email: 'a@example.org', display_name: 'Amal', password: 'a long enough passphrase', password_confirm: 'a long enough passphrase' },
  },
  {
    name: 'enrolment',
    schema: enrolInput(false),
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { display_name: 'Amal', password: 'a long enough passphrase', password_confirm: 'a long enough passphrase' },
  },
  { name: 'new staff member', schema: NewUserInput, locales: STAFF_LOCALES, kind: 'form', valid: { email: 'a@example.org', display_name: 'Amal', role: 'handler' } },
  { name: 'workspace language', schema: LanguageInput, locales: STAFF_LOCALES, kind: 'form', valid: { locale: 'es' } },
  { name: 'time zone', schema: TimeZoneInput, locales: STAFF_LOCALES, kind: 'form', valid: { time_zone: 'Asia/Kolkata' } },
  { name: 'API token label', schema: TokenInput, locales: STAFF_LOCALES, kind: 'form', valid: { label: 'reporting script' } },
  { name: 'playbook', schema: PlaybookInput, locales: STAFF_LOCALES, kind: 'form', valid: { incident_type: 'doxing', name_en: 'Doxing', name_es: '', name_fr: '', name_ar: 'كشف المعلومات', name_ru: '' } },
  {
    name: 'playbook step',
    schema: StepInput,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: {
      required: 'yes',
      due_minutes: '60',
      title_en: 'Check safety',
      guidance_en: 'Ask first.',
      title_es: '',
      guidance_es: '',
      title_fr: '',
      guidance_fr: '',
      title_ar: 'السلامة',
      guidance_ar: '',
      title_ru: '',
      guidance_ru: '',
    },
  },
  { name: 'apply a playbook', schema: ApplyInput, locales: STAFF_LOCALES, kind: 'form', valid: { playbook: 'lost-device' } },
  { name: 'hand a task on', schema: TaskAssigneeInput, locales: STAFF_LOCALES, kind: 'form', valid: { assignee: '' } },
  {
    name: 'weekly shift',
    schema: NewSlotInput,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { team: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d', weekday: '1', start: '22:00', end: '06:00', members: ['0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d'], lead: '' },
  },
  { name: 'a shift\'s people', schema: SlotPeopleInput, locales: STAFF_LOCALES, kind: 'form', valid: { members: ['0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d'], lead: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d' } },
  {
    name: 'one date\'s change to a shift',
    schema: ExceptionInput,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { slot: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d', date: '2026-12-14', kind: 'swap', person: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d', replacement: '1b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d' },
  },
  { name: 'handover note', schema: NoteInput, locales: STAFF_LOCALES, kind: 'form', valid: { note: 'Caso 12: llamar a las 16:00.' } },
  {
    name: 'escalation ladder (API)',
    schema: LadderInput,
    locales: STAFF_LOCALES,
    kind: 'json',
    valid: { version: 1, resolution_hours: 168, steps: [{ id: 'global-lead', minutes: 60, action: 'notify_shift_lead' }, { minutes: 90, action: 'notify_director', urgency: 'reactive', severity: 'high' }] },
  },
  {
    name: 'escalation ladder form',
    schema: { safeParse: (v: unknown) => LadderInput.safeParse(readLadderForm(v).input) },
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { version: '1', resolution_hours: '168', step_0_id: 'global-lead', step_0_minutes: '60', step_0_action: 'notify_shift_lead', step_1_minutes: '90', step_1_action: 'notify_director', step_1_urgency: 'reactive', step_1_severity: 'high' },
  },
  { name: 'a team given a ladder', schema: NewTeamLadderInput, locales: STAFF_LOCALES, kind: 'form', valid: { team_id: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d' } },
  {
    name: 'partner',
    schema: PartnerInput,
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: { name: 'Legal Aid', description: 'Lawyers.', services: ['legal'], regions: ['americas'], languages: ['es', 'ar'], contact_kind: 'email', contact_address: 'a@example.org', pgp_key: '' },
  },
  { name: 'partner filters', schema: PartnerFilterInput, locales: STAFF_LOCALES, kind: 'form', valid: { service: 'legal', region: 'americas', language: 'ar' } },
  {
    name: 'referral (consent for each identifying item)',
    schema: referralInput(Date.UTC(2026, 11, 7)),
    locales: STAFF_LOCALES,
    kind: 'form',
    valid: {
      partner: '0b7c2a4e-5d6f-4a8b-9c0d-1e2f3a4b5c6d',
      items: ['case_facts', 'contact', 'summary'],
      summary: 'A journalist needs a lawyer.',
      consent: ['contact', 'summary'],
      consent_how: 'phone',
      consent_on: '2026-12-01',
      letter_language: 'ar',
      follow_up_days: '7',
    },
  },
  { name: 'referral outcome', schema: OutcomeInput, locales: STAFF_LOCALES, kind: 'form', valid: { outcome: 'helped' } },
];

const RUNS = Math.round(300 * Number(process.env.HAVEN_FUZZ_SCALE ?? 1));

/** The properties of one parse, or a description of how it breaks them. */
function problemOf(c: Case, input: unknown): string | null {
  let r: ReturnType<Schema['safeParse']>;
  try {
    r = c.schema.safeParse(input);
  } catch (e) {
    return `threw ${e instanceof Error ? e.message : String(e)}`;
  }
  if (r.success) {
    const where = forbiddenIn(r.data);
    return where ? `accepted a forbidden character in ${where}: ${show(r.data)}` : null;
  }
  let errors: Record<string, string>;
  try {
    errors = fieldErrors(r.error);
  } catch (e) {
    return `fieldErrors threw ${e instanceof Error ? e.message : String(e)}`;
  }
  if (Object.keys(errors).length === 0) return 'refused without naming a field';
  for (const [field, key] of Object.entries(errors)) {
    const missing = c.locales.filter((l) => !i18n.has(l, key));
    if (missing.length > 0) return `${field}: "${key}" has no message in ${missing.join(', ')}`;
  }
  return null;
}

const tried = { n: 0 };

describe('every input schema, fed anything', () => {
  afterAll(() => console.log(triedReport('input schemas')));

  for (const c of CASES) {
    const known = Object.keys(c.valid);
    const mutate = c.kind === 'form' ? mutatedForm(known) : mutatedJson(known);
    const input = fc.oneof(
      { arbitrary: mutate.map((m) => (m as (b: Record<string, unknown>) => unknown)(c.valid as never)), weight: 6 },
      { arbitrary: fc.dictionary(fc.constantFrom(...known), c.kind === 'form' ? formValue : anyJson, { maxKeys: known.length }), weight: 2 },
      { arbitrary: fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withObjectString: true, withBoxedValues: true }), weight: 1 },
    );
    it(`${c.name}: never throws, names each problem in every language, accepts no forbidden character`, () => {
      fc.assert(
        fc.property(input, (x) => {
          tried.n += 1;
          countInput(c.name);
          const problem = problemOf(c, x);
          if (problem) throw new Error(`${problem}\n  input: ${show(x)}`);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('form helpers never throw on any body, and the form token and receipt checks never throw on any text', () => {
    const key = Buffer.alloc(32, 7);
    fc.assert(
      fc.property(fc.oneof(anyJson, fc.anything()), anyText, (body, text) => {
        countInput('form helpers, form token, receipt');
        expect(typeof formBody(body)).toBe('object');
        expect(typeof formValues(body, 'null')).toBe('object');
        expect(typeof formValues(body, 'drop')).toBe('object');
        expect(checkFormToken(key, 'intake-request', text, Date.now()).ok).toBe(false);
        expect(checkFormToken(key, 'intake-request', body, Date.now()).ok).toBe(false);
        const r = normalizeReceipt(text);
        expect(r === null || /^[0-9A-HJKMNP-TV-Z]{20}$/.test(r)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
