import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LOGO_MAX_BYTES, pngChunks, sanitiseLogo } from './logo.js';
import { png, pngChunk } from './settings.test-helpers.js';

// The logo's sanitisers (pure): what survives of hostile SVGs and PNGs, and what is refused.

const svg = (s: string) => sanitiseLogo('image/svg+xml', Buffer.from(s, 'utf8'));
const svgText = (s: string): string => {
  const r = svg(s);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.data.toString('utf8');
};
const NS = 'xmlns="http://www.w3.org/2000/svg"';

describe('the SVG logo sanitiser', () => {
  it('keeps a plain drawing, written again with the SVG namespace', () => {
    const out = svgText(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n<svg ${NS} viewBox="0 0 120 40" width="120" height="40"><title>Línea &amp; Ayuda</title><g transform="translate(2 2)"><rect x="0" y="0" width="36" height="36" rx="6" fill="#0b5d4a"/><path d="M8 18h20" stroke="#fff" stroke-width="4"/></g><text x="44" y="26" font-family="'Noto Sans', sans-serif" font-size="16">مساعدة</text></svg>`,
    );
    expect(out).toBe(
      `<svg viewBox="0 0 120 40" width="120" height="40" ${NS}><title>Línea &amp; Ayuda</title><g transform="translate(2 2)"><rect x="0" y="0" width="36" height="36" rx="6" fill="#0b5d4a"/><path d="M8 18h20" stroke="#fff" stroke-width="4"/></g><text x="44" y="26" font-family="'Noto Sans', sans-serif" font-size="16">مساعدة</text></svg>`,
    );
  });

  it('drops scripts, foreignObject, style, images, links and animation with everything in them', () => {
    const out = svgText(
      `<svg ${NS}><script>alert(1)</script><script type="text/ecmascript"><![CDATA[fetch('https://evil.example/')]]></script>` +
        `<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"/></div></foreignObject>` +
        `<style>@import url(https://evil.example/x.css); rect { fill: red }</style>` +
        `<image href="https://evil.example/pixel.png" width="1" height="1"/><a href="https://evil.example/"><circle r="4"/></a>` +
        `<set attributeName="fill" to="red"/><animate attributeName="href" to="javascript:alert(1)"/><metadata><rdf/></metadata>` +
        `<rect width="4" height="4"/></svg>`,
    );
    expect(out).toBe(`<svg ${NS}><rect width="4" height="4"/></svg>`);
    expect(out).not.toMatch(/script|foreignObject|style|image|evil|animate|iframe/i);
  });

  it('drops event attributes, and references to anything but a #fragment of the logo', () => {
    const out = svgText(
      `<svg ${NS} onload="alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink">` +
        `<linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>` +
        `<linearGradient id="h" xlink:href="#g"/><linearGradient id="i" href="https://evil.example/#g"/>` +
        `<rect width="1" height="1" fill="url(#g)" onclick="alert(1)" onmouseover="x()"/>` +
        `<rect width="1" height="1" fill="url(https://evil.example/#g)" mask="url('data:image/svg+xml,<svg/>')"/>` +
        `<rect width="1" height="1" fill="u\\72l(https://evil.example/)" stroke="image-set('https://evil.example/')"/>` +
        `<path d="M0 0" clip-path="url( #g )" filter="url(#g)" xml:base="https://evil.example/"/></svg>`,
    );
    expect(out).toBe(
      `<svg ${NS}><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>` +
        `<linearGradient id="h" href="#g"/><linearGradient id="i"/>` +
        `<rect width="1" height="1" fill="url(#g)"/><rect width="1" height="1"/><rect width="1" height="1"/>` +
        `<path d="M0 0" clip-path="url( #g )"/></svg>`,
    );
  });

  it('turns a style attribute into checked presentation attributes, and never keeps an @import', () => {
    expect(svgText(`<svg ${NS}><rect width="1" height="1" style="fill: #c00; stroke:url(https://evil.example/); behavior: url(x.htc); opacity:.5 !important"/></svg>`)).toBe(
      `<svg ${NS}><rect width="1" height="1" fill="#c00" opacity=".5"/></svg>`,
    );
    expect(svgText(`<svg ${NS}><rect width="1" height="1" style="@import url(https://evil.example/x.css); fill: red"/></svg>`)).toBe(
      `<svg ${NS}><rect width="1" height="1"/></svg>`,
    );
  });

  it('refuses any DOCTYPE, and so entity expansion (a billion laughs) and external entities', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      `<svg ${NS}><text>&lol3;</text><rect width="1" height="1"/></svg>`;
    expect(svg(laughs)).toEqual({ ok: false, reason: 'doctype' });
    expect(svg(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${NS}><text>&x;</text></svg>`)).toEqual({ ok: false, reason: 'doctype' });
    expect(svg(`<!doctype svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg ${NS}><rect/></svg>`)).toEqual({
      ok: false,
      reason: 'doctype',
    });
    // Without a DOCTYPE no entity can be defined: an unknown one is refused, not left as text.
    expect(svg(`<svg ${NS}><text>&lol;</text><rect width="1" height="1"/></svg>`)).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('refuses what does not parse as one SVG document, in UTF-8, without control characters', () => {
    for (const bad of [
      `<svg ${NS}><rect width="1">`,
      `<svg ${NS}><rect width="1" width="2"/></svg>`,
      `<svg ${NS}/><svg ${NS}/>`,
      `<html><body><rect/></body></html>`,
      `<svg xmlns="http://www.w3.org/1999/xhtml"><rect width="1" height="1"/></svg>`,
      `<svg ${NS}><text>a\u0007b</text><rect width="1" height="1"/></svg>`,
      `<svg ${NS}><text>&#0;</text><rect width="1" height="1"/></svg>`,
      'not xml at all',
      '',
    ]) {
      expect(svg(bad).ok, bad).toBe(false);
    }
    expect(sanitiseLogo('image/svg+xml', Buffer.from([0x3c, 0x73, 0x76, 0x67, 0xff, 0xfe, 0x3e])).ok).toBe(false);
    // Nesting deep enough to be a denial of service is refused, not walked.
    const deep = `<svg ${NS}>${'<g>'.repeat(100)}<rect width="1" height="1"/>${'</g>'.repeat(100)}</svg>`;
    expect(svg(deep)).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('refuses a logo with nothing left to draw, and one still too large once cleaned', () => {
    expect(svg(`<svg ${NS}><script>alert(1)</script></svg>`)).toEqual({ ok: false, reason: 'empty' });
    const big = `<svg ${NS}>${'<rect width="10" height="10" fill="#123456"/>'.repeat(200)}</svg>`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(LOGO_MAX_BYTES);
    expect(svg(big)).toEqual({ ok: false, reason: 'too_large' });
    // Metadata that makes a file large is dropped before the size is checked.
    const padded = `<svg ${NS}><metadata>${'x'.repeat(20_000)}</metadata><rect width="1" height="1"/></svg>`;
    expect(svgText(padded)).toBe(`<svg ${NS}><rect width="1" height="1"/></svg>`);
  });

  it('escapes text and attribute values it keeps, so nothing can close a tag', () => {
    const out = svgText(`<svg ${NS}><title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title><text x="1" y="2" aria-label="a &quot;b&quot; &lt;c&gt;">x</text></svg>`);
    expect(out).toBe(
      `<svg ${NS}><title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title><text x="1" y="2">x</text></svg>`,
    );
  });
});

describe('the PNG logo sanitiser', () => {
  const types = (data: Buffer): string[] => {
    const chunks = pngChunks(data);
    if (typeof chunks === 'string') throw new Error(chunks);
    return chunks.map((c) => c.type);
  };

  it('keeps the image and what changes how it looks; drops text, Exif, dates, profiles and unknown chunks', () => {
    const input = png({
      extra: [
        pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
        pngChunk('tEXt', Buffer.from('Author\0Someone at risk, 12 Main Street', 'latin1')),
        pngChunk('iTXt', Buffer.from('GPS\0\0\0\0\0-33.9,18.4', 'latin1')),
        pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), deflateSync('secret')])),
        pngChunk('eXIf', Buffer.from('MM\0*\0\0\0\x08', 'latin1')),
        pngChunk('iCCP', Buffer.concat([Buffer.from('profile\0\0', 'latin1'), deflateSync('icc')])),
        pngChunk('pHYs', Buffer.alloc(9)),
        pngChunk('tRNS', Buffer.from([0, 0, 0, 0, 0, 0])),
        pngChunk('prVt', Buffer.from('private data')),
      ],
      after: [pngChunk('tIME', Buffer.alloc(7)), pngChunk('tEXt', Buffer.from('k\0v', 'latin1'))],
    });
    const result = sanitiseLogo('image/png', input);
    if (!result.ok) throw new Error(result.reason);
    expect(types(result.data)).toEqual(['IHDR', 'gAMA', 'tRNS', 'IDAT', 'IEND']);
    expect(result.data.toString('latin1')).not.toMatch(/Main Street|GPS|Author|MM\0\*|private/);
    // The kept chunks are the sent ones, byte for byte.
    expect(result.data.subarray(0, 33)).toEqual(input.subarray(0, 33));
    expect(result.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a chunk whose CRC does not match', () => {
    const good = png({ extra: [pngChunk('tEXt', Buffer.from('a\0b', 'latin1'))] });
    // Any byte changed in any chunk, even one that would be dropped, breaks its CRC.
    for (const at of [20, 40, good.length - 20]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0xff;
      expect(sanitiseLogo('image/png', bad).ok, `byte ${at}`).toBe(false);
    }
    const bad = Buffer.from(good);
    bad[40] = bad[40]! ^ 0x01;
    expect(sanitiseLogo('image/png', bad)).toEqual({ ok: false, reason: 'crc' });
  });

  it('refuses what is not a whole PNG in order', () => {
    const good = png();
    const ihdr = good.subarray(8, 33);
    const cases: [string, Buffer][] = [
      ['cut short', good.subarray(0, good.length - 6)],
      ['bytes after IEND', Buffer.concat([good, Buffer.from('trailing')])],
      ['no IEND', good.subarray(0, good.length - 12)],
      ['IHDR twice', Buffer.concat([good.subarray(0, 33), ihdr, good.subarray(33)])],
      ['no image data', Buffer.concat([good.subarray(0, 33), pngChunk('IEND')])],
      ['an unknown critical chunk', png({ extra: [pngChunk('ABCD', Buffer.from('x'))] })],
      ['not a PNG', Buffer.from('GIF89a…')],
      ['IDAT split by another chunk', png({ after: [pngChunk('gAMA', Buffer.alloc(4)), pngChunk('IDAT', deflateSync(Buffer.alloc(1)))] })],
    ];
    for (const [name, data] of cases) expect(sanitiseLogo('image/png', data).ok, name).toBe(false);
  });

  it('refuses an image wider or higher than a logo needs', () => {
    expect(sanitiseLogo('image/png', png({ width: 4096, height: 1 }))).toEqual({ ok: false, reason: 'dimensions' });
  });

  it('refuses a type that is neither PNG nor SVG', () => {
    expect(sanitiseLogo('image/gif', Buffer.from('GIF89a')).ok).toBe(false);
  });
});
