import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

// The SMTP settings notifications use (ADR 24), as `haven serve` reads them at start: unset,
// no email; set, a mail server that must make sense as a whole, every problem listed at once.

/** The problems loadConfig lists for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('SMTP settings', () => {
  it('sends no email unless a mail server is set, and links by path unless PUBLIC_URL is set', () => {
    const c = loadConfig({});
    expect(c.smtp).toBeNull();
    expect(c.publicUrlSet).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://help.example.org' }).publicUrlSet).toBe(true);
  });

  it('reads a mail server, STARTTLS and port 587 by default, implicit TLS on 465', () => {
    expect(loadConfig({ SMTP_HOST: 'smtp.example.org', SMTP_FROM: 'haven@example.org', SMTP_USER: 'haven', SMTP_PASSWORD: 's3cret' }).smtp).toEqual({
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      auth: { user: 'haven', pass: 's3cret' },
      from: 'haven@example.org',
    });
    const implicit = loadConfig({ SMTP_HOST: 'smtp.example.org', SMTP_FROM: 'haven@example.org', SMTP_TLS: 'implicit' }).smtp!;
    expect([implicit.port, implicit.tls, implicit.auth]).toEqual([465, 'implicit', null]);
    expect(loadConfig({ SMTP_HOST: 'localhost', SMTP_PORT: '25', SMTP_TLS: 'none', SMTP_FROM: 'haven@example.org' }).smtp!.port).toBe(25);
  });

  it('lists every problem of a mail server that does not hold together, at once, with hints', () => {
    const listed = problems({ SMTP_HOST: 'smtp.example.org', SMTP_USER: 'haven', SMTP_TLS: 'none' });
    expect(listed).toHaveLength(3);
    expect(listed.join('\n')).toMatch(/SMTP_FROM: must be set with SMTP_HOST/);
    expect(listed.join('\n')).toMatch(/SMTP_USER, SMTP_PASSWORD: set both or neither/);
    expect(listed.join('\n')).toMatch(/SMTP_TLS: none is allowed only for a server on this machine/);
    expect(problems({ SMTP_FROM: 'haven@example.org', SMTP_PORT: '25' })).toEqual([expect.stringMatching(/^SMTP_HOST: must be set/)]);
  });

  it('refuses values that are not a host, a port, a TLS mode or an address', () => {
    const listed = problems({ SMTP_HOST: 'smtp example.org', SMTP_PORT: '70000', SMTP_TLS: 'maybe', SMTP_FROM: 'not an address' });
    expect(listed.map((p) => p.split(':')[0])).toEqual(['SMTP_HOST', 'SMTP_PORT', 'SMTP_TLS', 'SMTP_FROM']);
    // A password never appears in what is listed.
    expect(problems({ SMTP_HOST: 'smtp.example.org', SMTP_PASSWORD: 'hunter2-very-secret' }).join('\n')).not.toContain('hunter2');
  });
});
