import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { hasForbiddenChars } from '../../platform/text.js';

// The organisation's logo, sanitised before it is stored (pure, no I/O; ADR 27). It is shown
// on every public page, to people who may be watched, so nothing in it may run, reach another
// server or carry hidden data:
//
// - PNG: a small parser of our own walks the chunk list. Every chunk's CRC must hold; the
//   critical chunks must be in order (IHDR first, PLTE before the image data, the IDAT chunks
//   together, IEND last with nothing after it); of the ancillary chunks only those that change
//   how the image looks are kept (transparency, gamma, colour space); text, dates, Exif,
//   embedded profiles, animation and anything unknown are dropped. The kept chunks are copied
//   byte for byte, never re-encoded.
// - SVG: parsed with fast-xml-parser and written again from an allowlist of elements and
//   attributes. A DOCTYPE (and so any entity of our own, a billion laughs) is refused before
//   parsing, as is anything that does not parse. No script, foreignObject, style, image or
//   link survives, nor `use` (copies of copies can make a small file a huge drawing); no event
//   attribute; a reference (href, url()) only to a #fragment of the logo itself; a style
//   attribute becomes presentation attributes checked like the others.

/** The most bytes a sanitised logo may have: with it every public page stays within its 30 KB. */
export const LOGO_MAX_BYTES = 4096;
/** The most bytes an uploaded logo may have before sanitising (metadata often makes most of it). */
export const LOGO_UPLOAD_MAX_BYTES = 64 * 1024;
/** The largest width or height of a PNG logo, in pixels. */
export const LOGO_MAX_PIXELS = 2048;

export const LOGO_TYPES = ['image/png', 'image/svg+xml'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** Why a logo was refused; each has its message (`settings.error.logo_<reason>`). */
export type LogoRefusal = 'unreadable' | 'crc' | 'doctype' | 'too_large' | 'dimensions' | 'empty';

export type LogoResult =
  | { ok: true; type: LogoType; data: Buffer; hash: string }
  | { ok: false; reason: LogoRefusal };

/** The logo's address part: a hash of its bytes, so a new logo has a new address. */
export function logoHash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** The file extension of a logo's address. */
export function logoExtension(type: string): string {
  return type === 'image/png' ? 'png' : 'svg';
}

/** Sanitises an uploaded logo of `type` (see above); the result is what may be stored and served. */
export function sanitiseLogo(type: string, input: Buffer): LogoResult {
  const result = type === 'image/png' ? sanitisePng(input) : type === 'image/svg+xml' ? sanitiseSvg(input) : refuse('unreadable');
  if (!result.ok) return result;
  if (result.data.length > LOGO_MAX_BYTES) return refuse('too_large');
  return { ok: true, type: result.type, data: result.data, hash: logoHash(result.data) };
}

function refuse(reason: LogoRefusal): { ok: false; reason: LogoRefusal } {
  return { ok: false, reason };
}

// ---- PNG ------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Ancillary chunks that change how the image looks, and so are kept. */
const PNG_DISPLAY_CHUNKS = new Set(['tRNS', 'gAMA', 'cHRM', 'sRGB']);

/** Colour type → the bit depths the PNG specification allows for it. */
const PNG_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

interface PngChunk {
  type: string;
  /** The whole chunk: length, type, data and CRC. */
  bytes: Buffer;
  data: Buffer;
}

/** The chunks of a PNG, each CRC checked; a string naming the refusal when they do not read. */
export function pngChunks(input: Buffer): PngChunk[] | LogoRefusal {
  if (input.length < PNG_SIGNATURE.length || !input.subarray(0, 8).equals(PNG_SIGNATURE)) return 'unreadable';
  const chunks: PngChunk[] = [];
  let at = PNG_SIGNATURE.length;
  while (at < input.length) {
    if (at + 12 > input.length) return 'unreadable';
    const length = input.readUInt32BE(at);
    if (length > 0x7fffffff || at + 12 + length > input.length) return 'unreadable';
    const typeBytes = input.subarray(at + 4, at + 8);
    const type = typeBytes.toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) return 'unreadable';
    const data = input.subarray(at + 8, at + 8 + length);
    const crc = input.readUInt32BE(at + 8 + length);
    if (crc32(data, crc32(typeBytes)) !== crc) return 'crc';
    chunks.push({ type, data, bytes: input.subarray(at, at + 12 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (at !== input.length) return 'unreadable';
  return chunks;
}

function sanitisePng(input: Buffer): { ok: true; type: LogoType; data: Buffer } | { ok: false; reason: LogoRefusal } {
  const chunks = pngChunks(input);
  if (typeof chunks === 'string') return refuse(chunks);
  const ihdr = chunks[0];
  if (!ihdr || ihdr.type !== 'IHDR' || ihdr.data.length !== 13) return refuse('unreadable');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const depth = ihdr.data[8]!;
  const colour = ihdr.data[9]!;
  if (!PNG_DEPTHS[colour]?.includes(depth) || ihdr.data[10] !== 0 || ihdr.data[11] !== 0 || ihdr.data[12]! > 1)
    return refuse('unreadable');
  if (width === 0 || height === 0 || width > LOGO_MAX_PIXELS || height > LOGO_MAX_PIXELS) return refuse('dimensions');
  if (chunks.at(-1)?.type !== 'IEND' || chunks.at(-1)!.data.length !== 0) return refuse('unreadable');

  const kept: Buffer[] = [PNG_SIGNATURE, ihdr.bytes];
  let palette = false;
  let image: 'before' | 'in' | 'after' = 'before';
  for (const chunk of chunks.slice(1, -1)) {
    const critical = (chunk.type.charCodeAt(0) & 0x20) === 0;
    if (chunk.type === 'IDAT') {
      if (image === 'after') return refuse('unreadable');
      image = 'in';
      kept.push(chunk.bytes);
      continue;
    }
    if (image === 'in') image = 'after';
    if (chunk.type === 'PLTE') {
      if (palette || image !== 'before' || chunk.data.length % 3 !== 0 || chunk.data.length === 0) return refuse('unreadable');
      palette = true;
      kept.push(chunk.bytes);
    } else if (critical) {
      // IHDR twice, IEND early or a critical chunk this parser does not know: not a PNG to show.
      return refuse('unreadable');
    } else if (PNG_DISPLAY_CHUNKS.has(chunk.type) && image === 'before') {
      kept.push(chunk.bytes);
    }
  }
  if (image === 'before' || (colour === 3 && !palette)) return refuse('unreadable');
  kept.push(chunks.at(-1)!.bytes);
  return { ok: true, type: 'image/png', data: Buffer.concat(kept) };
}

// ---- SVG ------------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The elements a logo keeps; any other is dropped with everything in it. */
const SVG_ELEMENTS = new Set([
  'svg', 'g', 'defs', 'title', 'desc',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan',
  'linearGradient', 'radialGradient', 'stop', 'clipPath', 'mask',
]);

/** Elements that draw something: a logo without one is refused as empty. */
const SVG_DRAWING = new Set(['path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text']);

/** Elements whose text is kept. */
const SVG_TEXT = new Set(['title', 'desc', 'text', 'tspan']);

/** The attributes a logo keeps (also the properties a style attribute may set); any other is dropped. */
const SVG_ATTRIBUTES = new Set([
  'id', 'viewBox', 'width', 'height', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry',
  'fx', 'fy', 'fr', 'dx', 'dy', 'd', 'points', 'pathLength', 'transform', 'preserveAspectRatio', 'version',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap',
  'stroke-linejoin', 'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'opacity', 'color',
  'offset', 'stop-color', 'stop-opacity', 'gradientUnits', 'gradientTransform', 'spreadMethod',
  'clip-path', 'clip-rule', 'clipPathUnits', 'mask', 'maskUnits', 'maskContentUnits',
  'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline',
  'letter-spacing', 'visibility', 'display', 'href', 'role', 'aria-label', 'aria-hidden', 'lang',
]);

/** Functions a value may call: colours and transforms; url() only to a #fragment (checked apart). */
const SVG_FUNCTIONS = new Set([
  'url', 'rgb', 'rgba', 'hsl', 'hsla', 'matrix', 'translate', 'scale', 'rotate', 'skewX', 'skewY',
]);

const ID = /^[A-Za-z_][\w.-]{0,63}$/;
const FRAGMENT = /^#[A-Za-z_][\w.-]{0,63}$/;
const MAX_DEPTH = 32;

/** The XML entities every document has; with the DOCTYPE refused, no other can be defined. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

class SvgRefused extends Error {
  constructor(readonly reason: LogoRefusal) {
    super(reason);
  }
}

/** Text with its entity and character references read; an unknown entity or a forbidden character refuses the logo. */
function decode(s: string): string {
  const out = s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new SvgRefused('unreadable');
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new SvgRefused('unreadable');
      return String.fromCodePoint(cp);
    }
    const named = ENTITIES[ref];
    if (named === undefined) throw new SvgRefused('unreadable');
    return named;
  });
  if (hasForbiddenChars(out)) throw new SvgRefused('unreadable');
  return out;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/**
 * Whether a (decoded) attribute value is safe to keep: no backslash (a CSS escape could spell
 * `url` another way), no `@`, and every function one of SVG_FUNCTIONS, url() only to a
 * #fragment of the logo.
 */
function safeValue(name: string, value: string): boolean {
  if (/[\\@<>]/.test(value) || /(?:javascript|data|vbscript)\s*:/i.test(value)) return false;
  if (name === 'href') return FRAGMENT.test(value);
  if (name === 'id') return ID.test(value);
  if (/["']/.test(value) && name !== 'font-family') return false;
  for (const call of value.matchAll(/([A-Za-z-]*)\s*\(/g)) {
    if (!SVG_FUNCTIONS.has(call[1]!)) return false;
  }
  for (const url of value.matchAll(/url\s*\(([^)]*)\)?/gi)) {
    if (!FRAGMENT.test(url[1]!.trim().replace(/^(["'])(.*)\1$/, '$2'))) return false;
  }
  return true;
}

/** A style attribute's declarations, as the presentation attributes allowed among them. */
function styleDeclarations(style: string): [string, string][] {
  if (/[\\@]/.test(style) || /\/\*/.test(style)) return [];
  const out: [string, string][] = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon === -1) continue;
    const name = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim().replace(/\s*!important$/i, '');
    if (name && value && SVG_ATTRIBUTES.has(name) && name !== 'href' && name !== 'id') out.push([name, value]);
  }
  return out;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  allowBooleanAttributes: false,
  ignoreDeclaration: false,
  ignorePiTags: false,
});

/** The element name of a parsed node, or undefined for text, comments and the like. */
function elementName(node: XmlNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function sanitiseSvg(input: Buffer): { ok: true; type: LogoType; data: Buffer } | { ok: false; reason: LogoRefusal } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return refuse('unreadable');
  }
  // A DOCTYPE can define entities (a billion laughs, an external file): refused before parsing.
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(text)) return refuse('doctype');
  if (hasForbiddenChars(text.replace(/[\t\n\r]/g, ' '))) return refuse('unreadable');
  if (XMLValidator.validate(text) !== true) return refuse('unreadable');
  try {
    const nodes = parser.parse(text) as XmlNode[];
    const roots = nodes.filter((n) => {
      const name = elementName(n);
      if (name === undefined || name === '#comment' || name === '?xml') return false;
      if (name === '#text') return String(n['#text']).trim() !== '';
      return true;
    });
    const root = roots[0];
    if (roots.length !== 1 || elementName(root!) !== 'svg') return refuse('unreadable');
    const rootAttributes = (root![':@'] ?? {}) as Record<string, string>;
    if (rootAttributes.xmlns !== undefined && decode(rootAttributes.xmlns) !== SVG_NS) return refuse('unreadable');
    const drawn = { any: false };
    const out = element(root!, 0, drawn);
    if (!drawn.any || out === '') return refuse('empty');
    return { ok: true, type: 'image/svg+xml', data: Buffer.from(out, 'utf8') };
  } catch (e) {
    if (e instanceof SvgRefused) return refuse(e.reason);
    return refuse('unreadable');
  }
}

/** One element written again from the allowlists (an empty string when it is dropped). */
function element(node: XmlNode, depth: number, drawn: { any: boolean }): string {
  const name = elementName(node)!;
  if (!SVG_ELEMENTS.has(name)) return '';
  if (depth > MAX_DEPTH) throw new SvgRefused('unreadable');
  const attributes = new Map<string, string>();
  for (const [raw, rawValue] of Object.entries((node[':@'] ?? {}) as Record<string, unknown>)) {
    if (typeof rawValue !== 'string') continue;
    const value = decode(rawValue);
    if (raw === 'style') {
      for (const [prop, v] of styleDeclarations(value)) if (safeValue(prop, v)) attributes.set(prop, v);
      continue;
    }
    // xlink:href is written as SVG 2's href; any other prefixed name (xmlns:*, sodipodi:*) goes.
    const attr = raw === 'xlink:href' ? 'href' : raw;
    if (!SVG_ATTRIBUTES.has(attr) || !safeValue(attr, value)) continue;
    // A presentation attribute does not override the same property a style attribute set.
    if (!attributes.has(attr) || raw === 'xlink:href') attributes.set(attr, value);
  }
  if (name === 'svg' && depth === 0) attributes.set('xmlns', SVG_NS);
  let inner = '';
  for (const child of (node[name] ?? []) as XmlNode[]) {
    const childName = elementName(child);
    if (childName === '#text' || childName === '#cdata') {
      if (!SVG_TEXT.has(name)) continue;
      const raw = childName === '#text' ? String(child['#text']) : cdataText(child);
      const value = childName === '#text' ? decode(raw) : raw;
      if (hasForbiddenChars(value.replace(/[\t\n\r]/g, ' '))) throw new SvgRefused('unreadable');
      inner += escapeText(value);
    } else if (childName !== undefined && !childName.startsWith('#') && !childName.startsWith('?')) {
      inner += element(child, depth + 1, drawn);
    }
  }
  if (SVG_DRAWING.has(name)) drawn.any = true;
  const attrs = [...attributes].map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  return inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

function cdataText(node: XmlNode): string {
  return ((node['#cdata'] ?? []) as XmlNode[]).map((t) => String(t['#text'] ?? '')).join('');
}
