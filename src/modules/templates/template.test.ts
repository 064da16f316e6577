import { describe, expect, it } from 'vitest';
import { fillText, LANGUAGE_CODE, LONGEST_LANGUAGE_CODE, pickLanguage, unknownPlaceholders } from './template.js';

// The pure rules of reply templates: which placeholders a text names that Haven does not fill,
// how a text is filled, and which language's text a case gets.

const values = {
  handler_name: 'Ana',
  case_number: '42',
  followup_url: 'https://help.example.org/followup',
  organisation: 'Helpline',
};

describe('unknownPlaceholders', () => {
  it('finds every braced name Haven does not fill, once each, and nothing in a clean text', () => {
    expect(unknownPlaceholders('Hello {handler_name}, case {case_number}: {followup_url} — {organisation}')).toEqual([]);
    expect(unknownPlaceholders('Dear {name}, {Handler_Name} {name} {اسم} {}')).toEqual(['name', 'Handler_Name', 'اسم', '']);
    // Square brackets are for the person replying; a lone brace, or braces across lines, are text.
    expect(unknownPlaceholders('[place] 1 { 2')).toEqual([]);
    expect(unknownPlaceholders('3 } 4 {\nhandler_name}')).toEqual([]);
    expect(unknownPlaceholders('{ and }')).toEqual([' and ']);
  });
});

describe('fillText', () => {
  it('fills each placeholder, left to right, and never fills a value again', () => {
    expect(fillText('{handler_name} ({case_number}) {followup_url} {organisation} [place]', values)).toBe(
      'Ana (42) https://help.example.org/followup Helpline [place]',
    );
    expect(fillText('{handler_name}', { ...values, handler_name: '{case_number}' })).toBe('{case_number}');
    // Something that only looks like a placeholder stays as it was (a save would have refused it).
    expect(fillText('{toString} {__proto__}', values)).toBe('{toString} {__proto__}');
  });
});

describe('pickLanguage', () => {
  it('takes the language asked for, else English, else the first by code, saying when it fell back', () => {
    expect(pickLanguage(['ar', 'en', 'es'], 'ar')).toEqual({ language: 'ar', fellBack: false });
    expect(pickLanguage(['ar', 'en', 'es'], 'pt')).toEqual({ language: 'en', fellBack: true });
    expect(pickLanguage(['ru', 'es'], 'uk')).toEqual({ language: 'es', fellBack: true });
    expect(pickLanguage([], 'en')).toBeNull();
  });
});

describe('the longest language code', () => {
  it('is a code the forms take, and none they take is longer', () => {
    expect(LANGUAGE_CODE.test(LONGEST_LANGUAGE_CODE)).toBe(true);
    expect(LANGUAGE_CODE.test(`${LONGEST_LANGUAGE_CODE}x`)).toBe(false);
    expect(LANGUAGE_CODE.test(`x${LONGEST_LANGUAGE_CODE}`)).toBe(false);
  });
});
