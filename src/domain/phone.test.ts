import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { normalizePhone, normalizeWithLibphonenumber, cleanPhoneText, cnMobileNational } from './phone.ts';

const ok = (e164: string, country = 'CN') => ({ ok: true, e164, country });

describe('normalizePhone', () => {
  it.each([
    ['13800138000'], ['138 0013 8000'], ['138-0013-8000'], ['138.0013.8000'], ['(138) 0013 8000'],
    ['+86 138 0013 8000'], ['+86-138-0013-8000'], ['(+86)13800138000'], ['0086 13800138000'], ['008613800138000'],
    ['8613800138000'], ['１３８００１３８０００'], ['＋８６　１３８－００１３－８０００'], ["'13800138000"], ['="13800138000"'],
    ['13800138000.0'], ['13800138000.00'], ['\t13800138000\t'], [' 13800138000 '], ['\ufeff13800138000'],
  ])('accepts %j as +8613800138000', (input) => {
    expect(normalizePhone(input, 'CN')).toEqual(ok('+8613800138000'));
  });

  it('accepts spreadsheet numbers that are whole', () => {
    expect(normalizePhone(13800138000, 'CN')).toEqual(ok('+8613800138000'));
    expect(normalizePhone(13800138000.5, 'CN')).toMatchObject({ ok: false, reason: 'invalid_number' });
  });

  it.each(['1.3800138e10', '1.38E+10', '1.38008E+10', '１.３８Ｅ＋１０'])('rejects scientific notation %j', (input) => {
    const r = normalizePhone(input, 'CN');
    expect(r).toMatchObject({ ok: false, reason: 'scientific_notation' });
    expect(r.ok === false && r.detail).toContain('scientific notation loses digits');
  });

  it('normalises landlines and other countries', () => {
    expect(normalizePhone('010-1234 5678', 'CN')).toEqual(ok('+861012345678'));
    expect(normalizePhone('(020) 8888 6666', 'CN')).toEqual(ok('+862088886666'));
    expect(normalizePhone('+7 (912) 345-67-89', 'CN')).toEqual(ok('+79123456789', 'RU'));
    expect(normalizePhone('8 912 345-67-89', 'RU')).toEqual(ok('+79123456789', 'RU'));
    expect(normalizePhone('+1 (650) 253-0000')).toEqual(ok('+16502530000', 'US'));
    expect(normalizePhone('0049 151 12345678')).toEqual(ok('+4915112345678', 'DE'));
  });

  it.each([
    [null, 'empty'], ['', 'empty'], ['   ', 'empty'], ["'", 'empty'], ['12345', 'too_short'], ['1380013800012345678', 'too_long'],
    ['138001380ab', 'invalid_characters'], ['13800138000 ext 12', 'invalid_characters'], ['14012345678', 'invalid_number'],
    ['13800138000', 'unknown_country'],
  ] as const)('rejects %j with %s', (input, reason) => {
    const r = normalizePhone(input, input === '13800138000' ? undefined : 'CN');
    expect(r).toMatchObject({ ok: false, reason });
    expect(r.ok === false && r.detail.length).toBeGreaterThan(5);
  });

  it('strips only what wraps a number', () => {
    expect(cleanPhoneText(' ="+86 138-0013-8000" ')).toBe('+8613800138000');
    expect(cleanPhoneText('13800138000.0')).toBe('13800138000');
  });

  it('fast path agrees with libphonenumber for every Chinese mobile-looking number and format', () => {
    const national = fc.tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
      .map(([d, rest]) => `1${d}${String(rest).padStart(9, '0')}`);
    const format = fc.constantFrom((n: string) => n, (n: string) => `+86${n}`, (n: string) => `0086${n}`,
      (n: string) => `86${n}`, (n: string) => `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`, (n: string) => `+86-${n}`);
    fc.assert(fc.property(national, format, fc.constantFrom('CN', 'RU', 'US', undefined), (n, f, country) => {
      const text = f(n);
      const fast = normalizePhone(text, country as 'CN' | undefined);
      const slow = normalizeWithLibphonenumber(cleanPhoneText(text), country as 'CN' | undefined);
      expect(fast).toEqual(slow);
      expect(cnMobileNational(`+86${n}`) !== null).toBe(normalizeWithLibphonenumber(`+86${n}`).ok);
    }), { numRuns: 5000 });
  });
});
