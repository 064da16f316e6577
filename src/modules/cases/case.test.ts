import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../../contracts/case.js';
import {
  canTransition,
  parseCaseId,
  caseClock,
  messageId,
  splitDuration,
  statusAfterReply,
  STATUS_TRANSITIONS,
} from './case.js';

const MIN = 60_000;

describe('status lifecycle', () => {
  // The whole matrix, written out: a change to the lifecycle must change this table too.
  const allowed: Record<string, string[]> = {
    new: ['vetting', 'open', 'spam'],
    vetting: ['open', 'out_of_mandate', 'spam'],
    open: ['waiting', 'resolved'],
    waiting: ['open', 'resolved'],
    resolved: ['closed', 'open'],
    closed: ['open'],
    out_of_mandate: ['referred', 'closed'],
    referred: ['closed'],
    spam: ['new'],
  };

  for (const from of CASE_STATUSES) {
    for (const to of CASE_STATUSES) {
      const expected = allowed[from]!.includes(to);
      it(`${from} → ${to} is ${expected ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(expected);
      });
    }
  }

  it('covers every status and follows the main line new → vetting → open → waiting → resolved → closed', () => {
    expect(Object.keys(STATUS_TRANSITIONS).sort()).toEqual([...CASE_STATUSES].sort());
    const line = ['new', 'vetting', 'open', 'waiting', 'resolved', 'closed'];
    for (let i = 1; i < line.length; i++) expect(canTransition(line[i - 1]!, line[i]!)).toBe(true);
    expect(
      canTransition('vetting', 'out_of_mandate') && canTransition('out_of_mandate', 'referred'),
    ).toBe(true);
    expect(canTransition('nonsense', 'open')).toBe(false);
  });

  it('moves a new case to open on the first reply, and leaves vetting alone', () => {
    expect(statusAfterReply('new')).toBe('open');
    expect(statusAfterReply('vetting')).toBe('vetting');
    expect(statusAfterReply('waiting')).toBe('waiting');
  });
});

describe('first-response clock', () => {
  const created = 1_000_000_000_000;
  const base = {
    awaiting_reply: 1,
    created_at: created,
    first_response_due_at: created + 120 * MIN,
    first_response_at: null,
    last_activity_at: created,
  };

  it('counts down to the deadline, then up once overdue, escalating at 60 and 90 minutes', () => {
    const dueAt = created + 120 * MIN;
    expect(caseClock(base, created + 10 * MIN, 60, 90)).toEqual({
      first: { kind: 'due', ms: 110 * MIN, dueAt },
      awaiting: null,
      escalation: 'none',
    });
    expect(caseClock(base, created + 60 * MIN, 60, 90)).toEqual({
      first: { kind: 'due', ms: 60 * MIN, dueAt },
      awaiting: null,
      escalation: 'lead',
    });
    expect(caseClock(base, created + 95 * MIN, 60, 90)).toEqual({
      first: { kind: 'due', ms: 25 * MIN, dueAt },
      awaiting: null,
      escalation: 'director',
    });
    expect(caseClock(base, created + 150 * MIN, 60, 90)).toEqual({
      first: { kind: 'overdue', ms: 30 * MIN, dueAt },
      awaiting: null,
      escalation: 'director',
    });
  });

  it('after the first reply, keeps when it was made and says apart since when a new requester message awaits a reply', () => {
    const answered = {
      ...base,
      first_response_at: created + 5 * MIN,
      last_activity_at: created + 200 * MIN,
    };
    expect(caseClock(answered, created + 270 * MIN, 60, 90)).toEqual({
      first: { kind: 'answered', at: created + 5 * MIN },
      awaiting: { since: created + 200 * MIN, ms: 70 * MIN },
      escalation: 'lead',
    });
    expect(caseClock({ ...answered, awaiting_reply: 0 }, created + 270 * MIN, 60, 90)).toEqual({
      first: { kind: 'answered', at: created + 5 * MIN },
      awaiting: null,
      escalation: 'none',
    });
  });

  it('splits durations for plain words', () => {
    expect(splitDuration(35 * MIN)).toEqual({ days: 0, hours: 0, minutes: 35 });
    expect(splitDuration(80 * MIN + 59_000)).toEqual({ days: 0, hours: 1, minutes: 20 });
    expect(splitDuration((2 * 1440 + 3 * 60 + 5) * MIN)).toEqual({ days: 2, hours: 3, minutes: 5 });
  });
});

describe('message ids', () => {
  it('are UUIDv7 that sort in the order they were made, even within one millisecond', () => {
    const ms = Date.UTC(2026, 10, 22, 9, 0, 0);
    const ids = [messageId(ms), messageId(ms), messageId(ms), messageId(ms + 1), messageId(ms + 1)];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.replace(/-/g, '').slice(0, 12)).toBe(ms.toString(16).padStart(12, '0'));
  });
});

describe('parseCaseId', () => {
  it('takes a positive id that fits the database, nothing else', () => {
    expect(['1', '42', '2147483647'].map(parseCaseId)).toEqual([1, 42, 2147483647]);
    expect(['0', '01', '-1', '1.5', '2147483648', '99999999999', '', ' 1', '1e3', undefined, 7].map(parseCaseId)).toEqual(
      Array(11).fill(null),
    );
  });
});
