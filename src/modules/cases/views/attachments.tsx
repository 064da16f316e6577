import type { Translate } from '../../../platform/i18n/index.js';
import type { AttachmentSummary } from '../attachment.service.js';

/** A size in the reader's language: bytes, KB or MB (1024-based, as file managers show). */
export function fileSize(t: Translate, bytes: number): string {
  if (bytes < 1024) return t('cases.attachments.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('cases.attachments.kb', { n: Math.round((bytes / 1024) * 10) / 10 });
  return t('cases.attachments.mb', { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

/** A hash in groups of 16 digits that may wrap between them: 64 digits in one piece overflow a phone's width. */
function hashWithBreaks(hex: string) {
  const groups = hex.match(/.{1,16}/g) ?? [];
  return groups.flatMap((g, i) => (i === 0 ? [g] : [<wbr />, g]));
}

/**
 * The files sent with a message (ADR 26): each name isolated in its own direction, a link that
 * downloads it (never shown inline), its size and SHA-256 for whoever checks a copy.
 */
export function AttachmentList(props: { t: Translate; caseId: number; files: readonly AttachmentSummary[] }) {
  const { t } = props;
  return (
    <div class="attachments">
      <p class="meta">{t('cases.attachments.title', { count: props.files.length })}</p>
      <ul>
        {props.files.map((f) => (
          <li>
            <a href={`/staff/cases/${props.caseId}/attachments/${f.id}`} download="">
              <bdi dir="auto">{f.name}</bdi>
            </a>{' '}
            <span class="hint">
              {fileSize(t, f.size)} · <span dir="ltr">SHA-256 <code>{hashWithBreaks(f.sha256)}</code></span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A form's file input (several files), with what it takes said plainly. It comes after every
 * other field of its form: browsers send fields in document order, and a form's tokens must
 * arrive before its files (platform/http/multipart.ts).
 */
export function FileInput(props: {
  t: Translate;
  limits: { maxFiles: number; maxFileBytes: number; maxTotalBytes: number };
  /** Why the files sent were refused (a message key); the reply was kept, the files must be chosen again. */
  error?: string | undefined;
}) {
  const { t, limits } = props;
  // `f-files`: the id the error summary links to.
  const described = ['h-files', props.error ? 'e-files' : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for="f-files">{t('cases.attachments.label')}</label>
      <p class="hint" id="h-files">
        {t('cases.attachments.hint', {
          max: limits.maxFiles,
          mb: limits.maxFileBytes / (1024 * 1024),
          total: limits.maxTotalBytes / (1024 * 1024),
        })}
      </p>
      {props.error ? (
        <p class="field-error" id="e-files">
          {t(props.error)}
        </p>
      ) : null}
      <input type="file" id="f-files" name="files" multiple aria-describedby={described} aria-invalid={props.error ? 'true' : undefined} />
    </div>
  );
}
