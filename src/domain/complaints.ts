// Complaint and opt-out monitoring: carriers close ports over complaints, so the platform watches how recipients react
// — opt-outs, and replies with complaint words — per campaign, tenant and channel, against thresholds it sets.

import { z } from 'zod';
import { SensitiveWordMatcher } from './sensitive-words.ts';

/** What a recipient's reply was counted as: an opt-out (by the keyword router) or a complaint (by a complaint word). */
export type ComplaintKind = 'opt_out' | 'complaint';

/** Words that make a reply a complaint, in the languages of the built-in opt-out texts. */
export const defaultComplaintKeywords: readonly string[] = [
  '投诉', '举报', '骚扰', '12321', '工信部', 'spam', 'complaint', 'complain', 'abuse', 'harass', 'жалоба', 'жалоб', 'спам',
];

/** The platform's thresholds and words (a tenant's override changes some of them for that tenant). */
export const complaintPolicySchema = z.object({
  optOutRate: z.number().min(0).max(1).describe('opt-outs ÷ sent messages above which a campaign pauses and a tenant is flagged (0.03 = 3 %)'),
  complaintRate: z.number().min(0).max(1).describe('complaints ÷ sent messages above which a campaign pauses and a tenant is flagged (0.001 = 0.1 %)'),
  minSample: z.number().int().min(1).max(10_000_000).describe('sent messages a campaign or tenant needs before its rates count'),
  windowDays: z.number().int().min(1).max(92).describe('days over which a tenant\'s and a channel\'s rates are measured'),
  keywords: z.array(z.string().trim().min(1).max(50)).max(500).describe('words that make a reply a complaint (case and width do not matter)'),
}).strict();

/** A complete policy. */
export type ComplaintPolicy = z.output<typeof complaintPolicySchema>;

/** The policy until the platform sets its own: 3 % opt-outs, 0.1 % complaints, after 200 sent, over 7 days. */
export const defaultComplaintPolicy: ComplaintPolicy = { optOutRate: 0.03, complaintRate: 0.001, minSample: 200, windowDays: 7, keywords: [...defaultComplaintKeywords] };

/** Sent messages and the reactions counted against them. */
export interface FeedbackCounts { sent: number; optOuts: number; complaints: number }

/** A rate that passed its threshold. */
export interface Breach { kind: ComplaintKind; rate: number; threshold: number; count: number; sent: number }

/** The opt-out and complaint rates (null when nothing was sent). */
export function feedbackRates(c: FeedbackCounts): { optOutRate: number | null; complaintRate: number | null } {
  return c.sent > 0 ? { optOutRate: c.optOuts / c.sent, complaintRate: c.complaints / c.sent } : { optOutRate: null, complaintRate: null };
}

/** The rates above their thresholds, once at least minSample messages were sent; none before. */
export function breaches(c: FeedbackCounts, p: Pick<ComplaintPolicy, 'optOutRate' | 'complaintRate' | 'minSample'>): Breach[] {
  if (c.sent < p.minSample || c.sent === 0) return [];
  const out: Breach[] = [];
  if (c.optOuts / c.sent > p.optOutRate) out.push({ kind: 'opt_out', rate: c.optOuts / c.sent, threshold: p.optOutRate, count: c.optOuts, sent: c.sent });
  if (c.complaints / c.sent > p.complaintRate) out.push({ kind: 'complaint', rate: c.complaints / c.sent, threshold: p.complaintRate, count: c.complaints, sent: c.sent });
  return out;
}

const percent = (x: number) => `${Number((x * 100).toFixed(2))}%`;

/** Why a campaign paused, e.g. "opt-out rate 3.5% (7 of 200 sent) passed 3%". */
export function describeBreach(b: Breach): string {
  return `${b.kind === 'opt_out' ? 'opt-out' : 'complaint'} rate ${percent(b.rate)} (${b.count} of ${b.sent} sent) passed ${percent(b.threshold)}`;
}

const digit = /\p{Nd}/u;
const number = /^\p{Nd}+$/u;

/** Finds complaint words in replies; build once per word list. */
export class ComplaintMatcher {
  readonly #words: SensitiveWordMatcher;
  constructor(keywords: readonly string[]) { this.#words = new SensitiveWordMatcher(keywords); }

  /**
   * The first complaint word in a text (as configured), or null. A word of digits (12321, the complaint hotline)
   * counts only as a number of its own: inside a longer run of digits (an anti-counterfeit code, an order number) it is
   * not a complaint.
   */
  keywordIn(text: string): string | null {
    for (const hit of this.#words.find(text)) {
      const inRun = number.test(hit.word.normalize('NFKC')) && (digit.test(text[hit.index - 1] ?? '') || digit.test(text[hit.index + hit.length] ?? ''));
      if (!inRun) return hit.word;
    }
    return null;
  }
}
