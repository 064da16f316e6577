import { describe, expect, it } from 'vitest';
import {
  codePointName,
  hasForbiddenChars,
  hasHiddenHandleChars,
  isolate,
  normalizeNewlines,
  revealInvisible,
  withoutForbiddenChars,
  withoutHiddenHandleChars,
} from './text.js';

describe('characters no typed text contains', () => {
  it('refuses C0 controls but TAB, LF and CR; DEL; C1; lone surrogates; noncharacters', () => {
    for (const ch of [
      '\0',
      '\x01',
      '\x07',
      '\x0B',
      '\x0C',
      '\x1B',
      '\x1F',
      '\x7F',
      '\x80',
      '\x85',
      '\x9F',
    ]) {
      expect(hasForbiddenChars(`a${ch}b`), codePointName(ch)).toBe(true);
    }
    expect(hasForbiddenChars('half an emoji \uD83D')).toBe(true);
    expect(hasForbiddenChars('\uDE00 the other half')).toBe(true);
    expect(hasForbiddenChars('\uFFFE')).toBe(true);
    expect(hasForbiddenChars('\uFFFF')).toBe(true);
    expect(hasForbiddenChars('\uFDD0')).toBe(true);
  });

  it('accepts every script, emoji (joined ones too), tabs and line breaks', () => {
    for (const s of [
      'نحن نتعرض لهجوم رقمي',
      'Нас взламывают',
      '我们的办公室电脑被没收了',
      'help 🔒📱🆘 👩‍💻 🇰🇪',
      'line one\r\nline two\n\tindented',
      'می‌خواهم', // Persian with a zero-width non-joiner
    ]) {
      expect(hasForbiddenChars(s), s).toBe(false);
    }
  });

  it('takes them out of a refused answer shown again', () => {
    expect(withoutForbiddenChars('a\0b\x07c\uD800d\uFFFEe')).toBe('abcde');
    expect(withoutForbiddenChars('tab\tand\nlines')).toBe('tab\tand\nlines');
  });

  it('counts a line break as one character', () => {
    expect(normalizeNewlines('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
  });
});

describe('contact handles', () => {
  it('refuses direction controls and zero-width characters, not the joiners some scripts need', () => {
    for (const ch of [
      '\u202E',
      '\u202A',
      '\u202C',
      '\u2066',
      '\u2069',
      '\u200E',
      '\u200F',
      '\u061C',
      '\u200B',
      '\u2060',
      '\uFEFF',
      '\u00AD',
    ]) {
      expect(hasHiddenHandleChars(`safe@example.org${ch}`), codePointName(ch)).toBe(true);
    }
    expect(hasHiddenHandleChars('+44 20 7946 0958')).toBe(false);
    expect(hasHiddenHandleChars('می‌خواهم@example.org')).toBe(false);
    expect(withoutHiddenHandleChars('\u202A+44 20 7946 0958\u202C')).toBe('+44 20 7946 0958');
  });

  it('shows each invisible character as a named marker instead of letting it act', () => {
    expect(revealInvisible('safe@example.org\u202Egro.live')).toEqual([
      'safe@example.org',
      { hidden: 'U+202E' },
      'gro.live',
    ]);
    expect(revealInvisible('\u200Bname\uFEFF')).toEqual([
      { hidden: 'U+200B' },
      'name',
      { hidden: 'U+FEFF' },
    ]);
    expect(revealInvisible('+52 55 0000 0000')).toEqual(['+52 55 0000 0000']);
  });

  it('isolates a value put into a sentence', () => {
    expect(isolate('أمل')).toBe('\u2068أمل\u2069');
  });
});
