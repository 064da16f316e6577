import { describe, expect, it } from 'vitest';
import { governingRule, runPlan, type RuleKey } from './retention.js';

type R = RuleKey & { enabled: boolean; days: number };
const rule = (status: string, incidentType: string | null, days: number, enabled = true): R => ({
  status,
  incidentType,
  days,
  enabled,
});

const RULES: R[] = [
  rule('closed', null, 90),
  rule('closed', 'harassment', 7),
  rule('closed', 'doxing', 30, false),
  rule('resolved', null, 180, false),
  rule('resolved', 'ncii', 14),
  // A type rule with no general rule beside it.
  rule('waiting', 'other', 60),
];

describe('which retention rule governs a case', () => {
  it('the rule for the exact status and incident type wins over the general rule', () => {
    expect(governingRule(RULES, { status: 'closed', incidentType: 'harassment' })?.days).toBe(7);
    expect(governingRule(RULES, { status: 'resolved', incidentType: 'ncii' })?.days).toBe(14);
  });

  it('a disabled type rule governs (keeps) its type: it never falls back to the general rule', () => {
    const r = governingRule(RULES, { status: 'closed', incidentType: 'doxing' });
    expect(r).toMatchObject({ incidentType: 'doxing', enabled: false });
  });

  it('a case without a type, or of a type without its own rule, follows the general rule', () => {
    expect(governingRule(RULES, { status: 'closed', incidentType: null })).toMatchObject({ incidentType: null, days: 90 });
    expect(governingRule(RULES, { status: 'closed', incidentType: 'surveillance' })).toMatchObject({ incidentType: null });
    // A type rule of another status does not apply.
    expect(governingRule(RULES, { status: 'closed', incidentType: 'ncii' })).toMatchObject({ incidentType: null });
  });

  it('no rule at all keeps the case', () => {
    expect(governingRule(RULES, { status: 'open', incidentType: 'harassment' })).toBeUndefined();
    expect(governingRule(RULES, { status: 'waiting', incidentType: null })).toBeUndefined();
    expect(governingRule(RULES, { status: 'waiting', incidentType: 'other' })?.days).toBe(60);
  });
});

describe('the run plan', () => {
  const plan = runPlan(RULES);

  it('has one step per enabled rule; a general step leaves every type with its own rule alone', () => {
    expect(plan.map((s) => `${s.rule.status}:${s.rule.incidentType ?? '*'}:${s.exceptIncidentTypes.join(',')}`)).toEqual([
      'closed:*:doxing,harassment',
      'closed:harassment:',
      'resolved:ncii:',
      'waiting:other:',
    ]);
  });

  it('searches each case under exactly the rule that governs it, and only if that rule is on', () => {
    const covers = (s: (typeof plan)[number], c: { status: string; incidentType: string | null }) =>
      s.rule.status === c.status &&
      (s.rule.incidentType !== null
        ? c.incidentType === s.rule.incidentType
        : c.incidentType === null || !s.exceptIncidentTypes.includes(c.incidentType));
    for (const status of ['closed', 'resolved', 'waiting', 'open'])
      for (const incidentType of [null, 'harassment', 'doxing', 'ncii', 'other', 'surveillance']) {
        const c = { status, incidentType };
        const steps = plan.filter((s) => covers(s, c));
        const governing = governingRule(RULES, c);
        const label = JSON.stringify(c);
        if (governing?.enabled) expect(steps.map((s) => s.rule), label).toEqual([governing]);
        else expect(steps, label).toEqual([]);
      }
  });
});
