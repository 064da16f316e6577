import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { I18n, loadCatalog, PUBLIC_LOCALES } from '../i18n/index.js';
import { projectRoot } from '../paths.js';
import { ErrorSummary, Select, type Option } from './form.js';

// A select's options are rendered once per list and choice and reused (the public form shows
// the same kept lists on every page): the reused text must be what a fresh rendering gives.

const t = (key: string) => key;

function select(options: readonly Option[], value?: string, blank?: string): string {
  return renderToString(<Select t={t} name="country" label="Country" options={options} value={value} blank={blank} />);
}

describe('Select', () => {
  const list: readonly Option[] = [
    { value: 'KE', label: 'Kenya' },
    { value: 'FR', label: 'France <&> "quoted"' },
  ];

  it('marks the chosen option, escapes labels, and gives the same text when the list is reused', () => {
    const first = select(list, 'FR', '—');
    expect(first).toContain('<option value>—</option>');
    expect(first).toContain('<option value="FR" selected>France &lt;&amp;> &quot;quoted&quot;</option>');
    expect(first).toContain('<option value="KE">Kenya</option>');
    expect(select(list, 'FR', '—')).toBe(first);
    // Another choice on the same list: its own text.
    const other = select(list, 'KE', '—');
    expect(other).toContain('<option value="KE" selected>Kenya</option>');
    expect(other).not.toContain('FR" selected');
    // Without the blank option, and with nothing chosen.
    expect(select(list)).not.toContain('<option value>');
    expect(select(list)).not.toContain('selected');
  });

  it('renders a new list afresh, even with the same choice', () => {
    expect(select(list, 'KE')).toContain('>Kenya</option>');
    const renamed = [{ value: 'KE', label: 'Kenia' }, ...list.slice(1)];
    expect(select(renamed, 'KE')).toContain('<option value="KE" selected>Kenia</option>');
  });

  it('keeps any number of choices correct, however many are asked for', () => {
    for (let i = 0; i < 100; i++) {
      const value = i % 2 ? 'KE' : `x${i}`;
      const html = select(list, value);
      expect(html.includes('<option value="KE" selected>')).toBe(value === 'KE');
    }
  });
});

describe('ErrorSummary', () => {
  const i18n = new I18n(loadCatalog(join(projectRoot(), 'locales')));
  // The request form's questions, each with a message it can show.
  const fields: [string, string][] = [
    ['description', 'intake.error.description_required'],
    ['urgency', 'intake.error.urgency_unknown'],
    ['country', 'intake.error.country_unknown'],
    ['language', 'intake.error.language_unknown'],
    ['contact_method', 'intake.error.contact_method_unknown'],
    ['contact', 'intake.error.contact_email'],
    ['beneficiary', 'intake.error.beneficiary_unknown'],
    ['consent', 'intake.error.consent_required'],
  ];

  /** The summary's lines as text (entities decoded), for the request form in `locale`. */
  function lines(locale: string): { label: string; message: string; line: string }[] {
    const tr = i18n.translator(locale);
    const labels = Object.fromEntries(fields.map(([f]) => [f, tr(`intake.form.${f}_label`)]));
    const html = renderToString(
      <ErrorSummary t={tr} errors={Object.fromEntries(fields)} labels={labels} locale={locale} />,
    );
    const shown = [...html.matchAll(/<a href="#f-[a-z_]+">([^<]*)<\/a>/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&#39;/g, "'"),
    );
    expect(shown).toHaveLength(fields.length);
    return fields.map(([f, key], i) => ({ label: labels[f]!, message: tr(key), line: shown[i]! }));
  }

  it('never puts a colon after a label that ends in its own punctuation, in any language', () => {
    for (const locale of PUBLIC_LOCALES) {
      for (const { label, message, line } of lines(locale)) {
        expect(line, `${locale}: ${line}`).not.toMatch(/[?\uFF1F\u061F:.]\s*:/u);
        expect(line.startsWith(label), `${locale}: ${line}`).toBe(true);
        expect(line.endsWith(message), `${locale}: ${line}`).toBe(true);
        // A question is followed by the message after one space; any other label by a colon.
        const between = line.slice(label.length, line.length - message.length);
        expect(between, `${locale}: ${line}`).toBe(
          /[?\uFF1F\u061F]$/u.test(label) ? ' ' : locale === 'fr' ? '\u00A0: ' : ': ',
        );
      }
    }
  });

  it('reads naturally in English and Arabic', () => {
    const en = lines('en');
    expect(en[0]!.line).toBe('What is happening? Tell us what is happening');
    expect(en[5]!.line).toMatch(/^Your address, number or username for that way: Write an email address/);
    const ar = lines('ar');
    expect(ar[0]!.line).toBe(`ماذا يحدث؟ ${ar[0]!.message}`);
  });

  it('keeps the colon for a label without punctuation, and links each line to its field', () => {
    const html = renderToString(
      <ErrorSummary t={t} errors={{ email: 'bad', code: 'wrong' }} labels={{ email: 'Email', code: 'Code:' }} />,
    );
    expect(html).toContain('<a href="#f-email">Email: bad</a>');
    expect(html).toContain('<a href="#f-code">Code: wrong</a>');
  });
});
