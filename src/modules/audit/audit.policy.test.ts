import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { AUDIT_ACTIONS, auditPolicy, type AuditAction } from './audit.policy.js';

// Every role × every action, written out, so a change to the rules shows up here.
const Y = true;
const N = false;
const none = { 'audit.view': N, 'audit.export': N };
const both = { 'audit.view': Y, 'audit.export': Y };
const TABLE: Record<Role, Record<AuditAction, boolean>> = {
  admin: both,
  coordinator: none,
  handler: none,
  fund_officer: none,
  reviewer: none,
  researcher: none,
  auditor: both,
};

describe('audit policy', () => {
  it('covers every role and every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(Object.keys(TABLE[role]).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect([...auditPolicy.actions].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of AUDIT_ACTIONS) {
      it(`${role} ${TABLE[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(auditPolicy.can({ roles: [role] }, action)).toBe(TABLE[role][action]);
      });
    }
  }

  it('denies nobody signed in, an unknown action and an unknown role', () => {
    for (const action of AUDIT_ACTIONS) expect(auditPolicy.can(null, action)).toBe(false);
    expect(auditPolicy.can({ roles: ['admin'] }, 'audit.delete' as AuditAction)).toBe(false);
    expect(auditPolicy.can({ roles: ['guest' as Role] }, 'audit.view')).toBe(false);
  });
});
