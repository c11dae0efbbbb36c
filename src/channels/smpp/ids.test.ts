import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseId, normaliseIdAt, type IdFormat } from './ids.ts';

describe('normaliseId', () => {
  const cases: [string, IdFormat, string][] = [
    ['1A2B', 'hex', '6699'],
    ['1a2b', 'hex', '6699'],
    ['00001a2b', 'hex', '6699'],
    ['0x1A2B', 'hex', '6699'],
    ['6699', 'decimal', '6699'],
    ['0006699', 'decimal', '6699'],
    [' 6699\0', 'decimal', '6699'],
    ['FFFFFFFFFFFFFFFF', 'hex', '18446744073709551615'],
    ['18446744073709551615', 'decimal', '18446744073709551615'],
    ['9007199254740993', 'decimal', '9007199254740993'],
    ['0000000000000000001', 'decimal', '1'],
    ['0', 'decimal', '0'],
    ['000', 'decimal', '0'],
    ['AbC-123', 'asis', 'abc-123'],
    ['00042', 'asis', '00042'],
    ['not-hex!', 'hex', 'not-hex!'],
    ['12ab', 'decimal', '12ab'],
  ];
  it.each(cases)('%s as %s → %s', (raw, format, expected) => {
    expect(normaliseId(raw, format)).toBe(expected);
  });

  it.each(cases)('%s as %s read from octets → the same', (raw, format, expected) => {
    const octets = Buffer.from(`12${raw}34`, 'latin1');
    expect(normaliseIdAt(octets, 2, 2 + raw.length, format)).toBe(expected);
  });

  it('reads any octets from a buffer as normaliseId reads their string', () => {
    const unit = fc.constantFrom(...'0123456789abcdefABCDEFx -\0'.split(''));
    fc.assert(fc.property(fc.string({ unit, maxLength: 24 }), fc.constantFrom<IdFormat>('hex', 'decimal', 'asis'), (raw, format) => {
      expect(normaliseIdAt(Buffer.from(raw, 'latin1'), 0, raw.length, format)).toBe(normaliseId(raw, format));
    }));
  });

  it('makes a hex submit id and a decimal receipt id meet', () => {
    const id = 0x1234_5678_9abc_def0n;
    expect(normaliseId(id.toString(16).toUpperCase(), 'hex')).toBe(normaliseId(`000${id.toString(10)}`, 'decimal'));
  });
});
