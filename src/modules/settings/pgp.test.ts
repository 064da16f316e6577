import { describe, expect, it } from 'vitest';
import { dearmour, groupedFingerprint, pgpFingerprint } from './pgp.js';
import { PUBLIC_KEY, PUBLIC_KEY_FINGERPRINT, RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_FINGERPRINT } from './settings.test-helpers.js';

// The organisation's PGP key, read far enough to know it is a public key and to name its
// fingerprint, checked against what GnuPG says of the same keys.

/** `data` armoured again as a public key block, without a checksum line. */
const armour = (data: Buffer): string =>
  ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', ...(data.toString('base64').match(/.{1,64}/g) ?? []), '-----END PGP PUBLIC KEY BLOCK-----'].join('\n');

describe('a PGP public key block', () => {
  it('gives the fingerprint GnuPG gives, for an ed25519 and an RSA key', () => {
    expect(pgpFingerprint(PUBLIC_KEY)).toBe(PUBLIC_KEY_FINGERPRINT);
    expect(pgpFingerprint(RSA_PUBLIC_KEY)).toBe(RSA_PUBLIC_KEY_FINGERPRINT);
    // Pasted with CRLF, armour headers and surrounding spaces: the same key.
    const pasted = `  ${PUBLIC_KEY.replace('\n\n', '\nVersion: GnuPG v2\nComment: https://example.org/key\n\n').replace(/\n/g, '\r\n')}  `;
    expect(pgpFingerprint(pasted)).toBe(PUBLIC_KEY_FINGERPRINT);
  });

  it('reads the current packet format as well as the legacy one', () => {
    const legacy = dearmour(PUBLIC_KEY)!;
    expect(legacy[0]).toBe(0x98); // legacy header: tag 6, one-octet length
    const current = Buffer.concat([Buffer.from([0xc6, legacy[1]!]), legacy.subarray(2)]);
    expect(pgpFingerprint(armour(current))).toBe(PUBLIC_KEY_FINGERPRINT);
  });

  it('refuses what is not a public key that reads', () => {
    const data = dearmour(PUBLIC_KEY)!;
    const secret = Buffer.from(data);
    secret[0] = 0x80 | (5 << 2) | 0; // tag 5: a secret key
    const cases: Record<string, string> = {
      'no armour': data.toString('base64'),
      'a secret key packet': armour(secret),
      'a broken checksum': PUBLIC_KEY.replace(/=[A-Za-z0-9+/]{4}\n/, '=AAAA\n'),
      'a changed byte': PUBLIC_KEY.replace('mDME', 'mDMF'),
      'cut short': armour(data.subarray(0, 20)),
      'not base64': PUBLIC_KEY.replace('mDME', 'mD*E'),
      'a message block': PUBLIC_KEY.replace(/PUBLIC KEY BLOCK/g, 'MESSAGE'),
      'an empty block': '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----',
      'a header that is not one': PUBLIC_KEY.replace('\n\n', '\nnot a header\n\n'),
    };
    for (const [name, block] of Object.entries(cases)) expect(pgpFingerprint(block), name).toBeNull();
  });

  it('is shown in groups of four', () => {
    expect(groupedFingerprint(PUBLIC_KEY_FINGERPRINT)).toBe('CFA4 E784 3E2D D08C 3F09 DD7E 5FC9 32B5 97D3 09CA');
  });
});
