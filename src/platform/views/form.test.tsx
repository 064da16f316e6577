import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { Select, type Option } from './form.js';

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
