import { describe, expect, it } from 'vitest';
import { breaches, ComplaintMatcher, defaultComplaintPolicy, describeBreach, feedbackRates } from './complaints.ts';

describe('complaints', () => {
  it('finds complaint words in any case and width', () => {
    const m = new ComplaintMatcher(defaultComplaintPolicy.keywords);
    expect(m.keywordIn('再发我就投诉')).toBe('投诉');
    expect(m.keywordIn('This is SPAM')).toBe('spam');
    expect(m.keywordIn('ＳＰＡＭ！')).toBe('spam');
    expect(m.keywordIn('Это спам, жалоба')).toBe('спам');
    expect(m.keywordIn('谢谢，收到')).toBeNull();
    expect(new ComplaintMatcher([]).keywordIn('投诉')).toBeNull();
  });

  it('counts rates only after the minimum sample, above (not at) the threshold', () => {
    const p = { optOutRate: 0.03, complaintRate: 0.001, minSample: 200 };
    expect(breaches({ sent: 199, optOuts: 100, complaints: 100 }, p)).toEqual([]);
    expect(breaches({ sent: 200, optOuts: 6, complaints: 0 }, p)).toEqual([]);
    const b = breaches({ sent: 200, optOuts: 7, complaints: 1 }, p);
    expect(b.map((x) => x.kind)).toEqual(['opt_out', 'complaint']);
    expect(describeBreach(b[0])).toBe('opt-out rate 3.5% (7 of 200 sent) passed 3%');
    expect(feedbackRates({ sent: 0, optOuts: 1, complaints: 0 })).toEqual({ optOutRate: null, complaintRate: null });
    expect(breaches({ sent: 0, optOuts: 1, complaints: 1 }, { ...p, minSample: 0 })).toEqual([]);
  });
});
