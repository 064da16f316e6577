// Retention rules as data: how long a case of one status (and, optionally, one incident
// type) keeps its personal data, and which rule governs a case. Pure.

/** What a rule counts from: when the case was finished, or its last activity. */
export const RETENTION_BASES = ['closed_at', 'last_activity_at'] as const;
export type RetentionBasis = (typeof RETENTION_BASES)[number];

/** Bounds on a rule's period, in days: at least a day, at most ten years. */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

/** A status code a rule may key on: any lower-case code, so new statuses (e.g. spam) need no code change. */
export const STATUS_CODE = /^[a-z_]{1,32}$/;

/** Longest incident type code a rule may name (the taxonomy's codes are far shorter). */
export const INCIDENT_TYPE_MAX = 64;

/** Identifies a rule: a status, and an incident type or null for the status's general rule. */
export interface RuleKey {
  status: string;
  /** A taxonomy incident type code; null for the general rule (cases of any other type, or none). */
  incidentType: string | null;
}

export interface RetentionRule extends RuleKey {
  basis: RetentionBasis;
  days: number;
  enabled: boolean;
  updatedAt: number;
  updatedBy: string | null;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest `basis` time a case may have and be due under `rule` at `now`. */
export function cutoffOf(rule: Pick<RetentionRule, 'days'>, now: number): number {
  return now - rule.days * DAY_MS;
}

/**
 * The rule that governs a case, or undefined when none does (the case is kept). Precedence:
 * the rule for the case's exact (status, incident type) wins; otherwise the status's general
 * rule. The governing rule may be disabled: then the case is kept. A disabled type-specific
 * rule therefore keeps that type even when the general rule is on: it never falls back. A
 * case without an incident type (not yet triaged) follows the general rule.
 */
export function governingRule<R extends RuleKey>(
  rules: readonly R[],
  c: { status: string; incidentType: string | null },
): R | undefined {
  const ofStatus = rules.filter((r) => r.status === c.status);
  return (
    (c.incidentType !== null ? ofStatus.find((r) => r.incidentType === c.incidentType) : undefined) ??
    ofStatus.find((r) => r.incidentType === null)
  );
}

/** One step of a retention run: an enabled rule, and the incident types it must leave alone. */
export interface RunStep<R extends RuleKey = RetentionRule> {
  rule: R;
  /**
   * For a general rule: the incident types that have their own rule for the status (enabled
   * or not), which the general rule never purges. Empty for a type-specific rule.
   */
  exceptIncidentTypes: string[];
}

/**
 * What a run applies: every enabled rule once, so that each case is searched for under
 * exactly the rule `governingRule` gives it (see the test that checks the two agree).
 */
export function runPlan<R extends RuleKey & { enabled: boolean }>(rules: readonly R[]): RunStep<R>[] {
  return rules
    .filter((r) => r.enabled)
    .map((rule) => ({
      rule,
      exceptIncidentTypes:
        rule.incidentType === null
          ? rules
              .filter((o) => o.status === rule.status && o.incidentType !== null)
              .map((o) => o.incidentType as string)
              .sort()
          : [],
    }));
}
