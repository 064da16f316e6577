import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { defineFlashes } from './flash.js';

// Post → redirect → flash: the address a redirect writes, and what a page reads back.

const flashes = defineFlashes({
  saved: 'x.done.saved',
  marked: { key: 'x.done.marked', params: ['count'] },
});

/** A request as a page sees it, whose translator shows the key and its values. */
function req(query: Record<string, unknown>): FastifyRequest {
  const t = (key: string, values?: Record<string, unknown>) => (values ? `${key} ${JSON.stringify(values)}` : key);
  return { query, t } as unknown as FastifyRequest;
}

describe('defineFlashes', () => {
  it('appends done= whether or not the address has a query string or a fragment', () => {
    expect(flashes.href('/staff/retention', 'saved')).toBe('/staff/retention?done=saved');
    expect(flashes.href('/staff?view=spam', 'saved')).toBe('/staff?view=spam&done=saved');
    expect(flashes.href('/staff?', 'saved')).toBe('/staff?done=saved');
    expect(flashes.href('/staff/t/x#term-a', 'saved')).toBe('/staff/t/x?done=saved#term-a');
    expect(flashes.href('/staff?view=spam', 'marked', { count: 2 })).toBe('/staff?view=spam&done=marked&count=2');
  });

  it('answers 303 to that address', () => {
    const calls: unknown[] = [];
    const reply = { redirect: (...args: unknown[]) => (calls.push(args), reply) } as unknown as FastifyReply;
    flashes.redirect(reply, '/staff/cases/7', 'marked', { count: 0 });
    expect(calls).toEqual([['/staff/cases/7?done=marked&count=0', 303]]);
  });

  it('refuses an undeclared key or a missing or odd count when redirecting', () => {
    expect(() => flashes.href('/x', 'nope' as 'saved')).toThrow(/not declared/);
    expect(() => flashes.href('/x', 'marked')).toThrow(/count/);
    expect(() => flashes.href('/x', 'marked', { count: -1 })).toThrow(/count/);
    expect(() => flashes.href('/x', 'marked', { count: 1.5 })).toThrow(/count/);
  });

  it('reads back only declared keys, translated', () => {
    expect(flashes.read(req({ done: 'saved' }))).toBe('x.done.saved');
    expect(flashes.read(req({ done: 'marked', count: '3' }))).toBe('x.done.marked {"count":3}');
    for (const done of ['nope', '<script>', 'x.done.saved', '', ['saved', 'saved'], undefined, 'constructor', '__proto__'])
      expect(flashes.read(req({ done })), String(done)).toBeUndefined();
    expect(flashes.read({ query: undefined, t: () => 'x' } as unknown as FastifyRequest)).toBeUndefined();
  });

  it('shows a count only when it is a plain number, as a redirect writes it', () => {
    for (const count of [undefined, '', '-1', '1e3', '0x10', '01', ' 2', '2 ', '99999999999', 'NaN', ['1', '2']])
      expect(flashes.read(req({ done: 'marked', count })), String(count)).toBeUndefined();
    expect(flashes.read(req({ done: 'marked', count: '0' }))).toBe('x.done.marked {"count":0}');
  });

  it('wants flash names that fit an address as they are', () => {
    expect(() => defineFlashes({ 'Bad Name': 'x.y' })).toThrow(/lower-case/);
  });
});
