import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { can, RETENTION_ACTIONS, type RetentionAction } from './retention.policy.js';

// Every role × every action, written out, so a change to the rules shows up here.
const Y = true;
const N = false;
const none = { 'retention.view': N, 'retention.edit': N, 'retention.run': N };
const TABLE: Record<Role, Record<RetentionAction, boolean>> = {
  admin: { 'retention.view': Y, 'retention.edit': Y, 'retention.run': Y },
  coordinator: none,
  handler: none,
  fund_officer: none,
  reviewer: none,
  researcher: none,
  auditor: none,
};

describe('retention policy', () => {
  it('covers every role and every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES)
      expect(Object.keys(TABLE[role]).sort()).toEqual([...RETENTION_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of RETENTION_ACTIONS) {
      it(`${role} ${TABLE[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ roles: [role] }, action)).toBe(TABLE[role][action]);
      });
    }
  }

  it('denies nobody signed in, an unknown action and an unknown role', () => {
    for (const action of RETENTION_ACTIONS) expect(can(null, action)).toBe(false);
    expect(can({ roles: ['admin'] }, 'retention.purge_all' as RetentionAction)).toBe(false);
    expect(can({ roles: ['guest' as Role] }, 'retention.view')).toBe(false);
  });
});
