import { describe, expect, it } from 'vitest';
import { giftsLine, isRedeemWord, pointsReplies, pointsWords } from './rules.ts';
import { keywordKey } from '../matching.ts';

describe('points rules', () => {
  it('takes the tenant\'s words over the language defaults and tells a redeem word from a balance word', () => {
    expect(pointsWords({ language: 'zh' })).toEqual({ balance: ['JF', '积分'], redeem: ['DH', '兑换'] });
    expect(pointsWords({ language: 'ru' }).redeem).toEqual(['ОБМЕН']);
    const own = pointsWords({ language: 'en', balanceWords: ['CHECK'], redeemWords: ['SWAP'] });
    expect(own).toEqual({ balance: ['CHECK'], redeem: ['SWAP'] });
    expect(isRedeemWord(own, keywordKey('swap'))).toBe(true);
    expect(isRedeemWord(own, keywordKey('CHECK'))).toBe(false);
    expect(isRedeemWord(pointsWords({ language: 'zh' }), keywordKey('兑换'))).toBe(true);
  });

  it('overrides only the replies a tenant set and lists at most five gifts in the language', () => {
    const r = pointsReplies('en', { balance: 'Bal {{balance}}' });
    expect(r.balance).toBe('Bal {{balance}}');
    expect(r.outOfStock).toBe('Sorry, {{gift}} is out of stock.');
    const gifts = Array.from({ length: 7 }, (_, i) => ({ code: `G${i}`, name: `g${i}`, points: 10 * i }));
    expect(giftsLine('zh', gifts.slice(0, 2))).toBe('可兑换：G0 g0(0分)；G1 g1(10分)');
    expect(giftsLine('en', gifts).split(';')).toHaveLength(5);
    expect(giftsLine('ru', [])).toBe('');
  });
});
