import { describe, expect, it } from 'vitest';
import { pickRoute, type RouteRule } from './routing.ts';

const rule = (over: Partial<RouteRule>): RouteRule => ({ id: over.channelId ?? 'r', tenantId: null, position: 10, carrier: null, country: null, prefix: null, category: null, channelId: 'c', price: 5n, enabled: true, ...over });
const cn = { tenantId: 't1', phone: '+8613800138000', country: 'CN', carrier: 'China Mobile', category: 'marketing' };

describe('routing', () => {
  const rules = [
    rule({ id: 'any', channelId: 'global', position: 100 }),
    rule({ id: 'cm', channelId: 'cmpp', carrier: 'China Mobile', position: 1 }),
    rule({ id: 'cm-backup', channelId: 'smpp-b', carrier: 'China Mobile', position: 2, price: 7n }),
    rule({ id: 'ru', channelId: 'ru', country: 'RU', position: 1 }),
    rule({ id: 'own', tenantId: 't2', channelId: 'own', position: 50 }),
    rule({ id: 'off', channelId: 'off', enabled: false, position: 0 }),
  ];
  const allUp = () => true;

  it('matches carrier, country, prefix and category; the tenant\'s own rules first', () => {
    expect(pickRoute(rules, cn, allUp)?.id).toBe('cm');
    expect(pickRoute(rules, { ...cn, phone: '+79161234567', country: 'RU', carrier: 'MTS' }, allUp)?.id).toBe('ru');
    expect(pickRoute(rules, { ...cn, tenantId: 't2' }, allUp)?.id).toBe('own');
    expect(pickRoute([rule({ prefix: '86138', id: 'p' })], cn, allUp)?.id).toBe('p');
    expect(pickRoute([rule({ prefix: '86139', id: 'p' })], cn, allUp)).toBeUndefined();
    expect(pickRoute([rule({ category: 'verification', id: 'v' })], cn, allUp)).toBeUndefined();
  });

  it('fails over to the next channel while one is down, and waits on the first when all are down', () => {
    expect(pickRoute(rules, cn, (c) => c !== 'cmpp')?.id).toBe('cm-backup');
    expect(pickRoute(rules, cn, () => false)?.id).toBe('cm');
  });

  it('lets a pinned channel be used only where a rule allows it', () => {
    expect(pickRoute(rules, cn, allUp, 'smpp-b')?.price).toBe(7n);
    expect(pickRoute(rules, cn, allUp, 'own')).toBeUndefined();
  });
});
