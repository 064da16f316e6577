import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { SHIFT_ACTIONS, shiftsPolicy } from './shift.policy.js';

// Who may do what with shifts and handovers, role by role, and the facts that narrow a
// handler's note and acknowledgement to their own handovers.

const as = (role: Role) => ({ roles: [role], userId: 'u' });

describe('the shifts policy', () => {
  it('lets case workers read, coordinators and administrators change, nobody else anything', () => {
    const table = Object.fromEntries(
      ROLES.map((r) => [r, SHIFT_ACTIONS.filter((a) => shiftsPolicy.can(as(r), a))]),
    );
    expect(table).toEqual({
      admin: [...SHIFT_ACTIONS],
      coordinator: [...SHIFT_ACTIONS],
      handler: ['shift.view', 'handover.view', 'handover.note', 'handover.acknowledge'],
      fund_officer: [],
      reviewer: [],
      researcher: [],
      auditor: [],
    });
    expect(shiftsPolicy.can(null, 'shift.view')).toBe(false);
  });

  it('lets a handler note only a handover they are part of, and acknowledge only as its incoming lead', () => {
    expect(shiftsPolicy.can(as('handler'), 'handover.note', { involved: true })).toBe(true);
    expect(shiftsPolicy.can(as('handler'), 'handover.note', { involved: false })).toBe(false);
    expect(shiftsPolicy.can(as('handler'), 'handover.acknowledge', { incomingLead: true })).toBe(
      true,
    );
    expect(shiftsPolicy.can(as('handler'), 'handover.acknowledge', { incomingLead: false })).toBe(
      false,
    );
    expect(
      shiftsPolicy.can(as('coordinator'), 'handover.acknowledge', { incomingLead: false }),
    ).toBe(true);
    expect(shiftsPolicy.can(as('admin'), 'handover.note', { involved: false })).toBe(true);
    expect(shiftsPolicy.can(as('auditor'), 'handover.acknowledge', { incomingLead: true })).toBe(
      false,
    );
  });
});
