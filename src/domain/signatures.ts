// Signatures (签名) and their review (签名报备): what a signature may look like, the proof a carrier asks for (the
// business licence number and a scan of the licence), and the rule that only approved signatures go out.

import { DomainError } from './errors.ts';
import { formatSignature } from './templates.ts';

/** Review states: pending (applied, waiting for the platform) → approved | rejected (the tenant may apply again). */
export type SignatureStatus = 'pending' | 'approved' | 'rejected';
/** Every review state. */
export const signatureStatuses: readonly SignatureStatus[] = ['pending', 'approved', 'rejected'];

/** The largest proof file accepted (bytes): carriers take scans of a few MB. */
export const maxProofBytes = 5 * 1024 * 1024;

/** The file types a proof may be, recognised by their first bytes (never by the name or the declared type). */
const proofTypes: { type: string; ext: string; magic: number[] }[] = [
  { type: 'application/pdf', ext: 'pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', ext: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', ext: 'jpg', magic: [0xff, 0xd8, 0xff] },
];

/** The type of a proof file from its content (PDF, PNG or JPEG); throws invalid_request for anything else. */
export function proofTypeOf(data: Buffer): { type: string; ext: string } {
  const hit = proofTypes.find((p) => data.length > p.magic.length && p.magic.every((b, i) => data[i] === b));
  if (!hit) throw new DomainError('invalid_request', 'the proof must be a PDF, PNG or JPEG file (a scan or photo of the business licence)', { field: 'proof' });
  return { type: hit.type, ext: hit.ext };
}

/** A file name safe to store and to put in a Content-Disposition header: no path, no quotes or control characters. */
export function safeFileName(name: string, ext: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\p{Cc}"';]/gu, '').replace(/\.[^.]*$/, '').trim().slice(0, 80);
  return `${base || 'proof'}.${ext}`;
}

const inner = /^[^【】[\]〖〗［］\p{Cc}]+$/u;

/**
 * The signature as stored and placed: 【名称】 (or the bracket style given, such as [Acme] for GSM-7 texts), with
 * 2–12 characters inside, as carriers require. Throws invalid_request naming the field otherwise.
 */
export function normalizeSignature(text: string): string {
  const s = formatSignature(text);
  const name = s.slice(1, -1).trim();
  if (!name || !inner.test(name)) throw new DomainError('invalid_request', 'a signature is a name in brackets such as 【好药房】, without other brackets inside', { field: 'text' });
  const length = [...name].length;
  if (length < 2 || length > 12) throw new DomainError('invalid_request', `a signature has 2 to 12 characters inside the brackets (this one has ${length})`, { field: 'text' });
  return `${s[0]}${name}${s[s.length - 1]}`;
}

const usccAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Whether an 18-character code is a valid 统一社会信用代码 (GB 32100-2015, its check character included). */
export function isCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += usccAlphabet.indexOf(code[i]) * usccWeights[i];
  return usccAlphabet[(31 - (sum % 31)) % 31] === code[17];
}

/**
 * The business licence number, upper-cased and without spaces: an 18-character 统一社会信用代码 must pass its check
 * character; other registration numbers (the older 15-digit 注册号, a foreign company number) are 6–30 letters,
 * digits or dashes. Throws invalid_request naming the field otherwise.
 */
export function normalizeLicenceNumber(value: string): string {
  const v = value.replace(/\s+/g, '').toUpperCase();
  if (v.length === 18 && /^[0-9A-Z]{18}$/.test(v)) {
    if (!isCreditCode(v)) throw new DomainError('invalid_request', `${v} is not a valid unified social credit code (统一社会信用代码): its check character does not match`, { field: 'licenceNumber' });
    return v;
  }
  if (!/^[0-9A-Z-]{6,30}$/.test(v)) throw new DomainError('invalid_request', 'the business licence number is the 18-character unified social credit code (or another registration number of 6–30 letters and digits)', { field: 'licenceNumber' });
  return v;
}

/** The Chinese signature (【…】) at the start or end of a text, as carriers read it, if any. */
export function bracketSignatureIn(text: string): string | null {
  const t = text.trim();
  if (t.startsWith('【')) { const end = t.indexOf('】', 1); if (end > 1) return t.slice(0, end + 1); }
  if (t.endsWith('】')) { const start = t.lastIndexOf('【', t.length - 2); if (start >= 0 && start < t.length - 2) return t.slice(start); }
  return null;
}

/**
 * The signatures a send would carry: the tenant's configured one and a 【…】 the text itself starts or ends with
 * (a template or body may name one). Each must be among the tenant's approved signatures.
 */
export function signaturesUsed(configured: unknown, texts: readonly (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  if (typeof configured === 'string' && configured.trim()) out.add(formatSignature(configured));
  for (const t of texts) {
    const s = t ? bracketSignatureIn(t) : null;
    if (s) out.add(s);
  }
  return [...out];
}

/** Throws signature_not_approved for the first signature not in the approved set. */
export function assertApproved(used: readonly string[], approved: ReadonlySet<string>): void {
  for (const s of used) {
    if (!approved.has(s)) {
      throw new DomainError('signature_not_approved', `the signature ${s} is not approved for this tenant: apply for it under 签名管理 (/api/v1/signatures) and wait for the platform's review`, { signature: s });
    }
  }
}
