import type { ComponentChildren } from 'preact';
import type { Principal } from '../../../platform/auth/roles.js';
import type { Translate } from '../../../platform/i18n/index.js';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  Select,
  TextArea,
  type FieldErrors,
  type Option,
} from '../../../platform/views/form.js';
import { Handle } from '../../../platform/views/handle.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { isolate } from '../../../platform/text.js';
import { caseClock, STATUS_TRANSITIONS } from '../case.js';
import { can } from '../case.policy.js';
import { MESSAGE_MAX } from '../case.schema.js';
import { statusesWithReply, type AuditLine, type CaseView, type StaffMessage } from '../case.service.js';
import { formatTime, type TimeContext } from '../../../platform/views/time.js';
import { ClockText, Moment } from './format.js';
import type { CaseStatus } from '../../../contracts/case.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import type { AttachmentSummary } from '../attachment.service.js';
import { AttachmentList, FileInput } from './attachments.js';
import { AccessSection } from './access-section.js';
import type { CaseAccessView } from '../access.service.js';
import { InsertTemplateForm, type InsertedTemplate } from '../../templates/index.js';
import type { DuplicateSuggestion } from '../link.service.js';
import { DuplicatesSection, LinksSection, type LinksProps } from './links-section.js';

/** The forms on the case page; a failed POST re-renders the page with that form's errors. */
export type CaseForm = 'reply' | 'note' | 'triage' | 'assign' | 'status' | 'access' | 'link' | 'merge';

export interface TriageOptions {
  incidentTypes: Option[];
  urgencies: Option[];
  severities: Option[];
  countries: Option[];
  beneficiaries: Option[];
  languages: Option[];
  mandates: Option[];
  regions: Option[];
}

export interface CasePageProps {
  ctx: StaffPageContext;
  view: CaseView;
  options: TriageOptions;
  staff: Option[];
  now: number;
  failed?:
    | {
        form: CaseForm;
        errors: FieldErrors;
        values: Record<string, unknown>;
        /** Another module's check refused the status change (it may be overridden by a lead). */
        refusedByCheck?: boolean;
      }
    | undefined;
  /** The reply form's one-time token: the same form sent twice replies once. */
  replyToken: string;
  /** Who may know the case (ADR 32) and the one-time token of its forms. */
  access?: { view: CaseAccessView; token: string } | undefined;
  /** The files of the conversation's messages, by message (ADR 26). */
  attachments?: Map<string, AttachmentSummary[]>;
  /** How many files a reply may carry and how large (none: the reply takes no files). */
  fileLimits?: { maxFiles: number; maxFileBytes: number; maxTotalBytes: number };
  /** Reply templates to insert (templates module): the choices, and the one just put in the reply box. */
  templates?: { choices: Option[]; selected?: string; inserted?: InsertedTemplate | null; text?: string };
  /** Sections other modules add to the case (contracts/case-extension.ts), already rendered. */
  panels?: ComponentChildren[];
  /**
   * Links and merges (ADR 38): the forms' one-time token, open cases from the same contact handle
   * the reader may know, and the receipts of cases merged into this one (a reply may go to one).
   */
  links?: { token: string; duplicates: DuplicateSuggestion[]; receipts: number[] } | undefined;
}

function labelOf(options: Option[], value: string | null): string | null {
  if (value === null) return null;
  return options.find((o) => o.value === value)?.label ?? value;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function Message(props: { t: Translate; at: TimeContext; m: StaffMessage; caseId?: number; files?: AttachmentSummary[] | undefined }) {
  const via = props.m.via ?? null;
  const { t, m } = props;
  const who =
    m.kind === 'requester'
      ? t('cases.message.from_requester')
      : t('cases.message.by', { name: m.authorName ? isolate(m.authorName) : t('cases.message.former_staff') });
  return (
    <article class={`message ${m.kind}`} aria-label={t(`cases.message.kind.${m.kind}`)}>
      <p class="meta">
        <strong>{t(`cases.message.kind.${m.kind}`)}</strong>
        {' · '}
        {who}
        {' · '}
        <Moment at={props.at} ms={m.createdAt} />
        {via !== null ? (
          <>
            {' · '}
            <span class="tag">{t(m.kind === 'reply' ? 'cases.merge.reply_to' : 'cases.merge.via', { id: via })}</span>
          </>
        ) : null}
      </p>
      {/* dir="auto": each message reads in its own direction, whatever the page's. */}
      <p class="body" dir="auto">
        {m.body}
      </p>
      {props.files?.length && props.caseId !== undefined ? (
        <AttachmentList t={t} caseId={props.caseId} files={props.files} />
      ) : null}
    </article>
  );
}

function AuditTrail(props: {
  t: Translate;
  at: TimeContext;
  lines: AuditLine[];
  actionLabel: (a: AuditLine) => string;
}) {
  const { t } = props;
  return (
    <section class="panel" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('cases.audit.title')}</h2>
      {/* The table's box is a region of its own inside the section: a name of its own too (axe: landmark-unique). */}
      <TableScroll label={t('cases.audit.table')}>
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{t('cases.audit.when')}</th>
              <th scope="col">{t('cases.audit.who')}</th>
              <th scope="col">{t('cases.audit.what')}</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((a) => (
              <tr>
                <td>
                  <Moment at={props.at} ms={a.at} />
                </td>
                <td>
                  {a.actorName ? (
                    <bdi>{a.actorName}</bdi>
                  ) : (
                    t(
                      `cases.audit.actor.${a.actorKind === 'requester' ? 'requester' : a.actorKind === 'system' ? 'system' : 'staff'}`,
                    )
                  )}
                </td>
                <td>{props.actionLabel(a)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

/** Says that a case's personal data was deleted, when, and by which rule (see purge.service.ts). */
function PurgedNotice(props: {
  t: Translate;
  at: TimeContext;
  purged: { at: number; rule: string };
  incidentTypes: Option[];
}) {
  const { t, purged } = props;
  const when = formatTime(props.at, purged.at);
  // `retention:<status>:<days>d`, or `retention:<status>:<incident type>:<days>d` for a type's rule.
  const m = /^retention:([a-z_]+):(?:([a-z0-9_-]+):)?(\d+)d$/.exec(purged.rule);
  const status = m ? t(`cases.status.${m[1]}`) : '';
  const rule = !m
    ? t('cases.purged.rule_requester')
    : m[2]
      ? t('cases.purged.rule_retention_type', {
          status,
          type: labelOf(props.incidentTypes, m[2]) ?? m[2],
          days: Number(m[3]),
        })
      : t('cases.purged.rule_retention', { status, days: Number(m[3]) });
  return (
    <p class="notice" role="status">
      {t('cases.purged.notice', { when, rule })}
    </p>
  );
}

/**
 * The case page: the conversation with reply and note forms on the main side; facts, contact,
 * assignment, status, triage and the audit trail on the other. What the person may not do is
 * not shown.
 */
export function CasePage(p: CasePageProps & { actionLabel: (a: AuditLine) => string }) {
  const { ctx } = p;
  const { t } = ctx;
  const c = p.view.case;
  const me = ctx.principal as Principal;
  const failed = p.failed;
  const errorsOf = (form: CaseForm): FieldErrors => (failed?.form === form ? failed.errors : {});
  const valueOf = (form: CaseForm, field: string, fallback: string | null): string | undefined =>
    failed?.form === form ? str(failed.values[field]) : (fallback ?? undefined);
  // Only leads may mark as spam (ADR 13); a handler is not offered what would be refused.
  const next = (STATUS_TRANSITIONS[c.status as CaseStatus] ?? []).filter(
    (s) => s !== 'spam' || can(me, 'case.mark_spam'),
  );
  const title = t('cases.case_number', { id: c.id });
  const fieldLabels: Record<string, string> = {
    body: t('cases.reply.label'),
    note: t('cases.note.label'),
    incident_type: t('cases.field.incident_type'),
    urgency: t('cases.field.urgency'),
    severity: t('cases.field.severity'),
    country: t('cases.field.country'),
    beneficiary: t('cases.field.beneficiary'),
    language: t('cases.field.language'),
    mandate: t('cases.field.mandate'),
    assignee_id: t('cases.field.assignee'),
    status: t('cases.field.status'),
    next_status: t('cases.reply.status_label', { current: t(`cases.status.${c.status}`) }),
    version: t('cases.field.version'),
    files: t('cases.attachments.label'),
    person: t('access.person'),
    restricted: t('access.title'),
    other: t('cases.link.other'),
    reason: t('cases.link.reason_label'),
    into: t('cases.merge.into'),
    to: t('cases.reply.to'),
  };
  const version = <input type="hidden" name="version" value={String(c.version)} />;
  // With the reply, the status may move on too (or stay as the reply leaves it: blank).
  const withReply = can(me, 'case.status', c) ? statusesWithReply(c.status) : [];
  // A merged case is closed for good: its conversation lives on in the case it was merged into (ADR 38).
  const merged = p.view.mergedInto;
  const open = !p.view.purged && merged === null;
  const linkProps: LinksProps | null = p.links
    ? {
        t,
        at: ctx,
        csrfToken: ctx.csrfToken,
        caseId: c.id,
        version: c.version,
        token: p.links.token,
        links: p.view.links,
        duplicates: p.links.duplicates,
        mergedHere: p.view.mergedHere,
        mayLink: can(me, 'case.link', c),
        mayMerge: open && c.status !== 'spam' && can(me, 'case.merge', c),
        linkErrors: errorsOf('link'),
        mergeErrors: errorsOf('merge'),
        values: {
          other: valueOf('link', 'other', null),
          reason: valueOf('link', 'reason', null),
          into: valueOf('merge', 'into', null),
        },
      }
    : null;

  return (
    <StaffLayout ctx={ctx} title={title}>
      <p>
        <a href="/staff">{t('cases.page.back')}</a>
      </p>
      <h1>
        {title} <span class="tag">{t(`cases.status.${c.status}`)}</span>
        {p.access?.view.restricted ? <span class="tag">{t('access.tag')}</span> : null}
      </h1>
      {p.view.purged ? (
        <PurgedNotice
          t={t}
          at={ctx}
          purged={p.view.purged}
          incidentTypes={p.options.incidentTypes}
        />
      ) : null}
      {merged !== null ? (
        <p class="notice" role="status">
          {t('cases.merge.notice')} <a href={`/staff/cases/${merged}`}>{t('cases.case_number', { id: merged })}</a>
        </p>
      ) : null}
      {c.suspected_spam ? (
        <div class="notice">
          <p>
            {t('cases.spam.notice', {
              reason: t(`cases.spam_reason.${c.spam_reason ?? 'staff'}`),
            })}
          </p>
          {can(me, 'case.not_spam', c) ? (
            <form method="post" action={`/staff/cases/${c.id}/not-spam`}>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="from" value="case" />
              <button type="submit">{t('cases.spam.not_spam')}</button>
            </form>
          ) : null}
        </div>
      ) : null}
      {failed ? <ErrorSummary t={t} errors={failed.errors} labels={fieldLabels} /> : null}
      <div class="layout">
        <div>
          <section aria-labelledby="conversation-title">
            <h2 id="conversation-title">{t('cases.page.conversation')}</h2>
            {p.view.messages.map((m) => (
              <Message t={t} at={ctx} m={m} caseId={c.id} files={p.attachments?.get(m.id)} />
            ))}
          </section>
          {can(me, 'case.reply', c) && open && p.templates ? (
            <InsertTemplateForm t={t} locale={ctx.locale} caseId={c.id} {...p.templates} />
          ) : null}
          {can(me, 'case.reply', c) && open ? (
            <form
              method="post"
              action={`/staff/cases/${c.id}/replies`}
              class="panel reply-form"
              id="reply"
              enctype={p.fileLimits && p.fileLimits.maxFiles > 0 ? 'multipart/form-data' : undefined}
            >
              <h2>{t('cases.reply.title')}</h2>
              <CsrfField token={ctx.csrfToken} />
              <TextArea
                t={t}
                name="body"
                label={t('cases.reply.label')}
                hint={t('cases.reply.hint')}
                error={errorsOf('reply').body}
                value={valueOf('reply', 'body', p.templates?.text ?? null)}
                maxLength={MESSAGE_MAX}
                rows={p.templates?.text ? 16 : 6}
              />
              <input type="hidden" name="_once" value={p.replyToken} />
              {p.links && p.links.receipts.length > 0 ? (
                <Select
                  t={t}
                  name="to"
                  label={t('cases.reply.to')}
                  hint={t('cases.reply.to_hint')}
                  blank={t('cases.reply.to_own')}
                  value={valueOf('reply', 'to', null)}
                  error={errorsOf('reply').to}
                  options={p.links.receipts.map((id) => ({ value: String(id), label: t('cases.reply.to_merged', { id }) }))}
                />
              ) : null}
              {withReply.length > 0 ? (
                <>
                  {version}
                  <Select
                    t={t}
                    name="next_status"
                    label={t('cases.reply.status_label', { current: t(`cases.status.${c.status}`) })}
                    hint={t('cases.reply.status_hint')}
                    blank={t('cases.reply.status_keep')}
                    value={valueOf('reply', 'next_status', null)}
                    error={errorsOf('reply').next_status}
                    options={withReply.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
                  />
                </>
              ) : null}
              {/* After every other field: browsers send fields in order, and files must come last (ADR 26). */}
              {p.fileLimits && p.fileLimits.maxFiles > 0 ? (
                <FileInput t={t} limits={p.fileLimits} error={errorsOf('reply').files} />
              ) : null}
              <button type="submit">{t('cases.reply.submit')}</button>
            </form>
          ) : null}
          {can(me, 'case.note', c) && open ? (
            <form method="post" action={`/staff/cases/${c.id}/notes`} class="panel note-form">
              <h2>{t('cases.note.title')}</h2>
              <CsrfField token={ctx.csrfToken} />
              <TextArea
                t={t}
                name="note"
                label={t('cases.note.label')}
                hint={t('cases.note.hint')}
                error={errorsOf('note').note}
                value={valueOf('note', 'note', null)}
                maxLength={MESSAGE_MAX}
                rows={4}
              />
              <button type="submit">{t('cases.note.submit')}</button>
            </form>
          ) : null}
          {linkProps && open ? <DuplicatesSection {...linkProps} /> : null}
          {p.panels?.map((panel) => panel)}
        </div>
        <aside>
          <section class="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">{t('cases.page.facts')}</h2>
            <dl class="facts">
              <dt>{t('cases.field.clock')}</dt>
              <dd>
                <ClockText
                  t={t}
                  at={ctx}
                  clock={caseClock(c, p.now)}
                />
              </dd>
              <dt>{t('cases.field.received')}</dt>
              <dd>
                <Moment at={ctx} ms={c.created_at} />
              </dd>
              <dt>{t('cases.field.urgency')}</dt>
              <dd>{t(`cases.urgency.${c.urgency}`)}</dd>
              <dt>{t('cases.field.incident_type')}</dt>
              <dd>
                {labelOf(p.options.incidentTypes, c.incident_type) ?? t('cases.queue.untriaged')}
              </dd>
              <dt>{t('cases.field.region')}</dt>
              <dd>{labelOf(p.options.regions, c.region) ?? t('cases.queue.none')}</dd>
              <dt>{t('cases.field.contact')}</dt>
              <dd>
                {t(`cases.contact_method.${c.contact_method}`)}
                {p.view.contact ? (
                  <>
                    {': '}
                    <Handle t={t} value={p.view.contact} />
                  </>
                ) : null}
              </dd>
            </dl>
          </section>

          <section class="panel" aria-labelledby="assign-title">
            <h2 id="assign-title">{t('cases.assign.title')}</h2>
            <p>
              {c.assignee_name
                ? t('cases.assign.current', { name: isolate(c.assignee_name) })
                : t('cases.assign.nobody')}
            </p>
            {c.assignee_id === null && can(me, 'case.claim', c) ? (
              <form method="post" action={`/staff/cases/${c.id}/claim`}>
                <CsrfField token={ctx.csrfToken} />
                {version}
                <button type="submit">{t('cases.assign.claim')}</button>
              </form>
            ) : null}
            {can(me, 'case.assign', c) ? (
              <form method="post" action={`/staff/cases/${c.id}/assignment`}>
                <CsrfField token={ctx.csrfToken} />
                {version}
                <Select
                  t={t}
                  name="assignee_id"
                  label={t('cases.assign.label')}
                  blank={t('cases.assign.unassign')}
                  value={valueOf('assign', 'assignee_id', c.assignee_id)}
                  error={errorsOf('assign').assignee_id}
                  options={p.staff}
                />
                <button type="submit">{t('cases.assign.submit')}</button>
              </form>
            ) : null}
          </section>

          {linkProps ? <LinksSection {...linkProps} /> : null}

          {p.access ? (
            <AccessSection
              t={t}
              at={ctx}
              csrfToken={ctx.csrfToken}
              caseId={c.id}
              access={p.access.view}
              token={p.access.token}
              staff={p.staff}
              may={can(me, 'case.restrict', c)}
              me={me.userId}
              errors={errorsOf('access')}
            />
          ) : null}

          {can(me, 'case.status', c) && next.length > 0 && merged === null ? (
            <section class="panel" aria-labelledby="status-title">
              <h2 id="status-title">{t('cases.status_form.title')}</h2>
              <form method="post" action={`/staff/cases/${c.id}/status`}>
                <CsrfField token={ctx.csrfToken} />
                {version}
                <Select
                  t={t}
                  name="status"
                  label={t('cases.status_form.label', { current: t(`cases.status.${c.status}`) })}
                  value={valueOf('status', 'status', next[0]!)}
                  error={errorsOf('status').status}
                  options={next.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
                />
                {/* Offered once another module's check refused the move (ADR 31), to those who may override it. */}
                {errorsOf('status').status && failed?.refusedByCheck && can(me, 'case.override_checks') ? (
                  <Checkbox t={t} name="override" label={t('cases.status_form.override')} />
                ) : null}
                <button type="submit">{t('cases.status_form.submit')}</button>
              </form>
            </section>
          ) : null}

          {can(me, 'case.triage', c) ? (
            <section class="panel" aria-labelledby="triage-title">
              <h2 id="triage-title">{t('cases.triage.title')}</h2>
              <form method="post" action={`/staff/cases/${c.id}/triage`}>
                <CsrfField token={ctx.csrfToken} />
                {version}
                <Select
                  t={t}
                  name="incident_type"
                  label={t('cases.field.incident_type')}
                  hint={t('cases.triage.incident_hint')}
                  blank={t('cases.triage.not_set')}
                  value={valueOf('triage', 'incident_type', c.incident_type)}
                  error={errorsOf('triage').incident_type}
                  options={p.options.incidentTypes}
                />
                <Select
                  t={t}
                  name="urgency"
                  label={t('cases.field.urgency')}
                  value={valueOf('triage', 'urgency', c.urgency)}
                  error={errorsOf('triage').urgency}
                  options={p.options.urgencies}
                />
                <Select
                  t={t}
                  name="severity"
                  label={t('cases.field.severity')}
                  blank={t('cases.triage.not_set')}
                  value={valueOf('triage', 'severity', c.severity)}
                  error={errorsOf('triage').severity}
                  options={p.options.severities}
                />
                <Select
                  t={t}
                  name="country"
                  label={t('cases.field.country')}
                  hint={t('cases.triage.country_hint')}
                  blank={t('cases.triage.not_set')}
                  value={valueOf('triage', 'country', c.country)}
                  error={errorsOf('triage').country}
                  options={p.options.countries}
                />
                <Select
                  t={t}
                  name="beneficiary"
                  label={t('cases.field.beneficiary')}
                  blank={t('cases.triage.not_set')}
                  value={valueOf('triage', 'beneficiary', c.beneficiary)}
                  error={errorsOf('triage').beneficiary}
                  options={p.options.beneficiaries}
                />
                <Select
                  t={t}
                  name="language"
                  label={t('cases.field.language')}
                  value={valueOf('triage', 'language', c.language)}
                  error={errorsOf('triage').language}
                  options={p.options.languages}
                />
                <Select
                  t={t}
                  name="mandate"
                  label={t('cases.field.mandate')}
                  value={valueOf('triage', 'mandate', c.mandate)}
                  error={errorsOf('triage').mandate}
                  options={p.options.mandates}
                />
                <button type="submit">{t('cases.triage.submit')}</button>
              </form>
            </section>
          ) : null}

          {p.view.audit ? (
            <AuditTrail
              t={t}
              at={ctx}
              lines={p.view.audit}
              actionLabel={p.actionLabel}
            />
          ) : null}
        </aside>
      </div>
    </StaffLayout>
  );
}

/** The page shown when someone else changed the case first (409): nothing was saved. */
export function ConflictPage(props: { ctx: StaffPageContext; caseId: number }) {
  const { t } = props.ctx;
  return (
    <StaffLayout ctx={props.ctx} title={t('cases.conflict.title')}>
      <h1>{t('cases.conflict.title')}</h1>
      <p>{t('cases.conflict.body', { id: props.caseId })}</p>
      <p>
        <a href={`/staff/cases/${props.caseId}`}>{t('cases.conflict.reload')}</a>
      </p>
    </StaffLayout>
  );
}
