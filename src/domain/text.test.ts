import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import {
  countSegments,
  decodeAscii,
  decodeGsm7,
  decodeLatin1,
  decodeUcs2,
  detectEncoding,
  encodeAscii,
  encodeGsm7,
  encodeLatin1,
  encodeUcs2,
  packSeptets,
  preview,
  splitText,
  unpackSeptets,
  type Encoding,
  type SplitOptions,
} from './text.ts';

// split-sms (CommonJS, no type declarations) is the independent oracle for segment counts.
interface SplitSms {
  split(text: string): { characterSet: 'GSM' | 'Unicode'; parts: { content: string; bytes: number }[] };
}
const splitter = createRequire(import.meta.url)('split-sms') as SplitSms;

// Independent transcription of GSM 03.38 §6.2.1, as code points per column of the printed table
// (column = high 3 bits, row = low 4 bits). null = 0x1B, the escape (not a character).
const COLUMNS: (number | null)[][] = [
  [0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  [0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, null, 0xc6, 0xe6, 0xdf, 0xc9],
  [0x20, 0x21, 0x22, 0x23, 0xa4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f],
  [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f],
  [0xa1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f],
  [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  [0xbf, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
  [0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
];
const BASIC: [string, number][] = [];
COLUMNS.forEach((column, hi) =>
  column.forEach((cp, lo) => {
    if (cp !== null) BASIC.push([String.fromCodePoint(cp), (hi << 4) | lo]);
  }),
);
// Extension table (3GPP TS 23.038 §6.2.1.1): character → code after 0x1B.
const EXTENDED: [string, number][] = [
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
];
const BASIC_CHARS = BASIC.map(([ch]) => ch);
const EXT_CHARS = EXTENDED.map(([ch]) => ch);
const GSM_CHARS = [...BASIC_CHARS, ...EXT_CHARS];

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/** Reference cost of one part, computed from the test's own tables. */
function cost(part: string, encoding: Encoding): number {
  if (encoding === 'ucs2') return part.length;
  let n = 0;
  for (const ch of part) n += EXT_CHARS.includes(ch) ? 2 : 1; // for..of iterates code points: '?' per code point
  return n;
}

const gsmChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...BASIC_CHARS) },
  { weight: 1, arbitrary: fc.constantFrom(...EXT_CHARS) },
);
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)); // incl. lone surrogates
const mixedChar = fc.oneof(
  { weight: 8, arbitrary: gsmChar },
  { weight: 2, arbitrary: fc.constantFrom('中', '😀', '👍🏽', 'ç', '\u{10FFFF}') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: anyUnit },
);
const gsmText = fc.array(gsmChar, { maxLength: 480 }).map((a) => a.join(''));
const mixedText = fc.array(mixedChar, { maxLength: 480 }).map((a) => a.join(''));
const splitOpts: fc.Arbitrary<SplitOptions> = fc.record(
  { encoding: fc.constantFrom<Encoding>('gsm7', 'ucs2'), ref16: fc.boolean() },
  { requiredKeys: [] },
);

describe('GSM 03.38 alphabet', () => {
  it('encodes every default-alphabet character to its table position and back', () => {
    expect(BASIC).toHaveLength(127);
    for (const [ch, code] of BASIC) {
      expect(detectEncoding(ch)).toBe('gsm7');
      expect([...encodeGsm7(ch)]).toEqual([code]);
      expect(decodeGsm7(Uint8Array.of(code))).toBe(ch);
    }
  });

  it('encodes extension characters as 0x1B + code, two septets', () => {
    for (const [ch, code] of EXTENDED) {
      expect(detectEncoding(ch)).toBe('gsm7');
      expect([...encodeGsm7(ch)]).toEqual([0x1b, code]);
      expect(decodeGsm7(Uint8Array.of(0x1b, code))).toBe(ch);
      expect(preview(ch).units).toBe(2);
    }
  });

  it.each([
    ['@ at 0x00, £ 0x01, $ 0x02', '@£$', [0x00, 0x01, 0x02]],
    ['¤ (not $) at 0x24, ¡ (not @) at 0x40, ¿ at 0x60', '¤¡¿', [0x24, 0x40, 0x60]],
    ['LF 0x0A and CR 0x0D', '\r\n', [0x0d, 0x0a]],
    ['Ç (capital) at 0x09', 'Ç', [0x09]],
    ['Greek capitals Δ Ω', '\u0394\u03a9', [0x10, 0x15]],
    ['look-alikes ∆ (U+2206) and Ω (U+2126) printed in the spec text', '\u2206\u2126', [0x10, 0x15]],
  ])('%s', (_name, text, septets) => {
    expect(detectEncoding(text)).toBe('gsm7');
    expect([...encodeGsm7(text)]).toEqual(septets);
  });

  it.each([
    ['ç (lowercase; only Ç is in the table)', 'ç'],
    ['backtick', '`'],
    ['U+001B itself (0x1B is the escape, not a character)', '\u001b'],
    ['TAB', '\t'],
    ['no-break space', '\u00a0'],
    ['á', 'á'],
    ['a lone surrogate', '\ud800'],
  ])('%s is not GSM', (_name, text) => {
    expect(detectEncoding(text)).toBe('ucs2');
    expect([...encodeGsm7(text)]).toEqual([0x3f]);
  });

  it('agrees with split-sms on every BMP code unit, except the two look-alikes', () => {
    const differ: number[] = [];
    for (let u = 0; u <= 0xffff; u++) {
      const ch = String.fromCharCode(u);
      if ((detectEncoding(ch) === 'gsm7') !== (splitter.split(ch).characterSet === 'GSM')) differ.push(u);
    }
    expect(differ).toEqual([0x2126, 0x2206]);
  });
});

describe('segmentation — known cases', () => {
  const a = (n: number) => 'a'.repeat(n);
  const zh = (n: number) => '中'.repeat(n);
  const lengths = (parts: string[], encoding: Encoding) => parts.map((p) => cost(p, encoding));

  it.each<[string, string, SplitOptions | undefined, Encoding, number, number, number[]]>([
    // name, text, opts, encoding, units, perSegment, part costs
    ['160 GSM chars = 1', a(160), undefined, 'gsm7', 160, 160, [160]],
    ['161 GSM chars = 2', a(161), undefined, 'gsm7', 161, 153, [153, 8]],
    ['306 GSM chars = 2', a(306), undefined, 'gsm7', 306, 153, [153, 153]],
    ['307 GSM chars = 3', a(307), undefined, 'gsm7', 307, 153, [153, 153, 1]],
    ['158 + € = 160 septets = 1', a(158) + '€', undefined, 'gsm7', 160, 160, [160]],
    ['159 + € = 161 septets = 2', a(159) + '€', undefined, 'gsm7', 161, 153, [153, 8]],
    ['€ straddling septet 153 moves to part 2', a(152) + '€' + a(10), undefined, 'gsm7', 164, 153, [152, 12]],
    ['€ ending exactly on septet 153 stays', a(151) + '€' + a(10), undefined, 'gsm7', 163, 153, [153, 10]],
    ['70 Chinese = 1', zh(70), undefined, 'ucs2', 70, 70, [70]],
    ['71 Chinese = 2', zh(71), undefined, 'ucs2', 71, 67, [67, 4]],
    ['134 Chinese = 2', zh(134), undefined, 'ucs2', 134, 67, [67, 67]],
    ['135 Chinese = 3', zh(135), undefined, 'ucs2', 135, 67, [67, 67, 1]],
    ['emoji straddling unit 67 moves to part 2', zh(66) + '😀' + zh(5), undefined, 'ucs2', 73, 67, [66, 7]],
    ['emoji ending exactly on unit 67 stays', zh(65) + '😀' + zh(5), undefined, 'ucs2', 72, 67, [67, 5]],
    ['emoji within 70 units = 1', zh(66) + '😀' + zh(2), undefined, 'ucs2', 70, 70, [70]],
    ['ref16: 160 GSM = 1 (no UDH)', a(160), { ref16: true }, 'gsm7', 160, 160, [160]],
    ['ref16: 161 GSM = 152 + 9', a(161), { ref16: true }, 'gsm7', 161, 152, [152, 9]],
    ['ref16: 304 GSM = 2', a(304), { ref16: true }, 'gsm7', 304, 152, [152, 152]],
    ['ref16: 305 GSM = 3', a(305), { ref16: true }, 'gsm7', 305, 152, [152, 152, 1]],
    ['ref16: € straddling septet 152', a(151) + '€' + a(10), { ref16: true }, 'gsm7', 163, 152, [151, 12]],
    ['ref16: 71 Chinese = 66 + 5', zh(71), { ref16: true }, 'ucs2', 71, 66, [66, 5]],
    ['ref16: emoji straddling unit 66', zh(65) + '😀' + zh(5), { ref16: true }, 'ucs2', 72, 66, [65, 7]],
    ['empty text = 1 empty segment, 0 units', '', undefined, 'gsm7', 0, 160, [0]],
    ['one Chinese char makes it ucs2', 'Hello, world 中', undefined, 'ucs2', 14, 70, [14]],
    ['forced ucs2 on GSM text', a(71), { encoding: 'ucs2' }, 'ucs2', 71, 67, [67, 4]],
    ['forced gsm7: non-GSM chars cost one septet each', zh(100), { encoding: 'gsm7' }, 'gsm7', 100, 160, [100]],
    ['forced gsm7: an emoji is one "?" septet', '😀'.repeat(161), { encoding: 'gsm7' }, 'gsm7', 161, 153, [153, 8]],
  ])('%s', (_name, text, opts, encoding, units, perSegment, partCosts) => {
    const p = preview(text, opts);
    expect(p.encoding).toBe(encoding);
    expect(p.units).toBe(units);
    expect(p.perSegment).toBe(perSegment);
    expect(lengths(p.parts, encoding)).toEqual(partCosts);
    expect(p.segments).toBe(partCosts.length);
    expect(p.parts.join('')).toBe(text);
    expect(countSegments(text, opts)).toBe(partCosts.length);
    expect(splitText(text, opts)).toEqual({ encoding, parts: p.parts });
  });

  it('puts the straddling extension char and emoji at the start of the next part', () => {
    expect(splitText(a(152) + '€' + a(10)).parts[1].startsWith('€')).toBe(true);
    expect(splitText(zh(66) + '😀' + zh(5)).parts[1].startsWith('😀')).toBe(true);
  });

  it('counts characters by code point', () => {
    expect(preview('😀a').characters).toBe(2);
    expect(preview('😀a').units).toBe(3);
    expect(preview('€a').characters).toBe(2);
    expect(preview('€a').units).toBe(3);
    expect(preview('\ud800a').characters).toBe(2); // a lone surrogate is its own code point
    expect(preview('').characters).toBe(0);
  });
});

describe('segmentation — properties', () => {
  function checkLayout(text: string, opts: SplitOptions | undefined): void {
    const { encoding, parts } = splitText(text, opts);
    expect(parts.join('')).toBe(text);
    const total = cost(text, encoding);
    const single = encoding === 'gsm7' ? 160 : 70;
    const multi = encoding === 'gsm7' ? (opts?.ref16 ? 152 : 153) : opts?.ref16 ? 66 : 67;
    if (total <= single) {
      expect(parts).toEqual([text]);
    } else {
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k];
        expect(part.length).toBeGreaterThan(0);
        expect(cost(part, encoding)).toBeLessThanOrEqual(multi);
        // never split a surrogate pair
        if (k > 0) expect(isHigh(parts[k - 1].charCodeAt(parts[k - 1].length - 1)) && isLow(part.charCodeAt(0))).toBe(false);
        // greedy: a part is only closed when the next (atomic) character would not fit
        if (k + 1 < parts.length) {
          const next = parts[k + 1];
          const firstChar = String.fromCodePoint(next.codePointAt(0)!);
          expect(cost(part + firstChar, encoding)).toBeGreaterThan(multi);
        }
      }
    }
    const p = preview(text, opts);
    expect(p.parts).toEqual(parts);
    expect(p.segments).toBe(parts.length);
    expect(p.units).toBe(total);
    expect(p.characters).toBe([...text].length);
    expect(countSegments(text, opts)).toBe(parts.length);
  }

  it('split then join returns GSM-only text; parts fit their limits', () => {
    fc.assert(fc.property(gsmText, fc.option(splitOpts, { nil: undefined }), (text, opts) => checkLayout(text, opts)), {
      numRuns: 500,
    });
  });

  it('split then join returns arbitrary unicode (surrogate pairs, lone surrogates); parts fit their limits', () => {
    fc.assert(fc.property(mixedText, fc.option(splitOpts, { nil: undefined }), (text, opts) => checkLayout(text, opts)), {
      numRuns: 500,
    });
    fc.assert(fc.property(fc.string({ unit: anyUnit, maxLength: 300 }), (text) => checkLayout(text, undefined)));
  });

  it('detected encoding is gsm7 exactly when every char is in the tables', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const gsm = [...text].every((ch) => GSM_CHARS.includes(ch) || ch === '\u2206' || ch === '\u2126');
        expect(detectEncoding(text)).toBe(gsm ? 'gsm7' : 'ucs2');
      }),
    );
  });

  // Oracle: split-sms. It follows GSM 03.38 (same 128 + 10 characters, 160/153 and 70/67 limits, escapes and
  // surrogate pairs kept whole) but differs outside that domain, so the generator avoids:
  // - U+2206 ∆ and U+2126 Ω: look-alikes of Δ/Ω that the spec text prints and we accept as GSM; split-sms does not.
  // - lone surrogates: split-sms treats every high surrogate as the start of a pair (costing 2 units even when
  //   nothing follows), e.g. '中'×69 + '\uD800' is 70 units (1 segment) for us, 2 segments for split-sms.
  // It has no 16-bit reference and no forced encoding, so only default options are compared.
  it('segment counts agree with split-sms on well-formed text', () => {
    const wellFormed = fc
      .array(
        fc.oneof(
          { weight: 8, arbitrary: gsmChar },
          { weight: 2, arbitrary: fc.constantFrom('中', '😀', '👍🏽', 'ç', '\u{10FFFF}') },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
        ),
        { maxLength: 480 },
      )
      .map((a) => a.join('').replace(/[\u2206\u2126]/g, 'x'));
    fc.assert(
      fc.property(wellFormed, (text) => {
        const theirs = splitter.split(text);
        expect(countSegments(text)).toBe(theirs.parts.length);
        expect(detectEncoding(text)).toBe(theirs.characterSet === 'GSM' ? 'gsm7' : 'ucs2');
      }),
      { numRuns: 2000 },
    );
    // Boundary-heavy cases, exhaustively around the limits.
    for (let n = 140; n <= 320; n++) {
      for (const text of ['a'.repeat(n), 'a'.repeat(n - 1) + '€', '€'.repeat(n >> 1), '中'.repeat(n >> 1), '😀' + '中'.repeat(n >> 1)]) {
        expect(countSegments(text)).toBe(splitter.split(text).parts.length);
      }
    }
  });

  it('documents where split-sms departs from GSM 03.38 / UTF-16', () => {
    const lone = '中'.repeat(69) + '\ud800';
    expect(countSegments(lone)).toBe(1);
    expect(splitter.split(lone).parts.length).toBe(2);
    const delta = '\u2206'.repeat(100);
    expect(countSegments(delta)).toBe(1);
    expect(splitter.split(delta).parts.length).toBe(2);
  });
});

describe('GSM 7-bit codec', () => {
  it('round-trips GSM text through encodeGsm7/decodeGsm7', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const septets = encodeGsm7(text);
        expect(septets.length).toBe(cost(text, 'gsm7'));
        expect(septets.every((s) => s < 0x80)).toBe(true);
        expect(decodeGsm7(septets)).toBe(text);
      }),
    );
  });

  it('replaces each unrepresentable code point by one "?"', () => {
    expect(decodeGsm7(encodeGsm7('a中😀b\udc00c'))).toBe('a??b?c');
  });

  it('decodes undefined escapes to the base char, ESC ESC to a space, and ignores a trailing escape', () => {
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x41))).toBe('A');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x00))).toBe('@');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x1b))).toBe(' ');
    expect(decodeGsm7(Uint8Array.of(0x41, 0x1b))).toBe('A');
    expect(decodeGsm7(Uint8Array.of(0x1b))).toBe('');
    expect(decodeGsm7(Uint8Array.of(0x1b, 0x65, 0x1b, 0x0a))).toBe('€\f');
    expect(decodeGsm7(Uint8Array.of(0xc1))).toBe('A'); // high bit ignored
    expect(decodeGsm7(new Uint8Array(0))).toBe('');
  });
});

describe('septet packing', () => {
  // Oracle: the packed stream as one little-endian bit string, septet i at bit fill + 7i (03.38 §6.1.2.1.1).
  function bigintPack(septets: Uint8Array, fill: number): number[] {
    let value = 0n;
    septets.forEach((s, i) => (value |= BigInt(s) << BigInt(fill + 7 * i)));
    const bytes: number[] = [];
    for (let k = 0; k < Math.ceil((fill + 7 * septets.length) / 8); k++) bytes.push(Number((value >> BigInt(8 * k)) & 0xffn));
    return bytes;
  }
  const septetsArb = fc.uint8Array({ max: 0x7f, maxLength: 200 });
  const fillArb = fc.integer({ min: 0, max: 6 });

  it('packs "hellohello" to the well-known octets', () => {
    expect(packSeptets(encodeGsm7('hellohello')).toString('hex')).toBe('e8329bfd4697d9ec37');
  });

  it('matches the spec layout: 8 characters in 7 octets, 7 in 7 with zero fill', () => {
    expect([...packSeptets(new Uint8Array(8).fill(0x7f))]).toEqual(new Array(7).fill(0xff));
    expect([...packSeptets(new Uint8Array(7).fill(0x7f))]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]); // last octet: 0000000 7a
    expect([...packSeptets(Uint8Array.of(0x41))]).toEqual([0x41]);
    expect([...packSeptets(Uint8Array.of(0x41), 1)]).toEqual([0x82]);
    expect([...packSeptets(Uint8Array.of(0x7f), 2)]).toEqual([0xfc, 0x01]);
    expect(packSeptets(new Uint8Array(0)).length).toBe(0);
  });

  it('agrees with a bit-string oracle and round-trips, with fill bits', () => {
    fc.assert(
      fc.property(septetsArb, fillArb, (septets, fill) => {
        const packed = packSeptets(septets, fill);
        expect([...packed]).toEqual(bigintPack(septets, fill));
        expect([...unpackSeptets(packed, septets.length, fill)]).toEqual([...septets]);
      }),
    );
  });

  it('rejects bad fill bits and short input', () => {
    expect(() => packSeptets(Uint8Array.of(1), 7)).toThrow(RangeError);
    expect(() => unpackSeptets(Uint8Array.of(1), 1, -1)).toThrow(RangeError);
    expect(() => unpackSeptets(Uint8Array.of(1, 2), 3)).toThrow(RangeError);
    expect(() => unpackSeptets(Uint8Array.of(1), 1, 2)).toThrow(RangeError);
    expect([...unpackSeptets(Uint8Array.of(0xff), 1, 1)]).toEqual([0x7f]);
  });
});

describe('UCS-2, Latin-1 and IA5 codecs', () => {
  it('encodes UTF-16BE with surrogate pairs as two units', () => {
    expect(encodeUcs2('A中😀').toString('hex')).toBe('00414e2dd83dde00');
    expect(decodeUcs2(Buffer.from('00414e2dd83dde00', 'hex'))).toBe('A中😀');
    expect(decodeUcs2(Uint8Array.of(0x00, 0x41, 0x00))).toBe('A'); // trailing odd byte ignored
  });

  it('round-trips any UTF-16 string through UCS-2, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 200 }), (text) => {
        const bytes = encodeUcs2(text);
        expect(bytes.length).toBe(2 * text.length);
        expect(decodeUcs2(new Uint8Array(bytes))).toBe(text);
      }),
    );
  });

  it('Latin-1: round-trips U+0000–U+00FF, "?" per code point above', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), (text) => {
        expect(decodeLatin1(encodeLatin1(text))).toBe(text);
      }),
    );
    expect([...encodeLatin1('é€😀')]).toEqual([0xe9, 0x3f, 0x3f]);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeLatin1(all)).toBe(String.fromCharCode(...all));
  });

  it('IA5/ASCII: 7-bit only on encode, lenient on decode', () => {
    expect([...encodeAscii('Az~é😀')]).toEqual([0x41, 0x7a, 0x7e, 0x3f, 0x3f]);
    expect(decodeAscii(Uint8Array.of(0x48, 0x69, 0xe9))).toBe('Hié');
  });
});
