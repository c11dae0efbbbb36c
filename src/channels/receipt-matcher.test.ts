import { describe, expect, it } from 'vitest';
import { ReceiptMatcher } from './receipt-matcher.ts';

describe('ReceiptMatcher', () => {
  it('matches a receipt whose id is already known', () => {
    const m = new ReceiptMatcher();
    expect(m.submitted('c', '42', 'msg-1')).toEqual([]);
    expect(m.receipt({ channel: 'c', carrierId: '42' })).toBe('msg-1');
  });

  it('parks a receipt that arrives before its id and hands it over when the id lands', () => {
    const m = new ReceiptMatcher<{ channel: string; carrierId: string; stat: string }>();
    expect(m.receipt({ channel: 'c', carrierId: '7', stat: 'ENROUTE' })).toBeUndefined();
    expect(m.receipt({ channel: 'c', carrierId: '7', stat: 'DELIVRD' })).toBeUndefined();
    expect(m.receipt({ channel: 'other', carrierId: '8', stat: 'DELIVRD' })).toBeUndefined();
    expect(m.parkedCount).toBe(3);
    expect(m.submitted('c', '7', 'msg-7').map((r) => r.stat)).toEqual(['ENROUTE', 'DELIVRD']);
    expect(m.parkedCount).toBe(1);
  });

  it('keeps channels apart and expires orphans', () => {
    const m = new ReceiptMatcher(1000);
    m.submitted('a', '1', 'x', 0);
    expect(m.receipt({ channel: 'b', carrierId: '1' }, 10)).toBeUndefined();
    expect(m.sweep(500)).toEqual([]);
    expect(m.sweep(2000)).toEqual([{ channel: 'b', carrierId: '1' }]);
    expect(m.receipt({ channel: 'a', carrierId: '1' }, 2000)).toBeUndefined();
  });
});
