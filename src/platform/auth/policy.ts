import { fail, ok, type Result } from '../errors.js';
import type { Principal, Role } from './roles.js';

/**
 * The one policy engine. Each module declares, per action, who may do it; anything not
 * declared is refused (deny by default). An action is named `<module>.<verb>` or
 * `<resource>.<verb>` and belongs to exactly one module.
 *
 * A rule is either the roles that may do the action, or a function of the principal and,
 * when the caller has them, facts about the record (an assignee, an owner). Without facts a
 * rule answers for the role ("could this person ever do this?"), which is what routes and
 * navigation ask; services ask again with the record loaded in their transaction.
 */
export type Rule<F> = readonly Role[] | ((principal: Subject, facts: F | undefined) => boolean);

/**
 * What a rule looks at: every role the person holds (`roles`, the primary one among them)
 * and, for rules about their own records, their id.
 */
export type Subject = Pick<Principal, 'roles'> & { userId?: string };

export interface Policy<A extends string = string, F = never> {
  readonly actions: readonly A[];
  can(principal: Subject | null, action: A, facts?: F): boolean;
  authorize(principal: Subject | null, action: A, facts?: F): Result<true>;
}

/** Whether `principal` holds any of `roles` (their `roles` include the primary one). */
export function hasRole(principal: Subject | null, roles: readonly Role[]): boolean {
  if (principal === null) return false;
  return principal.roles.some((r) => roles.includes(r));
}

export function definePolicy<A extends string, F = never>(rules: Record<A, Rule<F>>): Policy<A, F> {
  const actions = Object.keys(rules) as A[];
  const can = (principal: Subject | null, action: A, facts?: F): boolean => {
    if (!principal || !Object.hasOwn(rules, action)) return false;
    const rule = rules[action];
    return typeof rule === 'function' ? rule(principal, facts) : hasRole(principal, rule);
  };
  return {
    actions,
    can,
    authorize: (principal, action, facts) => (can(principal, action, facts) ? ok(true) : fail('FORBIDDEN')),
  };
}

/** Every module's policy as one: what the surfaces and navigation ask. Unknown actions are refused. */
export interface PolicyEngine {
  readonly actions: ReadonlySet<string>;
  can(principal: Subject | null, action: string): boolean;
}

export function combinePolicies(policies: readonly Policy<string, never>[]): PolicyEngine {
  const owner = new Map<string, Policy<string, never>>();
  for (const p of policies) {
    for (const a of p.actions) {
      if (owner.has(a)) throw new Error(`the action "${a}" is declared by two modules`);
      owner.set(a, p);
    }
  }
  return {
    actions: new Set(owner.keys()),
    can: (principal, action) => owner.get(action)?.can(principal, action) ?? false,
  };
}
