import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { ACCOUNT_ACTIONS, can, type AccountAction } from './user.policy.js';

// Every role × every action, written out, so a change to the rules shows up here.
const Y = true;
const N = false;
const TABLE: Record<Role, Record<AccountAction, boolean>> = {
  admin: {
    'account.manage_own': Y,
    'user.list': Y,
    'user.create': Y,
    'user.disable': Y,
    'user.enable': Y,
    'user.reset': Y,
    'user.reassign': Y,
    'user.set_roles': Y,
    'team.list': Y,
    'team.create': Y,
    'team.manage': Y,
    'token.manage_own': Y,
  },
  coordinator: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': Y,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': Y,
  },
  handler: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': N,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': Y,
  },
  fund_officer: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': N,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': N,
  },
  reviewer: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': N,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': N,
  },
  researcher: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': N,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': N,
  },
  auditor: {
    'account.manage_own': Y,
    'user.list': N,
    'user.create': N,
    'user.disable': N,
    'user.enable': N,
    'user.reset': N,
    'user.reassign': N,
    'user.set_roles': N,
    'team.list': N,
    'team.create': N,
    'team.manage': N,
    'token.manage_own': N,
  },
};

describe('accounts policy', () => {
  it('covers every role and every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES)
      expect(Object.keys(TABLE[role]).sort()).toEqual([...ACCOUNT_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of ACCOUNT_ACTIONS) {
      it(`${role} ${TABLE[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ roles: [role] }, action)).toBe(TABLE[role][action]);
      });
    }
  }

  it('denies nobody signed in, an unknown action and an unknown role', () => {
    for (const action of ACCOUNT_ACTIONS) expect(can(null, action)).toBe(false);
    expect(can({ roles: ['admin'] }, 'user.delete' as AccountAction)).toBe(false);
    expect(can({ roles: ['guest' as Role] }, 'account.manage_own')).toBe(false);
  });
});
