import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { REFERRAL_ACTIONS, referralPolicy, type ReferralAction } from './referral.policy.js';

// Every role × every action, written out, so a change to the rules shows up here.
const Y = true;
const N = false;
const none: Record<ReferralAction, boolean> = {
  'partner.view': N,
  'partner.edit': N,
  'referral.view': N,
  'referral.create': N,
  'referral.letter': N,
  'referral.outcome': N,
};
const worker = { ...none, 'partner.view': Y, 'referral.view': Y, 'referral.create': Y, 'referral.letter': Y, 'referral.outcome': Y };
const lead = { ...worker, 'partner.edit': Y };
const TABLE: Record<Role, Record<ReferralAction, boolean>> = {
  admin: lead,
  coordinator: lead,
  handler: worker,
  fund_officer: none,
  reviewer: none,
  researcher: none,
  auditor: none,
};

describe('referral policy', () => {
  it('covers every role and every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROLES].sort());
    expect([...referralPolicy.actions].sort()).toEqual([...REFERRAL_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of REFERRAL_ACTIONS) {
      it(`${role} ${TABLE[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(referralPolicy.can({ roles: [role] }, action)).toBe(TABLE[role][action]);
      });
    }
  }

  it('denies nobody signed in and an unknown action', () => {
    for (const action of REFERRAL_ACTIONS) expect(referralPolicy.can(null, action)).toBe(false);
    expect(referralPolicy.can({ roles: ['admin'] }, 'referral.send' as ReferralAction)).toBe(false);
  });
});
