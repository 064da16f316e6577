import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.firstResponseMinutes).toBe(120);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.secureCookies).toBe(false);
  });

  it('lists every problem at once, with hints', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', HAVEN_MASTER_KEY: 'short' });
      expect.unreachable('loadConfig should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/PORT/);
      expect(problems.join('\n')).toMatch(/DATABASE_URL.*postgres/);
      expect(problems.join('\n')).toMatch(/HAVEN_MASTER_KEY.*64 hexadecimal/);
    }
  });

  it('treats https public URLs as needing secure cookies', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://help.example.org/' }).secureCookies).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'https://help.example.org/' }).publicUrl).toBe('https://help.example.org');
  });
});
