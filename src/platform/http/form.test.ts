import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTROL_CHARS_MESSAGE, safeString } from './validation.js';
import { formInput, formValues, listField, parseForm, shownValues, textField } from './form.js';

// The one form path: what a urlencoded (or multipart) body becomes, and what the route gets.

const Schema = z.object({
  name: safeString().trim().min(1, 'x.name_required').max(10, 'x.name_too_long'),
  days: z.coerce.number().int('x.days_invalid').min(1, 'x.days_invalid'),
  tags: z.array(z.enum(['a', 'b'], { message: 'x.tag_unknown' })).max(2, 'x.too_many_tags'),
});

describe('parseForm', () => {
  const options = { fields: ['name', 'days', 'tags'], lists: ['tags'] } as const;

  it('gives the parsed data of a valid form', () => {
    const r = parseForm(Schema, { name: ' Ana ', days: '30', tags: ['a', 'b'], _csrf: 'x' }, options);
    expect(r).toEqual({
      ok: true,
      data: { name: 'Ana', days: 30, tags: ['a', 'b'] },
      values: { name: ' Ana ', days: '30' },
      files: [],
    });
  });

  it('gives what was typed and one message key per field of an invalid form', () => {
    const r = parseForm(Schema, { name: 'far too long a name', days: 'x', tags: 'c' }, options);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // A message that is not an i18n key (zod's own, for 'x' as a number) becomes the generic one.
    expect(r.errors).toEqual({ name: 'x.name_too_long', days: 'common.form.invalid', tags: 'x.tag_unknown' });
    expect(r.values).toEqual({ name: 'far too long a name', days: 'x' });
  });

  it('treats a missing field as a blank one', () => {
    const r = parseForm(Schema, {}, options);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe('x.name_required');
    expect(r.errors.days).toBe('x.days_invalid');
    expect(r.errors.tags).toBeUndefined();
  });

  it('keeps the first value of a repeated text field, and refuses a list for one that takes text', () => {
    const first = parseForm(Schema, { name: ['Ana', 'Bea'], days: ['1', '2'] }, options);
    expect(first.ok && first.data).toEqual({ name: 'Ana', days: 1, tags: [] });
    // A field a schema reads without `fields` keeps its first value too.
    expect(parseForm(z.object({ name: z.string() }), { name: ['a', 'b'] })).toMatchObject({ ok: true, data: { name: 'a' } });
    // A repeated field of something that is not text (a nested object from a forged body) is no answer.
    const odd = parseForm(Schema, { name: [{ x: 1 }], days: { y: 2 } } as unknown, options);
    expect(odd.ok).toBe(false);
    if (odd.ok) return;
    expect(odd.errors.name).toBeDefined();
    expect(odd.errors.days).toBeDefined();
  });

  it('gives a repeated field to the schema as sent when the form asks, and shows its first value again', () => {
    const Text = z.object({ name: safeString().max(10, 'x.name_too_long') });
    const r = parseForm(Text, { name: ['Ana', 'Bea'] }, { fields: ['name'], repeated: 'as-sent' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe('common.form.invalid');
    expect(r.values).toEqual({ name: 'Ana' });
    // A single value reads as it does with 'first'; an absent one is blank.
    expect(parseForm(Text, { name: 'Ana' }, { fields: ['name'], repeated: 'as-sent' })).toMatchObject({ ok: true, data: { name: 'Ana' } });
    expect(parseForm(Text, {}, { fields: ['name'], repeated: 'as-sent' })).toMatchObject({ ok: true, values: { name: '' } });
    expect(formValues({ a: ['x', 'y'], b: '' }, 'null', [], 'as-sent')).toEqual({ a: ['x', 'y'], b: null });
  });

  it('shows a value again in full up to the form\'s own maximum', () => {
    const long = 'y'.repeat(20_001);
    const Text = z.object({ name: safeString().max(20_000, 'x.name_too_long') });
    const r = parseForm(Text, { name: long }, { shown: 50_000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.values.name).toBe(long);
  });

  it('cuts what it shows again, so an oversized value is never echoed whole', () => {
    const huge = 'x'.repeat(100_000);
    const r = parseForm(Schema, { name: huge, days: '1' }, { ...options, shown: 64 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.name).toBe('x.name_too_long');
    expect(r.values.name).toHaveLength(64);
  });

  it('refuses control characters with their own message', () => {
    for (const bad of ['a\u0007', 'a\u0000', 'a\u202E\u0085']) {
      const r = parseForm(Schema, { name: bad, days: '1' }, options);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.name).toBe(CONTROL_CHARS_MESSAGE);
    }
  });

  it('reads a body that is not an object as an empty form', () => {
    for (const body of [undefined, null, 'name=Ana', 42, ['name']]) {
      const r = parseForm(Schema, body, options);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.name).toBe('x.name_required');
    }
  });

  it('does not let a forged list grow without bound', () => {
    const many = Array.from({ length: 5000 }, () => 'a');
    expect(listField({ tags: many }, 'tags')).toBeNull();
    const r = parseForm(Schema, { name: 'Ana', days: '1', tags: many }, options);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.tags).toBe('x.too_many_tags');
  });
});

describe('the field helpers', () => {
  it('textField: the first text value, cut; undefined when absent or not text', () => {
    expect(textField({ a: 'hello' }, 'a', 3)).toBe('hel');
    expect(textField({ a: ['one', 'two'] }, 'a')).toBe('one');
    expect(textField({ a: [] }, 'a')).toBeUndefined();
    expect(textField({}, 'a')).toBeUndefined();
    expect(textField(null, 'a')).toBeUndefined();
    expect(textField({ a: { b: 1 } }, 'a')).toBeUndefined();
  });

  it('listField: every text value of a repeated field; one value is a list of one', () => {
    expect(listField({ c: ['1', '2'] }, 'c')).toEqual(['1', '2']);
    expect(listField({ c: '1' }, 'c')).toEqual(['1']);
    expect(listField({}, 'c')).toEqual([]);
    expect(listField({ c: ['1', { x: 1 }] }, 'c')).toEqual(['1']);
    expect(listField({ c: ['1', '2', '3'] }, 'c', 2)).toBeNull();
  });

  it('formValues: blanks become null, are dropped or kept; repeated fields keep their first value', () => {
    const body = { a: '  ', b: 'x', c: ['y', 'z'], d: '' };
    expect(formValues(body, 'null')).toEqual({ a: null, b: 'x', c: 'y', d: null });
    expect(formValues(body, 'drop')).toEqual({ b: 'x', c: 'y' });
    expect(formValues(body, 'keep')).toEqual(body.a === '  ' ? { a: '  ', b: 'x', c: 'y', d: '' } : {});
    expect(formValues(body, 'keep', ['c'])).toMatchObject({ c: ['y', 'z'] });
    expect(formValues(undefined, 'null')).toEqual({});
  });

  it('formInput gives only the named fields, blank when missing', () => {
    expect(formInput({ a: 'x', other: 'y' }, { fields: ['a', 'b'] })).toEqual({ a: 'x', b: '' });
    expect(formInput({ a: 'x' }, { fields: ['a', 'b'], blank: 'null' })).toEqual({ a: 'x', b: null });
    expect(formInput({ a: 'x' }, { fields: ['a', 'b'], blank: 'drop' })).toEqual({ a: 'x' });
  });

  it('shownValues keeps text only, cut', () => {
    expect(shownValues({ a: 'abcdef', b: ['x'], c: null }, 2)).toEqual({ a: 'ab' });
  });
});
