import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PduError } from '../session/pdu-error.ts';
import { decodePdu, encodePdu } from './codec.ts';
import { makeMsgId, msgIdString } from './ids.ts';
import { clientAuthenticator, serverAuthenticator } from './login.ts';
import { Req, Tag, type SmgpPdu } from './pdus.ts';
import { receiptFromReport } from './receipt.ts';

// Fixtures written by hand from the field tables of SMGP 3.0.3 §5.2 (not produced by our encoder): each piece is
// one field — hex for integers and octets, text padded with NULs to the field's width.
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const text = (s: string, width: number) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(width - s.length)]);
/** Header (PacketLength, RequestID, SequenceID) before a body. */
const frame = (requestId: string, sequence: string, ...body: Buffer[]) => {
  const b = Buffer.concat(body);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(12 + b.length);
  return Buffer.concat([len, hex(requestId), hex(sequence), b]);
};

const createMd5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('SMGP codec against hand-written frames', () => {
  it('Login: ClientID 8, AuthenticatorClient 16, LoginMode 1, TimeStamp 4, ClientVersion 1', () => {
    const auth = hex('00112233445566778899aabbccddeeff');
    const bytes = frame('00000001', '00000007', text('SP1234', 8), auth, hex('02'), hex('11F0E540'), hex('30'));
    expect(bytes.length).toBe(42);
    const pdu: SmgpPdu = { requestId: Req.login, sequence: 7, clientId: 'SP1234', authenticator: auth, loginMode: 2, timestamp: 301000000, version: 0x30 };
    expect(encodePdu(pdu)).toEqual(bytes);
    expect(decodePdu(bytes)).toMatchObject({ clientId: 'SP1234', loginMode: 2, timestamp: 0x11f0e540, version: 0x30 });
  });

  it('the authenticators follow §6.2.2 / §6.2.7 (the timestamp 0x11F0E540 is "0301000000")', () => {
    // MD5 over the octets the spec lists, assembled here by hand
    const input = Buffer.concat([Buffer.from('SP1234'), Buffer.alloc(7), Buffer.from('secret'), Buffer.from('0301000000')]);
    const expected = hex(createMd5(input));
    expect(clientAuthenticator('SP1234', 'secret', String(0x11f0e540).padStart(10, '0'))).toEqual(expected);
    expect(serverAuthenticator(0, expected, 'secret')).toEqual(hex(createMd5(Buffer.concat([hex('00000000'), expected, Buffer.from('secret')]))));
  });

  it('Login_Resp: Status 4, AuthenticatorServer 16, ServerVersion 1', () => {
    const bytes = frame('80000001', '00000007', hex('00000015'), Buffer.alloc(16), hex('30'));
    expect(bytes.length).toBe(33);
    expect(decodePdu(bytes)).toMatchObject({ requestId: Req.login_resp, sequence: 7, status: 21, version: 0x30 });
  });

  it('Submit with the carrier fields and the TP_udhi / PkTotal / PkNumber TLVs', () => {
    const content = hex('050003a70201 4f60 597d');
    const bytes = frame('00000002', 'fffffffe',
      hex('06'), hex('01'), hex('01'), text('HELP', 10), text('00', 2), text('000000', 6), text('000000', 6), hex('08'),
      Buffer.alloc(17), Buffer.alloc(17), text('1181234567', 21), Buffer.alloc(21), hex('01'), text('8613912345678', 21),
      hex('0a'), content, Buffer.alloc(8),
      hex('0002 0001 01'), hex('0009 0001 02'), hex('000a 0001 01'));
    const pdu: SmgpPdu = {
      requestId: Req.submit, sequence: 0xfffffffe, msgType: 6, needReport: 1, priority: 1, serviceId: 'HELP', feeType: '00', feeCode: '000000',
      fixedFee: '000000', msgFormat: 8, validTime: '', atTime: '', srcTermId: '1181234567', chargeTermId: '', destTermIds: ['8613912345678'],
      content, tlvs: [{ tag: Tag.TP_udhi, value: hex('01') }, { tag: Tag.PkTotal, value: hex('02') }, { tag: Tag.PkNumber, value: hex('01') }],
    };
    expect(encodePdu(pdu)).toEqual(bytes);
    const back = decodePdu(bytes);
    expect(back).toMatchObject({ srcTermId: '1181234567', destTermIds: ['8613912345678'], msgFormat: 8, serviceId: 'HELP' });
    expect(back.tlvs?.map((t) => [t.tag, t.value[0]])).toEqual([[2, 1], [9, 2], [10, 1]]);
  });

  it('Submit_Resp: MsgID 10 (BCD, kept digit for digit) and Status 4', () => {
    const bytes = frame('80000002', '00000003', hex('01006101161700012345'), hex('00000000'));
    const p = decodePdu(bytes);
    expect(msgIdString(p.msgId!)).toBe('01006101161700012345');
    expect(p.status).toBe(0);
    expect(decodePdu(frame('80000003', '00000004', hex('01006101161700012345'), hex('00000001')))).toMatchObject({ requestId: Req.deliver_resp, status: 1 });
    // cut short: a non-fatal PduError answered with status 10
    expect(() => decodePdu(frame('80000002', '00000003', hex('0100610116')))).toThrow(expect.objectContaining({ fatal: false, sequence: 3, status: 10 }));
  });

  it('a MsgID a gateway issues: SMGW code, MMDDHHMM and a 6-digit serial, two digits an octet (BCD)', () => {
    expect(makeMsgId('010061', '12070305', 42)).toEqual(hex('010061 12070305 000042'));
    expect(makeMsgId('999999', '01020304', 1_999_999)).toEqual(hex('999999 01020304 999999'));
  });

  it('Deliver carrying a report: the original MsgID as 10 raw octets after "id:"', () => {
    const report = Buffer.concat([Buffer.from('id:'), hex('01006101161700012345'),
      Buffer.from(' sub:001 dlvrd:001 Submit date:0301200000 done date:0301200100 stat:DELIVRD err:000 Txt:005hello')]);
    const bytes = frame('00000003', '00000009', hex('01006101161700099999'), hex('01'), hex('00'), text('20030301200100', 14),
      text('8613912345678', 21), text('1181234567', 21), Buffer.from([report.length]), report, Buffer.alloc(8));
    const p = decodePdu(bytes);
    expect(p).toMatchObject({ isReport: 1, srcTermId: '8613912345678', destTermId: '1181234567' });
    const r = receiptFromReport(p.content!, 'ct');
    expect(r).toMatchObject({ carrierId: '01006101161700012345', status: 'delivered', stat: 'DELIVRD', err: '000' });
    // YYMMDDhhmm in Beijing time: 2003-01-20 01:00 +08:00
    expect(r!.doneAt?.toISOString()).toBe('2003-01-19T17:00:00.000Z');
  });

  it('reads a report whose id is written as 20 digits, and refuses one without an id', () => {
    const r = receiptFromReport(Buffer.from('id:01006101161700012345 sub:001 dlvrd:000 Submit date:0301200000 done date:0301200100 stat:UNDELIV err:004 Txt:'), 'ct');
    expect(r).toMatchObject({ carrierId: '01006101161700012345', status: 'undelivered', err: '004' });
    expect(receiptFromReport(Buffer.from('stat:DELIVRD'), 'ct')).toBeNull();
  });

  it('Active_Test and Exit have no body', () => {
    expect(encodePdu({ requestId: Req.active_test, sequence: 1 })).toEqual(hex('0000000c 00000004 00000001'));
    expect(decodePdu(hex('0000000c 80000006 00000002'))).toEqual({ requestId: Req.exit_resp, sequence: 2 });
  });

  it('a truncated body is a PduError carrying the sequence, not a crash', () => {
    const short = frame('00000003', '0000002a', hex('0100610116'));
    expect(() => decodePdu(short)).toThrow(PduError);
    try {
      decodePdu(short);
    } catch (err) {
      expect((err as PduError).sequence).toBe(42);
      expect((err as PduError).fatal).toBe(false);
    }
  });

  it('decodes what it encodes (Submit, any fields)', () => {
    const str = (n: number) => fc.string({ maxLength: n, unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)) });
    fc.assert(fc.property(
      fc.record({
        sequence: fc.integer({ min: 0, max: 0xffffffff }), priority: fc.integer({ min: 0, max: 3 }), serviceId: str(10),
        srcTermId: str(21), destTermIds: fc.array(str(21), { minLength: 1, maxLength: 5 }), msgFormat: fc.constantFrom(0, 8, 15),
        content: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        tlvs: fc.array(fc.record({ tag: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 21 }).map((a) => Buffer.from(a)) }), { maxLength: 4 }),
      }),
      (f) => {
        const p: SmgpPdu = { requestId: Req.submit, msgType: 6, needReport: 1, feeType: '00', feeCode: '0', fixedFee: '0', validTime: '', atTime: '', chargeTermId: '', ...f };
        expect(decodePdu(encodePdu(p))).toMatchObject(f);
      },
    ), { numRuns: 200 });
  });

  it('decodes what it encodes (Deliver, any fields), and a Deliver cut anywhere is a PduError', () => {
    const str = (n: number) => fc.string({ maxLength: n, unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)) });
    const octets = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));
    fc.assert(fc.property(
      fc.record({
        sequence: fc.integer({ min: 0, max: 0xffffffff }), msgId: octets(10, 10), isReport: fc.constantFrom(0, 1), msgFormat: fc.constantFrom(0, 8, 15),
        recvTime: str(14), srcTermId: str(21), destTermId: str(21), content: octets(0, 255),
        tlvs: fc.array(fc.record({ tag: fc.integer({ min: 0, max: 0xffff }), value: octets(0, 21) }), { maxLength: 3 }),
      }),
      fc.nat(),
      (f, cut) => {
        const bytes = encodePdu({ requestId: Req.deliver, ...f });
        expect(decodePdu(bytes)).toEqual({ requestId: Req.deliver, ...f });
        const at = 12 + (cut % (bytes.length - 12));
        const short = Buffer.from(bytes.subarray(0, at));
        short.writeUInt32BE(at, 0);
        const cutShort = expect.objectContaining({ fatal: false, sequence: f.sequence, status: 10 });
        // a cut before the TLVs is a non-fatal PduError; one inside them may leave whole TLVs before it
        if (at < 12 + 69 + f.content.length + 8) expect(() => decodePdu(short)).toThrow(cutShort);
        else expect(() => decodePdu(short)).not.toThrow(TypeError);
      },
    ), { numRuns: 200 });
  });
});
