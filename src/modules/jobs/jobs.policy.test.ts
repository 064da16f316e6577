import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { JOBS_ACTIONS, jobsPolicy, type JobsAction } from './jobs.policy.js';

// Every role × every action, written out, so a change to the rules shows up here.
const Y = true;
const N = false;
const none = { 'jobs.view': N, 'jobs.retry': N };
const TABLE: Record<Role, Record<JobsAction, boolean>> = {
  admin: { 'jobs.view': Y, 'jobs.retry': Y },
  coordinator: none,
  handler: none,
  fund_officer: none,
  reviewer: none,
  researcher: none,
  auditor: none,
};

describe('jobs policy', () => {
  it('covers every role and every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES)
      expect(Object.keys(TABLE[role]).sort()).toEqual([...JOBS_ACTIONS].sort());
    expect([...jobsPolicy.actions].sort()).toEqual([...JOBS_ACTIONS].sort());
  });

  for (const role of ROLES) {
    for (const action of JOBS_ACTIONS) {
      it(`${role} ${TABLE[role][action] ? 'may' : 'may not'} ${action}`, () => {
        expect(jobsPolicy.can({ roles: [role] }, action)).toBe(TABLE[role][action]);
      });
    }
  }

  it('denies nobody signed in, an unknown action and an unknown role', () => {
    for (const action of JOBS_ACTIONS) expect(jobsPolicy.can(null, action)).toBe(false);
    expect(jobsPolicy.can({ roles: ['admin'] }, 'jobs.purge' as JobsAction)).toBe(false);
    expect(jobsPolicy.can({ roles: ['guest' as Role] }, 'jobs.view')).toBe(false);
  });
});
