// Keyword matching of services: NFKC, case- and width-insensitive; a keyword may be followed by its argument with
// or without a space (查询123 = 查询 123), a Latin keyword only at a word boundary (CX 12, CX12, not CXY).
import { normalizeKeyword } from '../domain/keywords.ts';

/** A keyword held by a service on a scope (address digits, or 't:<tenant>' for all of the tenant's addresses). */
export interface HeldKeyword { scope: string; keyword: string; serviceId: string }

/** A keyword hit: the service, the normalised keyword and the argument after it. */
export interface KeywordHit { serviceId: string; keyword: string; arg: string }

/** The stored form of a keyword (the same normalisation as opt-out words), or '' when nothing is left. */
export function keywordKey(raw: string): string {
  return normalizeKeyword(raw);
}

/** The scope of a tenant-wide service. */
export function tenantScope(tenantId: string): string {
  return `t:${tenantId}`;
}

const latinTail = /[A-Z\u0400-\u042F]$/u;
const latinHead = /^[A-Z\u0400-\u042F]/u;

/**
 * Splits a text into the keyword it starts with (the longest of `keywords`) and the argument. The argument keeps the
 * original spelling after NFKC (full-width digits become digits) with leading spaces and punctuation removed.
 */
export function splitKeyword(text: string, keywords: Iterable<string>): { keyword: string; arg: string } | null {
  const norm = normalizeKeyword(text);
  if (!norm) return null;
  let best = '';
  let rest = '';
  for (const k of keywords) {
    if (!k || k.length <= best.length || !norm.startsWith(k)) continue;
    const after = textAfter(text, k);
    // a Latin or Cyrillic keyword ends at a word boundary: CX matches "CX 12", "CX A" and "CX12", never "CXY"
    if (latinTail.test(k) && latinHead.test(after.toUpperCase())) continue;
    best = k;
    rest = after;
  }
  if (!best) return null;
  return { keyword: best, arg: rest.replace(/^[\p{P}\p{Z}\s]+/u, '').trim() };
}

/** The text (NFKC) right after the characters that make up `keyword`, spaces and punctuation in between kept. */
function textAfter(text: string, keyword: string): string {
  const chars = [...text.normalize('NFKC').trim()];
  let taken = '';
  let i = 0;
  while (i < chars.length && taken.length < keyword.length) taken += normalizeKeyword(chars[i++]);
  return chars.slice(i).join('');
}

/** Keywords of one tenant grouped by scope, for matching an MO sent to an address. */
export class KeywordIndex {
  private readonly byScope = new Map<string, Map<string, string>>();

  constructor(held: readonly HeldKeyword[]) {
    for (const h of held) {
      let m = this.byScope.get(h.scope);
      if (!m) this.byScope.set(h.scope, (m = new Map()));
      m.set(h.keyword, h.serviceId);
    }
  }

  /**
   * The keyword an MO to `address` starts with: the longest address scope the address starts with first, then the
   * tenant-wide scope; '' (the whole address) last, for a service that owns its number.
   */
  match(text: string, address: string, tenantId: string, skip?: (serviceId: string) => boolean): KeywordHit | null {
    const scopes = [...this.byScope.keys()].filter((s) => !s.startsWith('t:') && address.startsWith(s)).sort((a, b) => b.length - a.length);
    scopes.push(tenantScope(tenantId));
    for (const scope of scopes) {
      const m = this.byScope.get(scope);
      if (!m) continue;
      const usable = [...m.keys()].filter((k) => k && !skip?.(m.get(k)!));
      const hit = splitKeyword(text, usable);
      if (hit) return { serviceId: m.get(hit.keyword)!, ...hit };
    }
    for (const scope of scopes) {
      const owner = this.byScope.get(scope)?.get('');
      if (owner && !skip?.(owner)) return { serviceId: owner, keyword: '', arg: text.normalize('NFKC').trim() };
    }
    return null;
  }
}
