import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import { INCIDENT_TYPE_MAX, RETENTION_BASES, RETENTION_DAYS, STATUS_CODE } from './retention.js';

const status = safeString().regex(STATUS_CODE, 'retention.error.status_invalid');

/**
 * A rule as the admin form sends it. `incident_type` is a taxonomy code, or blank for the
 * status's general rule; `incidentTypes` are the codes the taxonomy knows (and those that
 * already have a rule, so a rule for a retired type can still be changed). Unticking
 * "enabled" keeps the rule but stops it. The form and any future API use this schema.
 */
export function retentionRuleInput(incidentTypes: ReadonlySet<string>) {
  return z.object({
    status,
    incident_type: safeString()
      .max(INCIDENT_TYPE_MAX, 'retention.error.incident_type_invalid')
      .optional()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || incidentTypes.has(v), 'retention.error.incident_type_invalid'),
    basis: z.enum(RETENTION_BASES, { message: 'retention.error.basis_invalid' }),
    days: z.coerce
      .number({ message: 'retention.error.days_invalid' })
      .int('retention.error.days_invalid')
      .min(RETENTION_DAYS.min, 'retention.error.days_invalid')
      .max(RETENTION_DAYS.max, 'retention.error.days_invalid'),
    enabled: z
      .union([z.literal('yes'), z.literal('')])
      .optional()
      .transform((v) => v === 'yes'),
  });
}
export type RetentionRuleInput = z.output<ReturnType<typeof retentionRuleInput>>;

/**
 * Names a type-specific rule to delete. A status's general rule has no incident type and
 * cannot be deleted (only switched off), so a blank type names nothing.
 */
export const RetentionRuleKeyInput = z.object({
  status,
  incident_type: safeString().min(1).max(INCIDENT_TYPE_MAX),
});
export type RetentionRuleKeyInput = z.output<typeof RetentionRuleKeyInput>;
