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

  it('takes a word of digits only as a number of its own, not inside a code or an order number', () => {
    const m = new ComplaintMatcher(defaultComplaintPolicy.keywords);
    expect(m.keywordIn('再发就打12321')).toBe('12321');
    expect(m.keywordIn('１２３２１')).toBe('12321');
    expect(m.keywordIn('12321!')).toBe('12321');
    expect(m.keywordIn('4512321998877665')).toBeNull();
    expect(m.keywordIn('FW 912321')).toBeNull();
    expect(m.keywordIn('订单１２３２１０ 投诉')).toBe('投诉');
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
