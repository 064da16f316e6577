import type { Deps } from '../../deps.js';
import { URGENCIES } from '../../contracts/case.js';
import type { Translate } from '../../platform/i18n/index.js';
import type { Option } from '../../platform/views/form.js';
import type { AuditLine } from './case.service.js';
import { listCaseWorkers } from './case.service.js';
import { listTerms, taxonomyOptions, termLabel } from './taxonomy.repo.js';
import type { QueueOptions } from './views/queue.js';
import type { TriageOptions } from './views/case-page.js';
import { isolate } from '../../platform/text.js';

// Read-only lookups that turn taxonomy data and staff lists into labelled options for the
// workspace's pages. No case data passes through here.

/** Incident types labelled with their RSIT class/type, so CERT partners' vocabulary is at hand. */
async function incidentTypeOptions(deps: Deps, locale: string, t: Translate): Promise<Option[]> {
  return (await listTerms(deps, 'incident_type')).map((term) => ({
    value: term.code,
    label: term.rsit
      ? t('cases.triage.incident_option', { label: termLabel(term, locale), rsit: term.rsit })
      : termLabel(term, locale),
  }));
}

/** Every option list the triage form needs, labelled in `locale`. */
export async function triageOptions(deps: Deps, locale: string): Promise<TriageOptions> {
  const t = deps.i18n.translator(locale);
  const [incidentTypes, severities, countries, beneficiaries, languages, mandates, regions] =
    await Promise.all([
      incidentTypeOptions(deps, locale, t),
      taxonomyOptions(deps, 'severity', locale),
      taxonomyOptions(deps, 'country', locale),
      taxonomyOptions(deps, 'beneficiary', locale),
      taxonomyOptions(deps, 'language', locale),
      taxonomyOptions(deps, 'mandate', locale),
      taxonomyOptions(deps, 'region', locale),
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
  labels: {
    incidentType: Map<string, string>;
    region: Map<string, string>;
    language: Map<string, string>;
  };
}> {
  const [incidentTypes, regions, languages, staff] = await Promise.all([
    listTerms(deps, 'incident_type'),
    taxonomyOptions(deps, 'region', locale),
    taxonomyOptions(deps, 'language', locale),
    listCaseWorkers(deps),
  ]);
  const incidentOptions = incidentTypes.map((term) => ({
    value: term.code,
    label: termLabel(term, locale),
  }));
  return {
    options: {
      incidentTypes: incidentOptions,
      regions,
      languages,
      staff: staff.map((s) => ({ value: s.id, label: isolate(s.displayName) })),
    },
    labels: {
      incidentType: new Map(incidentOptions.map((o) => [o.value, o.label])),
      region: new Map(regions.map((o) => [o.value, o.label])),
      language: new Map(languages.map((o) => [o.value, o.label])),
    },
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
