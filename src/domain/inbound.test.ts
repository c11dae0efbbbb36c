import { describe, expect, it } from 'vitest';
import { normalizeMoSender, resolveDestination, type ExtensionRef, type ServiceNumberRef } from './inbound.ts';

describe('MO sender numbers', () => {
  it.each([
    ['8613800138000', '+8613800138000'], ['13800138000', '+8613800138000'], ['+86 138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'], ['79161234567', '+79161234567'], ['+7 (916) 123-45-67', '+79161234567'], ['14155552671', '+14155552671'],
  ])('%s → %s', (raw, e164) => expect(normalizeMoSender(raw)).toEqual({ phone: e164, mobile: true }));
  it.each(['BANK', '10086', '', '  '])('"%s" is kept and not a mobile', (raw) => expect(normalizeMoSender(raw).mobile).toBe(false));
});

describe('attribution by the number an MO was sent to', () => {
  const numbers: ServiceNumberRef[] = [
    { id: '1', number: '10690001', channelId: null, tenantId: null },
    { id: '2', number: '106900019', channelId: null, tenantId: 'dedicated' },
    { id: '3', number: '1069555', channelId: 'chB', tenantId: null },
  ];
  const codes: ExtensionRef[] = [{ tenantId: 'A', campaignId: null, code: '12' }, { tenantId: 'B', campaignId: null, code: '123' }];
  const campaigns = (t: string): ExtensionRef[] => (t === 'A' ? [{ tenantId: 'A', campaignId: 'cA', code: '7' }] : t === 'dedicated' ? [{ tenantId: 'dedicated', campaignId: 'cD', code: '5' }] : []);
  it('uses the longest service number, the longest tenant code and a campaign code', () => {
    expect(resolveDestination('10690001127', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'extension', tenantId: 'A', campaignId: 'cA' });
    expect(resolveDestination('1069000112', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'extension', tenantId: 'A', campaignId: null });
    expect(resolveDestination('106900011234', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'extension', tenantId: 'B' });
    expect(resolveDestination('1069000195', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'dedicated', tenantId: 'dedicated', campaignId: 'cD' });
    expect(resolveDestination('+86 10690001', 'chA', numbers, codes, campaigns).kind).toBe('unknown');
    expect(resolveDestination('10690001', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'shared', extension: '' });
    expect(resolveDestination('1069000188', 'chA', numbers, codes, campaigns)).toMatchObject({ kind: 'shared', extension: '88' });
    expect(resolveDestination('106955512', 'chA', numbers, codes, campaigns).kind).toBe('unknown');
    expect(resolveDestination('106955512', 'chB', numbers, codes, campaigns)).toMatchObject({ kind: 'extension', tenantId: 'A' });
  });
});
