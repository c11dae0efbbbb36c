import { describe, expect, it } from 'vitest';
import { assertApproved, bracketSignatureIn, isCreditCode, normalizeLicenceNumber, normalizeSignature, proofTypeOf, safeFileName, signaturesUsed } from './signatures.ts';

describe('signatures', () => {
  it('normalises a signature and refuses what carriers refuse', () => {
    expect(normalizeSignature('好药房')).toBe('【好药房】');
    expect(normalizeSignature(' 【 好药房 】 ')).toBe('【好药房】');
    expect(normalizeSignature('[Acme]')).toBe('[Acme]');
    for (const bad of ['', '【】', '【甲】', '【一二三四五六七八九十一二三】', '【a】b【c】', '【好\u0007药房】']) expect(() => normalizeSignature(bad)).toThrow(/signature/);
  });

  it('checks the unified social credit code with its check character', () => {
    for (const real of ['9144030071526726XG', '914403001922038216', '91330100716105852F']) expect(isCreditCode(real)).toBe(true);
    expect(isCreditCode('914403001922038217')).toBe(false);
    expect(isCreditCode('9144030071526726IG')).toBe(false);
    expect(normalizeLicenceNumber(' 9133 0100 7161 0585 2f ')).toBe('91330100716105852F');
    expect(() => normalizeLicenceNumber('91330100716105852A')).toThrow(/check character/);
    expect(normalizeLicenceNumber('110108000000016')).toBe('110108000000016');
    expect(() => normalizeLicenceNumber('12')).toThrow(/licence/);
  });

  it('recognises proof files by their content and makes safe names', () => {
    expect(proofTypeOf(Buffer.from('%PDF-1.7\n...'))).toEqual({ type: 'application/pdf', ext: 'pdf' });
    expect(proofTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0]))).toEqual({ type: 'image/jpeg', ext: 'jpg' });
    expect(() => proofTypeOf(Buffer.from('<svg onload=alert(1)>'))).toThrow(/PDF, PNG or JPEG/);
    expect(() => proofTypeOf(Buffer.from('%PDF-'))).toThrow();
    expect(safeFileName('../../etc/营业执照"; x.exe', 'png')).toBe('营业执照 x.png');
    expect(safeFileName('', 'pdf')).toBe('proof.pdf');
  });

  it('finds the signatures a send carries and refuses unapproved ones', () => {
    expect(bracketSignatureIn('【银行】您的账户')).toBe('【银行】');
    expect(bracketSignatureIn('您的账户【银行】')).toBe('【银行】');
    expect(bracketSignatureIn('[Reminder] tomorrow')).toBeNull();
    expect(signaturesUsed('好药房', ['【好药房】到货', null, '无签名'])).toEqual(['【好药房】']);
    expect(signaturesUsed(undefined, ['到货【某银行】'])).toEqual(['【某银行】']);
    expect(() => assertApproved(['【好药房】'], new Set(['【好药房】']))).not.toThrow();
    expect(() => assertApproved(['【好药房】', '【某银行】'], new Set(['【好药房】']))).toThrow(expect.objectContaining({ code: 'signature_not_approved', details: { signature: '【某银行】' } }));
  });
});
