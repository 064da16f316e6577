import { describe, expect, it } from 'vitest';
import { newStreamKey, STREAM_CHUNK, StreamOpener, StreamSealer } from './stream.js';
import { DecryptionError } from './vault.js';

// Files at rest are sealed in chunks (ADR 26): what goes in comes out, whatever the pieces it
// arrived in; and any change to the chunks (altered, reordered, dropped, cut short, moved to
// another file) fails to open.

function seal(key: Buffer, context: string, pieces: Buffer[]): { header: Buffer; chunks: Buffer[] } {
  const s = new StreamSealer(key, context);
  const chunks = pieces.flatMap((p) => s.push(p));
  chunks.push(s.end());
  return { header: s.header, chunks };
}

function open(key: Buffer, context: string, sealed: { header: Buffer; chunks: Buffer[] }): Buffer {
  const o = new StreamOpener(key, sealed.header, context);
  const out = sealed.chunks.map((c) => o.pull(c));
  o.finish();
  return Buffer.concat(out);
}

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff));

describe('sealed streams', () => {
  it('gives back the bytes, whatever the sizes they came in, in chunks of STREAM_CHUNK', () => {
    const key = newStreamKey();
    for (const n of [0, 1, STREAM_CHUNK - 1, STREAM_CHUNK, STREAM_CHUNK + 1, 3 * STREAM_CHUNK, 200_000]) {
      const data = bytes(n);
      // In one piece, and in uneven pieces.
      const pieces = [data.subarray(0, 7), data.subarray(7, 70_001), data.subarray(70_001)];
      for (const input of [[data], pieces]) {
        const sealed = seal(key, 'attachment:a', input);
        expect(open(key, 'attachment:a', sealed).equals(data), `${n}`).toBe(true);
        // Every chunk but the last is full; the last, FINAL, holds the rest (a stream of no bytes has one, empty).
        expect(sealed.chunks).toHaveLength(Math.max(1, Math.ceil(n / STREAM_CHUNK)));
      }
    }
  });

  it('refuses an altered chunk, chunks out of order, a dropped chunk, a stream cut short, another context or key', () => {
    const key = newStreamKey();
    const data = bytes(3 * STREAM_CHUNK + 10);
    const sealed = seal(key, 'attachment:a', [data]);
    const altered = sealed.chunks.map((c) => Buffer.from(c));
    altered[1]![20]! ^= 1;
    const cases: [string, () => unknown][] = [
      ['altered', () => open(key, 'attachment:a', { header: sealed.header, chunks: altered })],
      ['reordered', () => open(key, 'attachment:a', { header: sealed.header, chunks: [sealed.chunks[1]!, sealed.chunks[0]!, ...sealed.chunks.slice(2)] })],
      ['dropped', () => open(key, 'attachment:a', { header: sealed.header, chunks: [sealed.chunks[0]!, ...sealed.chunks.slice(2)] })],
      ['cut short', () => open(key, 'attachment:a', { header: sealed.header, chunks: sealed.chunks.slice(0, -1) })],
      ['after the end', () => open(key, 'attachment:a', { header: sealed.header, chunks: [...sealed.chunks, sealed.chunks.at(-1)!] })],
      ['another file', () => open(key, 'attachment:b', sealed)],
      ['another key', () => open(newStreamKey(), 'attachment:a', sealed)],
      ['a bad header', () => open(key, 'attachment:a', { header: Buffer.alloc(3), chunks: sealed.chunks })],
    ];
    for (const [what, run] of cases) expect(run, what).toThrow(DecryptionError);
  });

  it('holds one chunk of plaintext at a time, not the stream', () => {
    const s = new StreamSealer(newStreamKey(), 'attachment:a');
    // 1 MiB pushed in 4 KiB pieces: every full chunk is handed out as soon as the next byte comes.
    let out = 0;
    for (let i = 0; i < 256; i++) out += s.push(bytes(4096)).length;
    expect(out).toBe(1024 * 1024 / STREAM_CHUNK - 1);
    expect(() => (s.end(), s.push(bytes(1)))).toThrow();
  });
});
