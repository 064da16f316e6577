import { createHash } from 'node:crypto';

// The organisation's PGP public key (pure, no I/O): read from its ASCII armour far enough to
// know it is a public key and to name its fingerprint, which the start page shows beside the
// key so a person can check it against one they got another way. The rest of the key is
// served as it was pasted; nothing here verifies signatures.

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const END = '-----END PGP PUBLIC KEY BLOCK-----';

/** The OpenPGP packet tag of a public key (RFC 9580 §5.5.1.1). */
const PUBLIC_KEY_TAG = 6;

/** The armour's CRC-24 (RFC 4880 §6.1), when the block carries one. */
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** The bytes inside an armoured public key block, or null when it is not one that reads. */
export function dearmour(armoured: string): Buffer | null {
  const lines = armoured.replace(/\r\n?/g, '\n').trim().split('\n').map((l) => l.trim());
  if (lines[0] !== BEGIN || lines.at(-1) !== END) return null;
  let body = lines.slice(1, -1);
  // Armour headers ("Version: …", "Comment: …") end at the first blank line.
  const blank = body.indexOf('');
  if (blank !== -1) {
    if (!body.slice(0, blank).every((l) => /^[A-Za-z][\w-]*: /.test(l))) return null;
    body = body.slice(blank + 1);
  }
  let checksum: string | null = null;
  if (body.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(body.at(-1)!)) checksum = body.pop()!.slice(1);
  const base64 = body.join('');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  const data = Buffer.from(base64, 'base64');
  if (checksum !== null && crc24(data) !== Buffer.from(checksum, 'base64').readUIntBE(0, 3)) return null;
  return data;
}

/** The first packet of `data`: its tag and body, or null when its header does not read. */
function firstPacket(data: Buffer): { tag: number; body: Buffer } | null {
  const header = data[0];
  if (header === undefined || (header & 0x80) === 0) return null;
  let tag: number;
  let length: number;
  let at: number;
  if (header & 0x40) {
    // The current packet format.
    tag = header & 0x3f;
    const first = data[1];
    if (first === undefined) return null;
    if (first < 192) [length, at] = [first, 2];
    else if (first < 224) [length, at] = [((first - 192) << 8) + (data[2] ?? 0) + 192, 3];
    else if (first === 255 && data.length >= 6) [length, at] = [data.readUInt32BE(2), 6];
    else return null; // a partial length: no key packet has one
  } else {
    // The legacy format.
    tag = (header >> 2) & 0x0f;
    const type = header & 0x03;
    if (type === 0) [length, at] = [data[1] ?? 0, 2];
    else if (type === 1 && data.length >= 3) [length, at] = [data.readUInt16BE(1), 3];
    else if (type === 2 && data.length >= 5) [length, at] = [data.readUInt32BE(1), 5];
    else return null;
  }
  if (length === 0 || at + length > data.length) return null;
  return { tag, body: data.subarray(at, at + length) };
}

/**
 * The fingerprint of the primary key of an armoured public key block, in upper-case hex
 * (40 digits for a version 4 key, 64 for versions 5 and 6), or null when the block is not a
 * public key that reads (a private key, a message, a signature, broken armour).
 */
export function pgpFingerprint(armoured: string): string | null {
  const data = dearmour(armoured);
  const packet = data ? firstPacket(data) : null;
  if (!packet || packet.tag !== PUBLIC_KEY_TAG) return null;
  const { body } = packet;
  const version = body[0];
  let hash: Buffer;
  if (version === 4) {
    const prefix = Buffer.from([0x99, body.length >> 8, body.length & 0xff]);
    if (body.length > 0xffff) return null;
    hash = createHash('sha1').update(prefix).update(body).digest();
  } else if (version === 5 || version === 6) {
    const prefix = Buffer.alloc(5);
    prefix[0] = version === 6 ? 0x9b : 0x9a;
    prefix.writeUInt32BE(body.length, 1);
    hash = createHash('sha256').update(prefix).update(body).digest();
  } else {
    return null;
  }
  return hash.toString('hex').toUpperCase();
}

/** A fingerprint as people read it aloud: groups of four. */
export function groupedFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}
