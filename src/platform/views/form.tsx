import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Translate } from '../i18n/index.js';
import { withoutForbiddenChars } from '../text.js';

/**
 * Form pieces in the GOV.UK pattern: an error summary at the top that links to each field,
 * the message next to the field, labels and hints tied to inputs for assistive technology.
 * `errors` maps a field name to a message key. Text fields take `dir="auto"`, so an answer in
 * Arabic on an English page (or the reverse) reads in its own direction, and show a refused
 * answer again without the control characters it was refused for (platform/text.ts).
 */
export type FieldErrors = Record<string, string>;

/** A label that already ends as a question or a sentence does ("?", "？", "؟", ":", "."…). */
const ENDS_LIKE_A_SENTENCE = /[?\uFF1F\u061F:\uFF1A.\u3002\u06D4!\uFF01\u2026]$/u;

/**
 * One line of the error summary: the field's label, then the message. A colon joins them only
 * where the label does not already end in its own punctuation ("What is happening? Tell us…",
 * never "What is happening?: …"); French puts a no-break space before it, as its labels do
 * before "?".
 */
export function summaryLine(label: string, message: string, locale?: string): string {
  const l = label.trimEnd();
  if (ENDS_LIKE_A_SENTENCE.test(l)) return `${l} ${message}`;
  return `${l}${locale?.split('-')[0] === 'fr' ? '\u00A0: ' : ': '}${message}`;
}

export function ErrorSummary(props: {
  t: Translate;
  errors: FieldErrors;
  labels: Record<string, string>;
  /** The page's language, for the punctuation between a label and its message. */
  locale?: string;
}) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">{props.t('common.form.error_summary')}</h2>
      <ul>
        {entries.map(([field, key]) => (
          <li>
            <a href={`#f-${field}`}>{summaryLine(props.labels[field] ?? field, props.t(key), props.locale)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}

function describedBy(p: FieldProps): string | undefined {
  const ids = [p.hint ? `h-${p.name}` : '', p.error ? `e-${p.name}` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Message(p: FieldProps) {
  return (
    <>
      {p.hint ? (
        <p class="hint" id={`h-${p.name}`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`e-${p.name}`}>
          {p.t(p.error)}
        </p>
      ) : null}
    </>
  );
}

export function TextField(
  p: FieldProps & { value?: string | undefined; type?: string; autocomplete?: string; maxLength?: number; required?: boolean; inputmode?: string },
) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={`f-${p.name}`}>{p.label}</label>
      <Message {...p} />
      <input
        id={`f-${p.name}`}
        name={p.name}
        type={p.type ?? 'text'}
        value={withoutForbiddenChars(p.value ?? '')}
        dir="auto"
        autocomplete={p.autocomplete ?? 'off'}
        maxLength={p.maxLength}
        required={p.required}
        inputMode={p.inputmode as 'numeric' | undefined}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
      />
    </div>
  );
}

export function TextArea(p: FieldProps & { value?: string | undefined; rows?: number; maxLength?: number; required?: boolean }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={`f-${p.name}`}>{p.label}</label>
      <Message {...p} />
      <textarea
        id={`f-${p.name}`}
        name={p.name}
        rows={p.rows ?? 8}
        dir="auto"
        maxLength={p.maxLength}
        required={p.required}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
      >
        {withoutForbiddenChars(p.value ?? '')}
      </textarea>
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

/** Radio buttons in a fieldset; the first input carries the id the error summary links to. */
export function Radios(p: FieldProps & { options: readonly Option[]; value?: string | undefined }) {
  return (
    <fieldset class={p.error ? 'field has-error' : 'field'} id={`f-${p.name}`} aria-describedby={describedBy(p)}>
      <legend>{p.label}</legend>
      <Message {...p} />
      {p.options.map((o) => (
        <div class="choice">
          <input
            type="radio"
            id={`f-${p.name}-${o.value}`}
            name={p.name}
            value={o.value}
            checked={p.value === o.value}
          />
          <label for={`f-${p.name}-${o.value}`}>{o.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * A select's options, rendered once per list and choice: a country list is ~250 options, and
 * the public form shows the same lists (the taxonomies' kept copies, ADR 22) on every page.
 * Keyed by the list itself, so a list built afresh for one page is rendered as before and
 * forgotten with it; a few choices are kept per list (a value sent back is any text).
 */
const renderedOptions = new WeakMap<readonly Option[], Map<string, string>>();
const CHOICES_KEPT = 32;

function optionsHtml(options: readonly Option[], value: string | undefined, blank: string | undefined): string {
  let byChoice = renderedOptions.get(options);
  if (!byChoice) {
    byChoice = new Map();
    renderedOptions.set(options, byChoice);
  }
  const key = `${blank === undefined ? '0' : `1${blank}`}\0${value ?? ''}`;
  let html = byChoice.get(key);
  if (html === undefined) {
    html = renderToString(
      <>
        {blank !== undefined ? <option value="">{blank}</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={value === o.value}>
            {o.label}
          </option>
        ))}
      </>,
    );
    if (byChoice.size < CHOICES_KEPT) byChoice.set(key, html);
  }
  return html;
}

export function Select(p: FieldProps & { options: readonly Option[]; value?: string | undefined; blank?: string }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={`f-${p.name}`}>{p.label}</label>
      <Message {...p} />
      <select
        id={`f-${p.name}`}
        name={p.name}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p)}
        // Rendered by Preact (escaped) in optionsHtml; kept as text only to be reused.
        dangerouslySetInnerHTML={{ __html: optionsHtml(p.options, p.value, p.blank) }}
      />
    </div>
  );
}

export function Checkbox(p: FieldProps & { checked?: boolean; children?: ComponentChildren }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <Message {...p} />
      <div class="choice">
        <input
          type="checkbox"
          id={`f-${p.name}`}
          name={p.name}
          value="yes"
          checked={p.checked}
          aria-describedby={describedBy(p)}
        />
        <label for={`f-${p.name}`}>{p.label}</label>
      </div>
    </div>
  );
}

export function CsrfField(p: { token: string | null }) {
  return <input type="hidden" name="_csrf" value={p.token ?? ''} />;
}
