import type { Deps } from '../../deps.js';
import { URGENCIES } from '../../contracts/case.js';
import type { Translate } from '../../platform/i18n/index.js';
import type { Option } from '../../platform/views/form.js';
import type { AuditLine, CaseSummaryRow } from './case.service.js';
import { listCaseWorkers, listInactiveCaseHolders } from './case.service.js';
import { cachedTerms, taxonomyOptions, termLabel, termLabels } from '../taxonomies/index.js';
import type { QueueOptions } from './views/queue.js';
import type { TriageOptions } from './views/case-page.js';
import { isolate } from '../../platform/text.js';

// Read-only lookups that turn taxonomy data and staff lists into labelled options for the
// workspace's pages. No case data passes through here.

/**
 * Incident types labelled with their RSIT class/type, so CERT partners' vocabulary is at hand;
 * `keep`, the case's own type, is among them even when it has been retired.
 */
async function incidentTypeOptions(deps: Deps, locale: string, t: Translate, keep: string | null): Promise<Option[]> {
  const terms = await cachedTerms(deps, 'incident_type', { includeRetired: true });
  return terms.filter((term) => term.active || term.code === keep).map((term) => ({
    value: term.code,
    label: term.rsit
      ? t('cases.triage.incident_option', { label: termLabel(term, locale), rsit: term.rsit })
      : termLabel(term, locale),
  }));
}

/**
 * Every option list the triage form needs, labelled in `locale`. The case's current values
 * are offered even when their terms have been retired, so the page still names them and the
 * form sends them back unchanged.
 */
export async function triageOptions(
  deps: Deps,
  locale: string,
  current?: Pick<CaseSummaryRow, 'incident_type' | 'severity' | 'country' | 'beneficiary' | 'language' | 'mandate' | 'region'>,
): Promise<TriageOptions> {
  const t = deps.i18n.translator(locale);
  const [incidentTypes, severities, countries, beneficiaries, languages, mandates, regions] =
    await Promise.all([
      incidentTypeOptions(deps, locale, t, current?.incident_type ?? null),
      taxonomyOptions(deps, 'severity', locale, { keep: current?.severity }),
      taxonomyOptions(deps, 'country', locale, { keep: current?.country }),
      taxonomyOptions(deps, 'beneficiary', locale, { keep: current?.beneficiary }),
      taxonomyOptions(deps, 'language', locale, { keep: current?.language }),
      taxonomyOptions(deps, 'mandate', locale, { keep: current?.mandate }),
      taxonomyOptions(deps, 'region', locale, { keep: current?.region }),
    ]);
  const urgencies = URGENCIES.map((u) => ({ value: u, label: t(`cases.urgency.${u}`) }));
  return {
    incidentTypes,
    urgencies,
    severities,
    countries,
    beneficiaries,
    languages,
    mandates,
    regions,
  };
}

/** The queue's filter options and the labels its rows need. */
export async function queueOptions(
  deps: Deps,
  locale: string,
): Promise<{
  options: QueueOptions;
  /** Who a case may be given to (the bulk change's choices). */
  workers: { id: string; displayName: string }[];
  labels: {
    incidentType: Map<string, string>;
    region: Map<string, string>;
    language: Map<string, string>;
  };
}> {
  const t = deps.i18n.translator(locale);
  const [incidentTypes, regions, languages, staff, inactive, labels] = await Promise.all([
    taxonomyOptions(deps, 'incident_type', locale),
    taxonomyOptions(deps, 'region', locale),
    taxonomyOptions(deps, 'language', locale),
    listCaseWorkers(deps),
    listInactiveCaseHolders(deps),
    // Rows name retired terms too: a case keeps the code it was given.
    Promise.all([
      termLabels(deps, 'incident_type', locale),
      termLabels(deps, 'region', locale),
      termLabels(deps, 'language', locale),
    ]),
  ]);
  return {
    workers: staff,
    options: {
      incidentTypes,
      regions,
      languages,
      // People who can no longer work but still hold open cases stay findable, labelled as such.
      staff: [
        ...staff.map((s) => ({ value: s.id, label: isolate(s.displayName) })),
        ...inactive.map((s) => ({
          value: s.id,
          label:
            s.status === 'disabled'
              ? t('accounts.users.holder_disabled', { name: isolate(s.displayName) })
              : t('accounts.users.holder_pending', { name: isolate(s.displayName) }),
        })),
      ],
    },
    labels: { incidentType: labels[0], region: labels[1], language: labels[2] },
  };
}

/**
 * An audit entry in words. Actions other modules may add later fall back to their code
 * rather than failing the page.
 */
export function auditActionLabel(deps: Deps, t: Translate, a: AuditLine): string {
  const key = `cases.audit.action.${a.action.replace(/\./g, '_')}`;
  const label = deps.i18n.has('en', key) ? t(key) : a.action;
  const from = a.detail?.from;
  const to = a.detail?.to;
  if (a.action === 'case.status_changed' && typeof from === 'string' && typeof to === 'string') {
    return t('cases.audit.status_detail', {
      label,
      from: t(`cases.status.${from}`),
      to: t(`cases.status.${to}`),
    });
  }
  if (a.action === 'case.triaged' && typeof a.detail?.fields === 'string') {
    return t('cases.audit.fields_detail', {
      label,
      fields: a.detail.fields
        .split(',')
        .map((f) => t(`cases.field.${f}`))
        .join(', '),
    });
  }
  return label;
}
