import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './audit.csv.js';
import { AuditQuery, filtersOf, utcDayStart } from './audit.schema.js';

describe('the audit export CSV', () => {
  it('quotes as RFC 4180 says: commas, quotes and line breaks, quotes doubled', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvLine(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });

  it('never lets a cell start a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(s).replace(/^"/, '').startsWith(`'${s[0]}`), s).toBe(true);
    expect(csvCell('=HYPERLINK("http://x", "y")')).toBe('"\'=HYPERLINK(""http://x"", ""y"")"');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('the audit filters', () => {
  it('reads days in UTC, both ends included', () => {
    expect(utcDayStart('2026-11-22')).toBe(Date.UTC(2026, 10, 22));
    expect(utcDayStart('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '22/11/2026', '', '2026-11-22T00:00']) expect(utcDayStart(bad), bad).toBeNull();
    const q = AuditQuery.parse({ from: '2026-11-21', to: '2026-11-21', case: '12' });
    expect(filtersOf(q)).toEqual({ caseId: 12, fromMs: Date.UTC(2026, 10, 21), toMs: Date.UTC(2026, 10, 22) });
  });

  it('refuses what no form sends, with a message per field', () => {
    const r = AuditQuery.safeParse({ from: '2026-11-23', to: '2026-11-22', case: '0', action: 'Case.Viewed', actor: 'a b' });
    expect(r.success).toBe(false);
    const byField = Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField).toMatchObject({
      case: 'audit.error.case_invalid',
      action: 'audit.error.action_unknown',
      actor: 'audit.error.actor_unknown',
    });
    const reversed = AuditQuery.safeParse({ from: '2026-11-23', to: '2026-11-22' });
    expect(reversed.error?.issues.map((i) => [i.path[0], i.message])).toEqual([['to', 'audit.error.range_reversed']]);
    expect(AuditQuery.safeParse({ cursor: '1.0' }).success).toBe(false);
    expect(AuditQuery.safeParse({ case: '2147483648' }).success).toBe(false);
  });
});
