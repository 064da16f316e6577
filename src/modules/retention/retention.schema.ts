import { z } from 'zod';
import { RETENTION_BASES, RETENTION_DAYS, STATUS_CODE } from './retention.js';

/**
 * A rule as the admin form sends it. Unticking "enabled" keeps the rule but stops it; the
 * form and any future API use this schema.
 */
export const RetentionRuleInput = z.object({
  status: z.string().regex(STATUS_CODE, 'retention.error.status_invalid'),
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
export type RetentionRuleInput = z.output<typeof RetentionRuleInput>;
