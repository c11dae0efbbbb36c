import { describe, expect, it } from 'vitest';
import { friendNumber, referralDay, referralReplies, referralWords, referrerLabel, shownNumber } from './rules.ts';

describe('referral rules', () => {
  it('classifies a friend\'s number: mobile, landline (with a clear kind), or invalid', () => {
    expect(friendNumber('13900001111', 'CN')).toEqual({ kind: 'mobile', e164: '+8613900001111' });
    expect(friendNumber('+86 139-0000-1111', 'CN')).toEqual({ kind: 'mobile', e164: '+8613900001111' });
    expect(friendNumber('010-88886666', 'CN')).toEqual({ kind: 'landline', e164: '+861088886666' });
    expect(friendNumber('12345', 'CN').kind).toBe('invalid');
    expect(friendNumber('abc', 'CN').kind).toBe('invalid');
  });

  it('counts days in the tenant\'s zone', () => {
    const lateUtc = new Date('2026-03-01T17:30:00Z');
    expect(referralDay(lateUtc, 'Asia/Shanghai')).toBe('2026-03-02');
    expect(referralDay(lateUtc, 'UTC')).toBe('2026-03-01');
  });

  it('names the referrer by name, else a masked number; shows Chinese numbers nationally', () => {
    expect(referrerLabel('王小明 ', '+8613900001111')).toBe('王小明');
    expect(referrerLabel(null, '+8613900001111')).toBe('139****1111');
    expect(shownNumber('+8613900001111')).toBe('13900001111');
    expect(shownNumber('+79161234567')).toBe('+79161234567');
  });

  it('words and replies default by language, the tenant\'s own win', () => {
    expect(referralWords({ language: 'en' })).toEqual({ refer: ['REFER'], join: ['JOIN'] });
    expect(referralWords({ language: 'zh', referWords: ['邀请'] })).toEqual({ refer: ['邀请'], join: ['加入'] });
    expect(referralReplies('ru', { joined: 'ok' }).joined).toBe('ok');
    expect(referralReplies('ru').expired).toContain('истекло');
  });
});
