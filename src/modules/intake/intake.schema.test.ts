import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../platform/http/validation.js';
import { LIMITS } from '../cases/index.js';
import { messageSchema, requestSchema } from './intake.schema.js';

const schema = requestSchema({
  countries: new Set(['KE', 'FR']),
  languages: new Set(['en', 'ar']),
  beneficiaries: new Set(['hrd']),
});
const valid = {
  description: '  Help  ',
  urgency: 'preventive',
  country: '',
  language: 'ar',
  contact_method: 'none',
  contact: '',
  beneficiary: '',
  consent: 'yes',
};

function errorsOf(input: Record<string, unknown>) {
  const r = schema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error);
}

describe('request schema', () => {
  it('gives the service its input: trimmed, empty optional answers as null', () => {
    expect(schema.parse(valid)).toEqual({
      description: 'Help',
      urgency: 'preventive',
      country: null,
      language: 'ar',
      contactMethod: 'none',
      contact: null,
      beneficiary: null,
    });
  });

  it('takes an urgency left empty or absent as "I don’t know" (unknown), and keeps a choice', () => {
    const { urgency: _omit, ...rest } = valid;
    expect(schema.parse(rest).urgency).toBe('unknown');
    expect(schema.parse({ ...valid, urgency: '' }).urgency).toBe('unknown');
    expect(schema.parse({ ...valid, urgency: ' unknown ' }).urgency).toBe('unknown');
    expect(schema.parse({ ...valid, urgency: 'reactive' }).urgency).toBe('reactive');
  });

  it('treats a missing way of contact as "do not contact me", and drops an address typed before choosing it', () => {
    const { contact_method: _omit, ...rest } = valid;
    expect(schema.parse(rest).contactMethod).toBe('none');
    expect(schema.parse({ ...valid, contact: 'a@b.org' }).contact).toBeNull();
  });

  it('names every problem with a message key, contact checked even when other answers fail', () => {
    expect(
      errorsOf({
        ...valid,
        description: '',
        consent: '',
        contact_method: 'email',
        contact: 'nope',
      }),
    ).toEqual({
      description: 'intake.error.description_required',
      consent: 'intake.error.consent_required',
      contact: 'intake.error.contact_email',
    });
  });

  it('refuses codes that are not in the taxonomies', () => {
    expect(
      errorsOf({ ...valid, country: 'ZZ', language: 'xx', beneficiary: 'spy', urgency: 'later' }),
    ).toEqual({
      country: 'intake.error.country_unknown',
      language: 'intake.error.language_unknown',
      beneficiary: 'intake.error.beneficiary_unknown',
      urgency: 'intake.error.urgency_unknown',
    });
  });

  it('checks lengths against the case limits', () => {
    expect(
      errorsOf({ ...valid, description: 'x'.repeat(LIMITS.descriptionMax + 1) }).description,
    ).toBe('intake.error.description_too_long');
    expect(
      schema.safeParse({ ...valid, description: 'x'.repeat(LIMITS.descriptionMax) }).success,
    ).toBe(true);
    expect(
      errorsOf({ ...valid, contact_method: 'other', contact: 'x'.repeat(LIMITS.contactMax + 1) })
        .contact,
    ).toBe('intake.error.contact_too_long');
  });

  it('checks the contact against the way chosen', () => {
    const ok = (m: string, c: string) =>
      schema.safeParse({ ...valid, contact_method: m, contact: c }).success;
    expect(ok('email', 'name@example.org')).toBe(true);
    expect(ok('email', 'name@example')).toBe(false);
    expect(ok('email', 'two words@example.org')).toBe(false);
    expect(ok('phone', '+254 (20) 123-4567')).toBe(true);
    expect(ok('phone', '12345')).toBe(false);
    expect(ok('phone', '1'.repeat(16))).toBe(false);
    expect(ok('phone', '+44 20 CALL ME')).toBe(false);
    expect(ok('signal', '+33 6 12 34 56 78')).toBe(true);
    expect(ok('signal', 'quiet_fox.42')).toBe(true);
    expect(ok('signal', 'quiet fox')).toBe(false);
    expect(ok('other', 'Wire: someone')).toBe(true);
    expect(ok('other', '')).toBe(false);
  });

  it('refuses values that are not plain strings (repeated fields, JSON objects) without zod’s English', () => {
    const e = errorsOf({
      ...valid,
      urgency: ['reactive', 'preventive'],
      description: { a: 1 },
      consent: 1,
    });
    expect(e).toEqual({
      urgency: 'common.form.invalid',
      description: 'common.form.invalid',
      consent: 'common.form.invalid',
    });
  });
});

describe('what no answer may hold', () => {
  it('refuses control characters in every answer, NUL included, with their own message', () => {
    for (const field of ['description', 'urgency', 'country', 'language', 'contact_method', 'contact', 'beneficiary', 'consent']) {
      for (const ch of ['\0', '\x07', '\x85', '\uD800', '\uFFFF']) {
        const e = errorsOf({ ...valid, contact_method: 'other', contact: 'me', [field]: `${String(valid[field as keyof typeof valid] ?? 'x')}${ch}` });
        expect(e[field], `${field} ${JSON.stringify(ch)}`).toBe('common.form.control_chars');
      }
    }
    expect(messageSchema.safeParse({ body: 'hi\0' }).error?.issues[0]?.message).toBe('common.form.control_chars');
  });

  it('refuses direction controls and zero-width characters in a contact address, whatever its kind', () => {
    for (const [method, contact] of [
      ['email', 'safe@example.org\u202Egro.live'],
      ['email', 'sa\u200Bfe@example.org'],
      ['phone', '\u202A+44 20 7946 0958\u202C'],
      ['signal', '@name.01\u2066'],
      ['other', 'matrix:@me\u2060:example.org'], // a word joiner (a trailing BOM is trimmed like a space)
    ] as const) {
      expect(errorsOf({ ...valid, contact_method: method, contact }).contact, contact).toBe('intake.error.contact_hidden');
    }
    // Ignored when the person chose not to be contacted (the address is dropped anyway).
    expect(errorsOf({ ...valid, contact_method: 'none', contact: 'x\u202E' })).toEqual({});
  });

  it('refuses what is not a form at all, without throwing', () => {
    for (const v of [[], null, undefined, 'description=x', 5, true]) {
      expect(schema.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
  });

  it('keeps line breaks and tabs, counting CRLF as one character', () => {
    expect(schema.parse({ ...valid, description: 'one\r\ntwo\tthree' }).description).toBe('one\ntwo\tthree');
    expect(messageSchema.safeParse({ body: 'x\r\n'.repeat(LIMITS.messageMax / 2) }).success).toBe(true);
  });
});

describe('message schema', () => {
  it('needs some text within the limit', () => {
    expect(messageSchema.parse({ body: ' hi ' })).toEqual({ body: 'hi' });
    expect(messageSchema.safeParse({ body: '   ' }).success).toBe(false);
    expect(messageSchema.safeParse({ body: 'x'.repeat(LIMITS.messageMax + 1) }).success).toBe(
      false,
    );
  });
});
