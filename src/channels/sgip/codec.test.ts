import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PduError } from '../session/pdu-error.ts';
import { decodePdu, encodePdu } from './codec.ts';
import { sequenceId } from './ids.ts';
import { Cmd, type SgipPdu } from './pdus.ts';
import { reportStatus } from './status-map.ts';

// Fixtures written by hand from the field tables of SGIP 1.2 §4.2 (not produced by our encoder): each piece is one
// field — hex for integers and octets, text padded with NULs to the field's width.
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const text = (s: string, width: number) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(width - s.length)]);
/** Header (Message Length, Command ID, Sequence Number: node, time, counter) before a body. */
const frame = (command: string, sequence: string, ...body: Buffer[]) => {
  const b = Buffer.concat(body);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(20 + b.length);
  return Buffer.concat([len, hex(command), hex(sequence), b]);
};
// node 3057112345 (0xB637D519), time 1120203225 (11-20 20:32:25, the spec's example), counter 7
const SEQ = 'b637d519 42c4f1d9 00000007';

describe('SGIP codec against hand-written frames', () => {
  it('Bind: Login Type 1, Login Name 16, Login Password 16, Reserve 8', () => {
    const bytes = frame('00000001', SEQ, hex('01'), text('tidings', 16), text('secret', 16), Buffer.alloc(8));
    expect(bytes.length).toBe(61);
    const pdu: SgipPdu = { commandId: Cmd.bind, node: 3057112345, time: 1120203225, sequence: 7, loginType: 1, loginName: 'tidings', loginPassword: 'secret' };
    expect(encodePdu(pdu)).toEqual(bytes);
    expect(decodePdu(bytes)).toEqual(pdu);
  });

  it('Bind_Resp / Submit_Resp: Result 1, Reserve 8', () => {
    expect(decodePdu(frame('80000001', SEQ, hex('01'), Buffer.alloc(8)))).toEqual({ commandId: Cmd.bind_resp, node: 3057112345, time: 1120203225, sequence: 7, result: 1 });
    expect(decodePdu(frame('80000003', SEQ, hex('00'), Buffer.alloc(8)))).toMatchObject({ commandId: Cmd.submit_resp, result: 0 });
    // a response without its Reserve is cut short: fatal
    expect(() => decodePdu(frame('80000005', SEQ, hex('00')))).toThrow(expect.objectContaining({ fatal: true, sequence: 7 }));
  });

  it('Submit with every carrier field, GBK text and a 4-octet MessageLength', () => {
    const content = hex('c4e3bac3'); // 你好 in GBK
    const bytes = frame('00000003', SEQ,
      text('10655001', 21), text('000000000000000000000', 21), hex('01'), text('8613012345678', 21), text('12345', 5), text('TIDINGS', 10),
      hex('01'), text('0', 6), text('0', 6), hex('00'), hex('02'), hex('00'), Buffer.alloc(16), Buffer.alloc(16), hex('01'), hex('00'), hex('00'),
      hex('0f'), hex('00'), hex('00000004'), content, Buffer.alloc(8));
    const pdu: SgipPdu = {
      commandId: Cmd.submit, node: 3057112345, time: 1120203225, sequence: 7, spNumber: '10655001', chargeNumber: '000000000000000000000',
      userNumbers: ['8613012345678'], corpId: '12345', serviceType: 'TIDINGS', feeType: 1, feeValue: '0', givenValue: '0', agentFlag: 0, moRelated: 2,
      priority: 0, expireTime: '', scheduleTime: '', reportFlag: 1, tpPid: 0, tpUdhi: 0, messageCoding: 15, messageType: 0, content,
    };
    expect(encodePdu(pdu)).toEqual(bytes);
    expect(decodePdu(bytes)).toEqual(pdu);
  });

  it('Deliver: UserNumber 21, SPNumber 21, TP_pid, TP_udhi, MessageCoding, MessageLength 4, content, Reserve', () => {
    const bytes = frame('00000004', SEQ, text('8613012345678', 21), text('1065500101', 21), hex('00'), hex('00'), hex('08'), hex('00000004'), hex('901a8ba2'), Buffer.alloc(8));
    expect(decodePdu(bytes)).toMatchObject({ userNumber: '8613012345678', spNumber: '1065500101', messageCoding: 8, content: hex('901a8ba2') });
  });

  it('Report: the Submit\'s 12-octet sequence, kept losslessly as the message id, and its state', () => {
    const bytes = frame('00000005', '00018a89 42c4f1d9 00000001', hex(SEQ), hex('00'), text('8613012345678', 21), hex('02'), hex('19'), Buffer.alloc(8));
    const p = decodePdu(bytes);
    const id = sequenceId({ node: p.submitNode!, time: p.submitTime!, sequence: p.submitSequence! });
    expect(id).toBe('3057112345-1120203225-7');
    expect(reportStatus(p.state!, p.errorCode!)).toEqual({ status: 'expired', stat: 'EXPIRED' });
  });

  it('Unbind has no body; an unknown command or a short body is fatal (the spec closes the connection)', () => {
    expect(encodePdu({ commandId: Cmd.unbind, node: 3057112345, time: 1120203225, sequence: 7 })).toEqual(frame('00000002', SEQ));
    expect(() => decodePdu(frame('00001000', SEQ))).toThrow(PduError);
    try {
      decodePdu(frame('00000005', SEQ, hex('0001')));
    } catch (err) {
      expect(err).toMatchObject({ fatal: true, sequence: 7 });
    }
  });

  it('decodes what it encodes (Report, any fields), and a Report or Submit cut short is fatal', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(fc.property(
      fc.record({
        node: u32, time: u32, sequence: u32, submitNode: u32, submitTime: u32, submitSequence: u32, reportType: fc.constantFrom(0, 1),
        userNumber: fc.stringMatching(/^\d{0,21}$/), state: fc.constantFrom(0, 1, 2), errorCode: fc.integer({ min: 0, max: 255 }),
      }),
      (f) => {
        const bytes = encodePdu({ commandId: Cmd.report, ...f });
        expect(bytes.length).toBe(20 + 44);
        expect(decodePdu(bytes)).toEqual({ commandId: Cmd.report, ...f });
        const short = Buffer.from(bytes.subarray(0, 40));
        short.writeUInt32BE(40, 0);
        expect(() => decodePdu(short)).toThrow(expect.objectContaining({ fatal: true, sequence: f.sequence }));
      },
    ), { numRuns: 100 });
    const submit = encodePdu({ commandId: Cmd.submit, node: 1, time: 2, sequence: 3, userNumbers: ['8613012345678', '8613012345679'], content: Buffer.from('hi') });
    for (const at of [20, 40, 64, 90, 150, submit.length - 1]) {
      const short = Buffer.from(submit.subarray(0, at));
      expect(() => decodePdu(short)).toThrow(expect.objectContaining({ fatal: true, sequence: 3 }));
    }
  });

  it('decodes what it encodes (Submit, any fields; ids from any three 32-bit parts)', () => {
    const str = (n: number) => fc.string({ maxLength: n, unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)) });
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(fc.property(
      fc.record({
        node: u32, time: u32, sequence: u32, spNumber: str(21), userNumbers: fc.array(str(21), { minLength: 1, maxLength: 5 }),
        messageCoding: fc.constantFrom(0, 8, 15), tpUdhi: fc.constantFrom(0, 1), content: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      }),
      (f) => {
        const p: SgipPdu = { commandId: Cmd.submit, ...f };
        expect(decodePdu(encodePdu(p))).toMatchObject(f);
        // the id keeps each 32-bit part whole (no JS number arithmetic across them)
        expect(sequenceId(f).split('-').map(Number)).toEqual([f.node, f.time, f.sequence]);
      },
    ), { numRuns: 200 });
  });
});
