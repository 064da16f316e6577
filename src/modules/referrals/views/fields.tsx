import type { Translate } from '../../../platform/i18n/index.js';
import type { Option } from '../../../platform/views/form.js';

// Form pieces the referrals' pages share: a list of checkboxes that send their values under
// one name (form.tsx's Checkbox sends "yes" under its own), in a fieldset whose id the error
// summary links to, as Radios does.

export function CheckboxList(p: {
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  options: readonly (Option & { hint?: string | undefined })[];
  checked: readonly string[];
}) {
  const describedBy = [p.hint ? `h-${p.name}` : '', p.error ? `e-${p.name}` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={p.error ? 'field has-error' : 'field'} id={`f-${p.name}`} aria-describedby={describedBy}>
      <legend>{p.label}</legend>
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
      {p.options.map((o) => {
        const id = `f-${p.name}-${o.value}`;
        return (
          <div class={o.hint ? 'choice with-hint' : 'choice'}>
            <input type="checkbox" id={id} name={p.name} value={o.value} checked={p.checked.includes(o.value)} aria-describedby={o.hint ? `${id}-hint` : undefined} />
            <label for={id}>{o.label}</label>
            {o.hint ? (
              <p class="hint" id={`${id}-hint`}>
                {o.hint}
              </p>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

/** A select of several values (held with Ctrl or ⌘, or a long press), for lists too long for checkboxes. */
export function MultiSelect(p: {
  t: Translate;
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  options: readonly Option[];
  selected: readonly string[];
}) {
  const describedBy = [p.hint ? `h-${p.name}` : '', p.error ? `e-${p.name}` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={`f-${p.name}`}>{p.label}</label>
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
      <select id={`f-${p.name}`} name={p.name} multiple size={8} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy}>
        {p.options.map((o) => (
          <option value={o.value} selected={p.selected.includes(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
