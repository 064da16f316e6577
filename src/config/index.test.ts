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

  it('looks for due background work every minute unless told otherwise, and refuses a tick it cannot honour', () => {
    expect(loadConfig({}).workerTickSeconds).toBe(60);
    expect(loadConfig({ WORKER_TICK_SECONDS: '5' }).workerTickSeconds).toBe(5);
    for (const value of ['0', '1.5', 'often', '3601']) {
      expect(() => loadConfig({ WORKER_TICK_SECONDS: value }), value).toThrow(/WORKER_TICK_SECONDS/);
    }
  });

  it('limits slow clients by default, and refuses timeouts Node cannot honour', () => {
    const c = loadConfig({});
    expect([c.requestTimeoutSeconds, c.headersTimeoutSeconds, c.idleTimeoutSeconds, c.keepAliveTimeoutSeconds]).toEqual([120, 30, 60, 5]);
    expect(c.maxConnections).toBe(512);
    const set = loadConfig({ REQUEST_TIMEOUT_SECONDS: '300', HEADERS_TIMEOUT_SECONDS: '20', MAX_CONNECTIONS: '2000' });
    expect([set.requestTimeoutSeconds, set.headersTimeoutSeconds, set.maxConnections]).toEqual([300, 20, 2000]);
    for (const [key, value] of [
      ['REQUEST_TIMEOUT_SECONDS', '0'],
      ['HEADERS_TIMEOUT_SECONDS', '1.5'],
      ['IDLE_TIMEOUT_SECONDS', 'forever'],
      ['KEEP_ALIVE_TIMEOUT_SECONDS', '0'],
      ['MAX_CONNECTIONS', '0'],
    ] as const) {
      expect(() => loadConfig({ [key]: value }), key).toThrow(new RegExp(`${key}: .*\\(a whole number`));
    }
    expect(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: '10', HEADERS_TIMEOUT_SECONDS: '30' })).toThrow(
      /HEADERS_TIMEOUT_SECONDS: must not be longer than REQUEST_TIMEOUT_SECONDS \(10\)/,
    );
  });

  it('treats https public URLs as needing secure cookies', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://help.example.org/' }).secureCookies).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'https://help.example.org/' }).publicUrl).toBe('https://help.example.org');
  });
});
