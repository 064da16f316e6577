import { crc32, deflateSync } from 'node:zlib';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { LOGO_MAX_BYTES } from './logo.js';
import { DESCRIPTION_MAX, EMERGENCY_MAX, LANDING_MAX, NAME_MAX, TEXT_LOCALES } from './settings.js';
import { SettingsInput } from './settings.schema.js';
import { currentIdentity, saveSettings, setLogo } from './settings.service.js';

// Logos for the settings module's tests: real PNGs built chunk by chunk, and an SVG.

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from(type, 'latin1'))));
  return Buffer.concat([head, data, crc]);
}

/** A real w×h RGBA PNG of one colour, with `extra` chunks after IHDR (and `after` after the image data). */
export function png(opts: { width?: number; height?: number; extra?: Buffer[]; after?: Buffer[] } = {}): Buffer {
  const width = opts.width ?? 2;
  const height = opts.height ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 4, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(opts.extra ?? []),
    pngChunk('IDAT', pixels),
    ...(opts.after ?? []),
    pngChunk('IEND'),
  ]);
}

/** A real ed25519 public key (made with GnuPG for these tests) and its fingerprint. */
export const PUBLIC_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEaxbw3BYJKwYBBAHaRw8BAQdAnrHVfwo3oGiZCIWJmwyXPJF1AaPsOrQ7QF7i',
  'MwpwJmi0IEzDrW5lYSBTZWd1cmEgPGhlbHBAZXhhbXBsZS5vcmc+iJAEExYIADgW',
  'IQTPpOeEPi3QjD8J3X5fyTK1l9MJygUCaxbw3AIbAQULCQgHAgYVCgkICwIEFgID',
  'AQIeAQIXgAAKCRBfyTK1l9MJyufQAQCgaP+3wkCKpUocjHi5woWOjiFNlJQ2S3Vn',
  'ZL2qKhV/rwEAjhBClJL1msADxXRyz5oPlWyigdevczdqR03G1tOGnAQ=',
  '=43/B',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');
export const PUBLIC_KEY_FINGERPRINT = 'CFA4E7843E2DD08C3F09DD7E5FC932B597D309CA';

/** A real RSA-2048 public key, in the legacy packet format GnuPG writes for it, and its fingerprint. */
export const RSA_PUBLIC_KEY = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mQENBGsW8N0BCAD2j08jWZ1Y8B2IHNKtiZkMKC58nlZemQ9rUVF/djif63xOInPA',
  'rKbQJC+6XFbGmTn9wXmyIj/oPxfS9sG92kVsqzrCLzODYNjPtJeEHpAGTg25HI60',
  'XdGtYzIWcS59zI3skC1ByE+1zYXgw7PRrBY21cRTJ2+IZEHBCYb/nd/Ovs4d9Ymt',
  'WRpfqbTI0yZDh7WwLA9y+khNDuEdywZS3aEi5QbPC3VCI5He8AR+CMvIa+ueknwc',
  'k9s/3/2kZVGsLl3Lamne14PiZKn+l5mb86l11s1jWhxOLB7KRYZR3OPoxJck8WQ0',
  'qOgLCzF6XozhWnsJdDwgRMe1LRkOor4kAfRFABEBAAG0GVJTQSBPcmcgPHJzYUBl',
  'eGFtcGxlLm9yZz6JAU4EEwEKADgWIQRPS7tjQJnElrlI3wSLSYEIlkO9OAUCaxbw',
  '3QIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIXgAAKCRCLSYEIlkO9OONwCACvHiPk',
  'pmB+Kv5KqFUAUmhMMf6jSKR/dy3VeZr6jkBxiQZabTfCDtXBAO3GszWQmgdG4GPi',
  'JiRRURTiaAyrj9AE6KHMdiGVxt5srXA18yQE3djLBUI5DRxbj3GhAjEjkGjAWntb',
  'SpxsTV8yIPJvKe8OtqYItlApW3EbH+i3CFDpeze7Az0QEgKkyDEl89KWPagjn1gD',
  'UsBdJBQlbR0k5Rl1KnMH7qYO1jeihAlsucx7GYFMYkkHOyEYSgPRWqU29bOrcK76',
  '7JolOo0cb+symZM+pRQNo4z46InQNGoJZE8x10s+Iuj1H9dEyII13clBcTSzPnK2',
  'w6txqdQ80jScPu5m',
  '=SCWt',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n');
export const RSA_PUBLIC_KEY_FINGERPRINT = '4F4BBB634099C496B948DF048B4981089643BD38';

/** A small, clean SVG logo. */
export const SVG_LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><title>Logo</title><circle cx="20" cy="20" r="18" fill="#0b5d4a"/><path d="M12 20h16M20 12v16" stroke="#fff" stroke-width="4"/></svg>',
);

/** A sentence per language, repeated to fill a text to its longest (the page-weight test). */
const SENTENCES: Record<string, string> = {
  en: 'We answer every request within two hours, day and night, in confidence. ',
  es: 'Respondemos a cada solicitud en dos horas, de día y de noche, con total confidencialidad. ',
  fr: 'Nous répondons à chaque demande en deux heures, jour et nuit, en toute confidentialité. ',
  ar: 'نرد على كل طلب خلال ساعتين، ليلًا ونهارًا، وبسرية تامة. ',
  ru: 'Мы отвечаем на каждое обращение в течение двух часов, днём и ночью, конфиденциально. ',
};

/** `sentence` repeated up to `max` characters, paragraphs every 400. */
function filled(sentence: string, max: number): string {
  let out = '';
  while (out.length + sentence.length <= max) out += out.length % 400 < sentence.length && out.length > 0 ? `\n\n${sentence.trim()} ` : sentence;
  return out.slice(0, max).trim();
}

/**
 * An SVG logo of about `bytes` once sanitised (at most LOGO_MAX_BYTES): many small shapes, as
 * a detailed logo has.
 */
export function detailedSvgLogo(bytes: number): Buffer {
  const shapes: string[] = [];
  const open = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">';
  let size = open.length + '</svg>'.length;
  for (let i = 0; ; i++) {
    const shape = `<path d="M${i % 200} ${i % 60}l${(i * 7) % 13} ${(i * 5) % 11}h${i % 9}z" fill="#0b5d4a"/>`;
    if (size + shape.length > bytes) break;
    shapes.push(shape);
    size += shape.length;
  }
  return Buffer.from(`${open}${shapes.join('')}</svg>`);
}

/**
 * Sets the organisation's identity at its largest: the longest name, and in every language the
 * longest description, landing text and emergency advice, a PGP key, an onion address, a Signal
 * number and a logo of LOGO_MAX_BYTES. Through the service, as an administrator would.
 */
export async function setLargestIdentity(deps: Deps): Promise<void> {
  const actor = { userId: 'weight-test', email: 'weight@example.org', displayName: 'Weight', role: 'admin', roles: ['admin'], locale: 'en', via: 'session' } as unknown as Principal;
  const fields: Record<string, unknown> = {
    name: 'Центр цифровой безопасности для правозащитников и журналистов — круглосуточная линия помощи'.slice(0, NAME_MAX),
    default_locale: 'en',
    pgp_key: RSA_PUBLIC_KEY,
    onion_address: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion',
    signal_number: '+44 7700 900123',
    revision: 0,
  };
  for (const l of TEXT_LOCALES) {
    fields[`description_${l}`] = filled(SENTENCES[l]!, DESCRIPTION_MAX).replace(/\n+/g, ' ');
    fields[`landing_${l}`] = filled(SENTENCES[l]!, LANDING_MAX);
    fields[`emergency_${l}`] = filled(SENTENCES[l]!, EMERGENCY_MAX);
  }
  const input = SettingsInput.parse(fields);
  const saved = await saveSettings(deps, actor, { ...input, revision: (await currentIdentity(deps)).revision });
  if (!saved.ok) throw new Error(saved.code);
  const logo = await setLogo(deps, actor, { type: 'image/svg+xml', data: detailedSvgLogo(LOGO_MAX_BYTES) });
  if (!logo.ok) throw new Error(logo.reason);
}
