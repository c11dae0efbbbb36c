import { describe, expect, it } from 'vitest';
import { receiptOf, reportTime } from './client.ts';
import { buildCmppMessage, decodeContent, MsgFmt } from './message.ts';
import { connectError, resultKind, sendErrorFor, statError, statStatus } from './status-map.ts';

describe('CMPP status map', () => {
  it.each([
    ['DELIVRD', 'delivered'], ['EXPIRED', 'expired'], ['UNDELIV', 'undelivered'], ['REJECTD', 'rejected'], ['DELETED', 'failed'],
    ['UNKNOWN', 'failed'], ['ACCEPTD', 'submitted'], ['delivrd', 'delivered'], ['MA:0001', 'undelivered'], ['MB:0008', 'undelivered'],
    ['CA:0054', 'undelivered'], ['IC:0015', 'undelivered'], ['MK:0024', 'undelivered'], ['NOSUCH', 'failed'], ['', 'failed'],
  ] as const)('Stat %s → %s', (stat, status) => {
    expect(statStatus(stat)).toBe(status);
  });

  it('keeps the original word as the error, except for a delivery', () => {
    expect(statError('MB:0008')).toBe('MB:0008');
    expect(statError('DELIVRD')).toBeNull();
  });

  it('Result 8 (flow control) is throttled, service settings are config, the rest of the codes permanent', () => {
    expect(resultKind(8)).toBe('throttled');
    expect(resultKind(3)).toBe('retryable');
    expect(resultKind(7)).toBe('config');
    expect(resultKind(13)).toBe('permanent');
    expect(resultKind(200)).toBe('permanent');
    expect(sendErrorFor(8)).toMatchObject({ kind: 'throttled', code: 'cmpp:8', message: 'CMPP_SUBMIT refused: result 8 (flowControl)' });
    expect(connectError(3)).toMatchObject({ kind: 'config', message: 'the gateway refused the login: status 3 (authentication)' });
    expect(connectError(9).message).toBe('the gateway refused the login: status 9 (other error)');
  });

  it('turns a report into a receipt with its exact id, the Stat kept, done time in China time', () => {
    const r = receiptOf({ msgId: '14090172460711215106', stat: 'MA:0001', submitTime: '2612070305', doneTime: '2612070310', destTerminalId: '13800138000', smscSequence: 5 }, 'cm');
    expect(r).toMatchObject({ channel: 'cm', carrierId: '14090172460711215106', status: 'undelivered', stat: 'MA:0001', err: 'MA:0001' });
    expect(r.doneAt?.toISOString()).toBe('2026-12-06T19:10:00.000Z');
    expect(reportTime('261207031059')?.toISOString()).toBe('2026-12-06T19:10:59.000Z');
    expect(reportTime('garbage')).toBeNull();
  });
});

describe('CMPP message bodies', () => {
  it('ASCII as Msg_Fmt 0: 160 characters in one part, then 153 per part after a 6-octet UDH', () => {
    expect(buildCmppMessage('a'.repeat(160), { chinese: 'ucs2', ref: 1 })).toMatchObject({ msgFmt: MsgFmt.ascii, parts: [{ tpUdhi: 0 }] });
    const long = buildCmppMessage('a'.repeat(161), { chinese: 'ucs2', ref: 0x42 });
    expect(long.parts.map((p) => p.content.length)).toEqual([6 + 153, 6 + 8]);
    expect([...long.parts[1].content.subarray(0, 6)]).toEqual([5, 0, 3, 0x42, 2, 2]);
    // an extension character costs two septets: 80 of them are one part (the short cut), 81 are two
    expect(buildCmppMessage('{'.repeat(80), { chinese: 'ucs2', ref: 1 }).parts).toEqual([{ tpUdhi: 0, content: Buffer.from('{'.repeat(80)) }]);
    expect(buildCmppMessage('{'.repeat(81), { chinese: 'ucs2', ref: 1 }).parts).toHaveLength(2);
  });

  it('UCS-2 as Msg_Fmt 8 (70 / 67), never splitting a surrogate pair; 16-bit references take 7 octets', () => {
    const text = `${'字'.repeat(66)}😀${'字'.repeat(10)}`;
    const m = buildCmppMessage(text, { chinese: 'ucs2', ref: 0x1234, ref16: true });
    expect(m.msgFmt).toBe(MsgFmt.ucs2);
    expect(m.parts[0].content.subarray(0, 7)).toEqual(Buffer.from([6, 8, 4, 0x12, 0x34, 2, 1]));
    expect(m.parts.map((p) => decodeContent(p.content.subarray(7), MsgFmt.ucs2).text).join('')).toBe(text);
  });

  it('GBK as Msg_Fmt 15 when asked: 140 octets in one part, 134 after a UDH, never inside a character', () => {
    expect(buildCmppMessage('字'.repeat(70), { chinese: 'gbk', ref: 1 }).parts).toHaveLength(1);
    const text = `a${'字'.repeat(80)}`;
    const m = buildCmppMessage(text, { chinese: 'gbk', ref: 1 });
    expect(m.msgFmt).toBe(MsgFmt.gbk);
    expect(m.parts.map((p) => p.content.length - 6)).toEqual([133, 28]);
    expect(m.parts.map((p) => decodeContent(p.content.subarray(6), MsgFmt.gbk).text).join('')).toBe(text);
  });

  it('flags GBK octets that do not decode, keeping the rest of the text', () => {
    const bad = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xff])]);
    expect(decodeContent(bad, MsgFmt.gbk)).toMatchObject({ undecodable: true });
    expect(decodeContent(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), MsgFmt.gbk)).toEqual({ text: '你好', undecodable: false });
  });
});
