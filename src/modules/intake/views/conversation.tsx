import {
  CsrfField,
  ErrorSummary,
  TextArea,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { PublicLayout } from '../../../platform/views/public-layout.js';
import { LIMITS } from '../../cases/index.js';
import { formatWhen, type IntakeContext } from './context.js';
import { FileField, FilesNotice, sizeOf, type FilesState } from './files.js';

export interface ConversationProps {
  ctx: IntakeContext;
  status: string;
  messages: {
    kind: 'requester' | 'reply';
    body: string;
    createdAt: number;
    attachments?: readonly { id: string; name: string; size: number }[];
  }[];
  /** The message form's file field and why files sent were not kept, if they were not (ADR 26). */
  files: FilesState;
  /** Sealed instance: the conversation cannot be shown, but a message can still be sent. */
  locked: boolean;
  csrfToken: string;
  /** The message form's one-time token: a resend of a message already saved adds nothing. */
  onceToken: string;
  sent: boolean;
  draft: string;
  errors: FieldErrors;
  /** The message form's token did not match the session: nothing was sent, the text is kept. */
  csrfProblem: boolean;
}

/** The requester's conversation: their messages and the helpline's replies (never notes), and a reply form. */
export function ConversationPage(props: ConversationProps) {
  const { ctx } = props;
  const t = ctx.t;
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.conversation.title')}>
      <h1>{t('intake.conversation.title')}</h1>
      {props.sent ? (
        <p class="notice" role="status">
          {t('intake.conversation.sent')}
        </p>
      ) : null}
      {props.csrfProblem ? (
        <p class="warning" role="alert">
          {t('intake.conversation.csrf_problem')}
        </p>
      ) : null}
      <p>
        <strong>{t('intake.conversation.status_label')}</strong>{' '}
        {t(`intake.status.${props.status}`)}
      </p>
      {props.messages.map((m) => (
        <article class={`message ${m.kind}`}>
          <p class="meta">
            {m.kind === 'requester'
              ? t('intake.conversation.from_you', { when: formatWhen(ctx.locale, m.createdAt) })
              : t('intake.conversation.from_helpline', {
                  when: formatWhen(ctx.locale, m.createdAt),
                })}
          </p>
          <p class="body" dir="auto">
            {m.body}
          </p>
          {m.attachments?.length ? (
            <div class="attachments">
              <p class="meta">{t('intake.conversation.files', { count: m.attachments.length })}</p>
              <ul>
                {m.attachments.map((f) => (
                  <li>
                    <a href={ctx.link(`/followup/attachments/${f.id}`)} download="">
                      <bdi dir="auto">{f.name}</bdi>
                    </a>{' '}
                    ({sizeOf(ctx, f.size)})
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </article>
      ))}
      {props.locked ? (
        <p class="notice" role="status" id="records-locked">
          {t('intake.conversation.locked')}
        </p>
      ) : props.messages.some((m) => m.kind === 'reply') ? null : (
        <p>{t('intake.conversation.no_reply_yet')}</p>
      )}
      <h2>{t('intake.conversation.write_title')}</h2>
      <ErrorSummary
        t={t}
        errors={props.errors}
        labels={{ body: t('intake.conversation.body_label') }}
        locale={ctx.locale}
      />
      <FilesNotice ctx={ctx} files={props.files} />
      <form
        method="post"
        action={ctx.link('/followup/conversation')}
        accept-charset="utf-8"
        enctype={props.files.limits.maxFiles > 0 ? 'multipart/form-data' : undefined}
        novalidate
      >
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="_once" value={props.onceToken} />
        <TextArea
          t={t}
          name="body"
          label={t('intake.conversation.body_label')}
          error={props.errors.body}
          value={props.draft}
          maxLength={LIMITS.messageMax}
          rows={6}
        />
        {/* The last field: files come after every other field (ADR 26). */}
        <FileField ctx={ctx} files={props.files} />
        <button type="submit">{t('intake.conversation.send')}</button>
      </form>
      <h2>{t('intake.conversation.leave_title')}</h2>
      <form method="post" action={ctx.link('/followup/leave')}>
        <CsrfField token={props.csrfToken} />
        <p>{t('intake.conversation.leave_hint')}</p>
        <button type="submit" class="secondary">
          {t('intake.conversation.leave')}
        </button>
      </form>
      <h2>{t('intake.conversation.delete_title')}</h2>
      <form method="post" action={ctx.link('/followup/delete')}>
        <CsrfField token={props.csrfToken} />
        <p>{t('intake.conversation.delete_hint')}</p>
        <button type="submit" class="secondary">
          {t('intake.conversation.delete')}
        </button>
      </form>
    </PublicLayout>
  );
}
