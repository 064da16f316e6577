import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';

// Helpers for the attachment tests: multipart bodies as a browser sends them, and counts of
// what the attachment tables hold. They take the database by its shape rather than importing
// test/, so a production build never pulls test code in.

export type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

export const BOUNDARY = '----haven-attachment-boundary';

/** A multipart/form-data body, parts in the order given. */
export function multipart(parts: readonly Part[]): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    if ('value' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n`), Buffer.from(p.value), Buffer.from('\r\n'));
    } else {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`),
        p.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** The fields of a form as text parts, in order. */
export function fieldParts(fields: Record<string, string>): Part[] {
  return Object.entries(fields).map(([name, value]) => ({ name, value }));
}

/** A PDF of `size` bytes whose content depends on `seed`. */
export function pdfOf(size: number, seed = 1): Buffer {
  const head = Buffer.from('%PDF-1.7\n');
  const body = Buffer.alloc(Math.max(0, size - head.length));
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + seed * 7) & 0xff;
  return Buffer.concat([head, body]).subarray(0, Math.max(size, head.length));
}

/** A small PNG-looking file (its signature, then bytes). */
export function pngOf(size: number): Buffer {
  const head = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 7)]);
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** How many attachment rows (pending and attached) and chunks the database holds. */
export async function attachmentCounts(deps: Pick<Deps, 'db'>): Promise<{ pending: number; attached: number; chunks: number }> {
  const rows = await deps.db.selectFrom('attachments').select(['case_id']).execute();
  const chunks = await deps.db
    .selectFrom('attachment_chunks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    pending: rows.filter((r) => r.case_id === null).length,
    attached: rows.filter((r) => r.case_id !== null).length,
    chunks: Number(chunks.n),
  };
}

/** The ids of the attachment links on a page, in order. */
export function attachmentLinks(html: string): string[] {
  return [...html.matchAll(/attachments\/([0-9a-f]{32})/g)].map((m) => m[1]!);
}

/** The id of the attachment link whose name is `name` on a page. */
export function linkNamed(html: string, name: string): string {
  const m = new RegExp(`attachments/([0-9a-f]{32})"[^>]*><bdi dir="auto">${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}<`).exec(html);
  if (!m) throw new Error(`no link to ${name} on the page`);
  return m[1]!;
}
