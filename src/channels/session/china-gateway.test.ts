import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { beijingStamp, decodeGatewayText, encodeGatewayText, readFixed, splitUdh, writeFixed } from './china-gateway.ts';

describe('gateway text (Msg_Fmt 0 / 8 / 15)', () => {
  it('chooses the format per text: ASCII 0, Chinese 15 or 8, and UCS-2 when GBK cannot carry it', () => {
    expect(encodeGatewayText('hello', 15, 'gbk')).toEqual({ msgFmt: 0, parts: [Buffer.from('hello')] });
    expect(encodeGatewayText('你好', 15, 'gbk')).toEqual({ msgFmt: 15, parts: [Buffer.from('c4e3bac3', 'hex')] });
    expect(encodeGatewayText('你好', 8, 'gbk')).toEqual({ msgFmt: 8, parts: [Buffer.from('4f60597d', 'hex')] });
    expect(encodeGatewayText('你好😀', 15, 'gbk').msgFmt).toBe(8);
    expect(encodeGatewayText('你好😀', 15, 'gb18030').msgFmt).toBe(15);
  });

  it('keeps 140 octets in one part and splits longer text into parts of at most 134, never inside a character', () => {
    expect(encodeGatewayText('a'.repeat(140), 8, 'gbk').parts).toHaveLength(1);
    expect(encodeGatewayText('a'.repeat(141), 8, 'gbk').parts.map((p) => p.length)).toEqual([134, 7]);
    expect(encodeGatewayText('中'.repeat(70), 8, 'gbk').parts).toHaveLength(1);
    expect(encodeGatewayText('中'.repeat(71), 8, 'gbk').parts.map((p) => p.length)).toEqual([134, 8]);
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.constantFrom<8 | 15>(8, 15), fc.constantFrom<'gbk' | 'gb18030'>('gbk', 'gb18030'), (text, chinese, gb) => {
      const { msgFmt, parts } = encodeGatewayText(text, chinese, gb);
      if (parts.length > 1) expect(parts.every((p) => p.length <= 134)).toBe(true);
      else expect(parts[0].length).toBeLessThanOrEqual(msgFmt === 0 ? Infinity : 140);
      // every part decodes on its own: no character was cut
      const joined = parts.map((p) => decodeGatewayText(p, msgFmt, gb)).map((d) => (expect(d.lossy).toBe(false), d.text)).join('');
      expect(joined).toBe(text);
    }), { numRuns: 300 });
  });

  it('flags octets that are not valid in their format', () => {
    expect(decodeGatewayText(iconv.encode('退订', 'gbk'), 15, 'gbk')).toEqual({ text: '退订', lossy: false });
    expect(decodeGatewayText(Buffer.from([0xc4]), 15, 'gbk').lossy).toBe(true);
    expect(decodeGatewayText(Buffer.from([0x4f, 0x60, 0x59]), 8, 'gbk')).toEqual({ text: '你', lossy: true });
  });

  it('reads a concatenation UDH (8- and 16-bit references) and ignores a malformed one', () => {
    expect(splitUdh(Buffer.from('050003a70201414243', 'hex'))).toEqual({ payload: Buffer.from('ABC'), concat: { ref: 0xa7, total: 2, seq: 1 } });
    expect(splitUdh(Buffer.from('0608041234030241', 'hex')).concat).toEqual({ ref: 0x1234, total: 3, seq: 2 });
    expect(splitUdh(Buffer.from('050003a70203', 'hex')).concat).toBeNull();
    expect(splitUdh(Buffer.from('09', 'hex'))).toEqual({ payload: Buffer.from('09', 'hex'), concat: null });
  });

  it('writes fixed-width text NUL-padded and refuses what does not fit; stamps in Beijing time', () => {
    const b = Buffer.alloc(8, 0xff);
    writeFixed(b, 0, 'SP1', 8, 'ClientID');
    expect(b).toEqual(Buffer.from('5350310000000000', 'hex'));
    expect(readFixed(b, 0, 8)).toBe('SP1');
    expect(() => writeFixed(b, 0, 'toolongtext', 8, 'ClientID')).toThrow(/ClientID/);
    expect(beijingStamp(new Date('2026-02-28T16:30:05Z'))).toBe('0301003005');
  });
});
