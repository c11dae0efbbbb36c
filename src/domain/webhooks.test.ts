import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, deliveryBody, retryDelayMs, signPayload, subscribes, verifySignature } from './webhooks.ts';

describe('webhook signing', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 as t=…,v1=…, checkable by an independent HMAC', () => {
    const body = '{"a":1}';
    const header = signPayload('whsec_x', body, 1700000000);
    const hex = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${hex}`);
    expect(verifySignature(header, 'whsec_x', body, 1700000010)).toBe(true);
  });

  it('refuses a wrong secret, a changed body, an old timestamp and garbage', () => {
    const header = signPayload('s', 'b', 1000);
    expect(verifySignature(header, 't', 'b', 1000)).toBe(false);
    expect(verifySignature(header, 's', 'b ', 1000)).toBe(false);
    expect(verifySignature(header, 's', 'b', 1000 + 301)).toBe(false);
    expect(verifySignature('v1=zz', 's', 'b', 1000)).toBe(false);
    expect(verifySignature(undefined, 's', 'b', 1000)).toBe(false);
  });

  it('backs off 10 s, 30 s, 2 min … up to 6 h, spread by ±10 %', () => {
    expect(retryDelayMs(1)).toBe(10_000);
    expect(retryDelayMs(2)).toBe(30_000);
    expect(retryDelayMs(3)).toBe(120_000);
    expect(retryDelayMs(50)).toBe(21_600_000);
    expect(retryDelayMs(1, 0)).toBe(9_000);
    expect(retryDelayMs(1, 0.999999)).toBeLessThanOrEqual(11_000);
  });

  it('matches subscriptions and checks URLs', () => {
    expect(subscribes('*', 'message.status')).toBe(true);
    expect(subscribes('["message.inbound"]', 'message.status')).toBe(false);
    expect(subscribes('["message.inbound","message.status"]', 'message.status')).toBe(true);
    expect(subscribes('not json', 'x')).toBe(false);
    expect(checkWebhookUrl('https://crm.example.com/hook')).toBeNull();
    expect(checkWebhookUrl('ftp://x')).toMatch(/http/);
    expect(checkWebhookUrl('https://u:p@x.test/')).toMatch(/credentials/);
    expect(checkWebhookUrl('/relative')).toMatch(/absolute/);
  });

  it('builds the body from stored JSON without re-parsing it', () => {
    expect(JSON.parse(deliveryBody('d1', 'message.status', '2024-01-01T00:00:00.000Z', '{"x":"\\u0000"}')))
      .toEqual({ id: 'd1', event: 'message.status', createdAt: '2024-01-01T00:00:00.000Z', data: { x: '\u0000' } });
  });
});
