import { describe, expect, it } from 'vitest';
import { codeHash, codeShape, derivedCode, luhnDigit, luhnValid, readCode } from './rules.ts';

describe('anti-counterfeit code rules', () => {
  it('computes the Luhn check digit of known numbers', () => {
    expect(luhnDigit('7992739871')).toBe('3');
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('4539578763621486')).toBe(true);
  });
  it('reads full-width digits, spaces and dashes; refuses other characters', () => {
    expect(readCode('７９９２ ７３９８-７１３')).toBe('79927398713');
    expect(readCode('1234abc')).toBeNull();
    expect(codeShape('7992-7398-713', 11)).toEqual({ kind: 'ok', code: '79927398713' });
    expect(codeShape('79927398710', 11)).toEqual({ kind: 'check_digit', code: '79927398710' });
    expect(codeShape('7992739871', 11).kind).toBe('length');
  });
  it('derives codes from the key that pass the check digit, differ per key, and hash per tenant', () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    const c = derivedCode(k1, 'b1', 0, 16);
    expect(c).toHaveLength(16);
    expect(luhnValid(c)).toBe(true);
    expect(derivedCode(k1, 'b1', 0, 16)).toBe(c);
    expect(derivedCode(k2, 'b1', 0, 16)).not.toBe(c);
    expect(derivedCode(k1, 'b1', 1, 16)).not.toBe(c);
    expect(derivedCode(k1, 'b1', 3, 24)).toHaveLength(24);
    expect(codeHash(k1, 't1', c)).not.toBe(codeHash(k1, 't2', c));
    expect(codeHash(k1, 't1', c)).not.toContain(c);
  });
});
