import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { demoCommand, demoYear } from './demo.js';

const NOW = Date.UTC(2026, 10, 22, 9, 0);

describe('haven demo --year', () => {
  it('takes a four-digit year up to the current one', () => {
    const parse = demoYear(NOW);
    expect(parse('2023')).toBe(2023);
    expect(parse('2000')).toBe(2000);
    // A year still under way: its requests end today.
    expect(parse('2026')).toBe(2026);
  });

  it('refuses anything else with a message that says what it takes', () => {
    const parse = demoYear(NOW);
    for (const bad of [
      '2027',
      '2100',
      '1999',
      '23',
      '02023',
      '2023.0',
      '0x7e7',
      ' 2023',
      '2e3',
      '',
      'last',
    ]) {
      expect(() => parse(bad), bad).toThrow(
        '--year must be a four-digit year from 2000 to 2026 (not in the future)',
      );
    }
  });

  it('is checked when the command line is read, before anything is opened', async () => {
    const errors: string[] = [];
    const command = demoCommand(NOW)
      .exitOverride()
      .configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => undefined });
    await expect(command.parseAsync(['--year', '2027'], { from: 'user' })).rejects.toBeInstanceOf(
      CommanderError,
    );
    expect(errors.join('')).toContain("option '--year <year>' argument '2027' is invalid");
    expect(errors.join('')).toContain('from 2000 to 2026');
  });

  it('has no default: without it the demo covers the 12 months up to today', () => {
    const year = demoCommand(NOW).options.find((o) => o.long === '--year');
    expect(year?.defaultValue).toBeUndefined();
    expect(demoCommand(NOW).options.some((o) => o.long === '--all-messages')).toBe(true);
  });
});
