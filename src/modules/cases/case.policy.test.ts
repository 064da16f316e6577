import { describe, expect, it } from 'vitest';
import { ROLES, type Principal, type Role } from '../../platform/auth/roles.js';
import { authorize, can, canSetAssignee, CASE_ACTIONS, type CaseAction } from './case.policy.js';

const who = (role: Role, userId = `u-${role}`): Principal => ({
  userId,
  email: `${role}@example.org`,
  displayName: role,
  role,
  roles: [role],
  locale: 'en',
  timeZone: 'UTC',
  via: 'session',
});

const W = ['admin', 'coordinator', 'handler'];
const L = ['admin', 'coordinator'];

// Every role × action, at the role level (no case given). Deny by default: a role missing
// from a row is refused.
const table: Record<CaseAction, string[]> = {
  'case.list': W,
  'case.view': W,
  'case.reply': W,
  'case.note': W,
  'case.triage': W,
  'case.status': W,
  'case.claim': W,
  'case.assign': W,
  'case.view_audit': L,
  'case.mark_spam': L,
  'case.not_spam': W,
  'case.restrict': W,
  'case.override_checks': L,
  'case.link': W,
  'case.merge': W,
};

describe('case policy', () => {
  it('names every action in the table', () => {
    expect(Object.keys(table).sort()).toEqual([...CASE_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of CASE_ACTIONS) {
      const expected = table[action].includes(role);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        expect(can(who(role), action)).toBe(expected);
        expect(authorize(who(role), action)).toEqual(
          expected ? { ok: true, value: true } : { ok: false, code: 'FORBIDDEN' },
        );
      });
    }
  }

  it('refuses everything to nobody', () => {
    for (const action of CASE_ACTIONS) expect(can(null, action)).toBe(false);
  });

  describe('with a case', () => {
    const handler = who('handler', 'h1');
    const unassigned = { assignee_id: null };
    const mine = { assignee_id: 'h1' };
    const theirs = { assignee_id: 'h2' };

    it('lets a handler claim only an unassigned case', () => {
      expect(can(handler, 'case.claim', unassigned)).toBe(true);
      expect(can(handler, 'case.claim', theirs)).toBe(false);
      expect(canSetAssignee(handler, unassigned, 'h1')).toBe(true);
      expect(canSetAssignee(handler, unassigned, 'h2')).toBe(false);
      expect(canSetAssignee(handler, theirs, 'h1')).toBe(false);
    });

    it('lets a handler hand over or release their own case, and nobody else’s', () => {
      expect(can(handler, 'case.assign', mine)).toBe(true);
      expect(canSetAssignee(handler, mine, 'h3')).toBe(true);
      expect(canSetAssignee(handler, mine, null)).toBe(true);
      expect(can(handler, 'case.assign', theirs)).toBe(false);
      expect(canSetAssignee(handler, theirs, null)).toBe(false);
    });

    it('lets a handler restrict only the case they hold, and leads any case', () => {
      expect(can(handler, 'case.restrict', mine)).toBe(true);
      expect(can(handler, 'case.restrict', theirs)).toBe(false);
      expect(can(handler, 'case.restrict', unassigned)).toBe(false);
      for (const role of ['coordinator', 'admin'] as const) expect(can(who(role), 'case.restrict', theirs)).toBe(true);
      expect(can(who('auditor'), 'case.restrict', mine)).toBe(false);
    });

    it('lets a handler merge only the case they hold, leads any case, and every case worker link', () => {
      expect(can(handler, 'case.merge', mine)).toBe(true);
      expect(can(handler, 'case.merge', theirs)).toBe(false);
      expect(can(handler, 'case.merge', unassigned)).toBe(false);
      for (const role of ['coordinator', 'admin'] as const) expect(can(who(role), 'case.merge', theirs)).toBe(true);
      for (const role of ['auditor', 'researcher', 'fund_officer'] as const) {
        expect(can(who(role), 'case.merge', mine), role).toBe(false);
        expect(can(who(role), 'case.link', mine), role).toBe(false);
      }
      expect(can(handler, 'case.link', theirs)).toBe(true);
    });

    it('lets coordinators and admins assign any case to anyone', () => {
      for (const role of ['coordinator', 'admin'] as const) {
        expect(canSetAssignee(who(role), theirs, 'h3')).toBe(true);
        expect(canSetAssignee(who(role), theirs, null)).toBe(true);
      }
    });

    it('keeps the other roles out of assignment whatever the case', () => {
      for (const role of ROLES.filter((r) => !['admin', 'coordinator', 'handler'].includes(r))) {
        expect(canSetAssignee(who(role, 'x'), unassigned, 'x')).toBe(false);
        expect(canSetAssignee(who(role, 'x'), { assignee_id: 'x' }, null)).toBe(false);
      }
    });
  });
});
