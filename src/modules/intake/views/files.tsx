import type { ErrorCode } from '../../../platform/errors.js';
import type { IntakeContext } from './context.js';

// The file field of the public forms and what they say when files were refused (ADR 26).

/**
 * Why a form's files were not kept: too many, one too large, all together too large, a type
 * not taken, a body cut short; or `again`: the form came back for another reason, and files
 * chosen cannot be kept by a browser, so they must be chosen again.
 */
export type FilesProblem = 'too_many' | 'too_large' | 'total' | 'type' | 'unreadable' | 'again';

/** The limits a form's files have (config.attachments). */
export interface FileLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** What the form says about files: their limits, and what went wrong with them, if anything. */
export interface FilesState {
  limits: FileLimits;
  problem: FilesProblem | null;
}

/** The problem a refusal of a form's files names. */
export function filesProblem(code: ErrorCode, reason?: 'total'): FilesProblem {
  if (code === 'TOO_MANY_FILES') return 'too_many';
  if (code === 'FILE_TOO_LARGE') return reason === 'total' ? 'total' : 'too_large';
  if (code === 'FILE_TYPE') return 'type';
  return 'unreadable';
}

const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** The message for a files problem, with the limits it names. */
export function FilesNotice(props: { ctx: IntakeContext; files: FilesState }) {
  const { t } = props.ctx;
  const { problem, limits } = props.files;
  if (!problem) return null;
  const args = { max: limits.maxFiles, mb: mb(limits.maxFileBytes), total: mb(limits.maxTotalBytes) };
  return (
    <div class="warning" role="alert" id="files-problem">
      <p>{t(`intake.files.${problem}`, args)}</p>
    </div>
  );
}

/**
 * The file input, with its limits and a warning about what files may reveal. It is the last
 * field of its form: browsers send fields in document order, and the form's tokens must
 * arrive before its files (platform/http/multipart.ts).
 */
export function FileField(props: { ctx: IntakeContext; files: FilesState }) {
  const { t } = props.ctx;
  const { limits } = props.files;
  if (limits.maxFiles === 0) return null;
  return (
    <div class={props.files.problem && props.files.problem !== 'again' ? 'field error' : 'field'}>
      <label for="files">{t('intake.files.label')}</label>
      <p class="hint" id="files-hint">
        {t('intake.files.hint', { max: limits.maxFiles, mb: mb(limits.maxFileBytes), total: mb(limits.maxTotalBytes) })}
      </p>
      <p class="hint" id="files-metadata">
        {t('intake.files.metadata')}
      </p>
      <input type="file" id="files" name="files" multiple aria-describedby="files-hint files-metadata" />
    </div>
  );
}

/** A size in the reader's language, for the names of files in a conversation. */
export function sizeOf(ctx: IntakeContext, bytes: number): string {
  if (bytes < 1024) return ctx.t('intake.files.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return ctx.t('intake.files.kb', { n: Math.round((bytes / 1024) * 10) / 10 });
  return ctx.t('intake.files.mb', { n: mb(bytes) });
}
