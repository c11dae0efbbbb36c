import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Framer } from '../session/framer.ts';
import { PduError } from '../session/pdu-error.ts';
import { authenticatorIsmg, authenticatorSource, connectTimestamp } from './authenticator.ts';
import { decodePdu, encodePdu, MAX_PDU_LENGTH } from './codec.ts';
import { composeMsgId, msgIdParts, readMsgId, writeMsgId } from './ids.ts';
import { Cmd, Version, type CmppVersion, type Pdu } from './pdus.ts';

/** An Octet String field written by hand: the text, then NULs up to the width. */
const field = (s: string, width: number) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(width - s.length)]);
const u8 = (v: number) => Buffer.from([v]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};
/** A PDU written by hand from the spec's field table: the header, then the body octets. */
const frame = (commandId: number, sequence: number, ...body: Buffer[]) => {
  const b = Buffer.concat(body);
  return Buffer.concat([u32(12 + b.length), u32(commandId), u32(sequence), b]);
};

describe('CMPP codec against hand-written octets (spec field tables)', () => {
  it('CMPP 2.0 SUBMIT: 21-octet terminal ids, no terminal types, Reserve 8', () => {
    const content = Buffer.from('hi', 'latin1');
    const bytes = frame(Cmd.submit, 7,
      Buffer.alloc(8), u8(1), u8(1), u8(1), u8(0), field('SVC', 10), u8(2), field('', 21),
      u8(0), u8(0), u8(0), field('901234', 6), field('01', 2), field('0', 6), field('', 17), field('', 17),
      field('1065712345', 21), u8(1), field('13800138000', 21), u8(content.length), content, field('', 8));
    expect(bytes.length).toBe(12 + 8 + 4 + 10 + 1 + 21 + 3 + 6 + 2 + 6 + 34 + 21 + 1 + 21 + 1 + 2 + 8);
    const pdu: Pdu = {
      commandId: Cmd.submit, sequence: 7, msgId: '0', pkTotal: 1, pkNumber: 1, registeredDelivery: 1, msgLevel: 0, serviceId: 'SVC',
      feeUserType: 2, feeTerminalId: '', tpPid: 0, tpUdhi: 0, msgFmt: 0, msgSrc: '901234', feeType: '01', feeCode: '0',
      validTime: '', atTime: '', srcId: '1065712345', destTerminalIds: ['13800138000'], msgContent: content, linkId: '',
    };
    expect(encodePdu(pdu, Version.v20).equals(bytes)).toBe(true);
    expect(decodePdu(bytes, Version.v20)).toMatchObject({ ...pdu, msgContent: content });
  });

  it('CMPP 3.0 SUBMIT: 32-octet terminal ids with their type octets, LinkID 20', () => {
    const bytes = frame(Cmd.submit, 9,
      Buffer.alloc(8), u8(2), u8(1), u8(0), u8(0), field('SVC', 10), u8(3), field('13900000000', 32), u8(0),
      u8(0), u8(1), u8(8), field('901234', 6), field('02', 2), field('10', 6), field('', 17), field('', 17),
      field('1065712345', 21), u8(1), field('13800138000', 32), u8(0), u8(4), Buffer.from([5, 0, 3, 9, 2, 1]).subarray(0, 4), field('LINK', 20));
    const p = decodePdu(bytes, Version.v30);
    expect(p).toMatchObject({ pkTotal: 2, feeUserType: 3, feeTerminalId: '13900000000', tpUdhi: 1, msgFmt: 8, feeType: '02', feeCode: '10', destTerminalIds: ['13800138000'], linkId: 'LINK' });
    expect(encodePdu(p, Version.v30).equals(bytes)).toBe(true);
  });

  it('CONNECT_RESP is read by its length: 1-octet Status from a 2.0 gateway, 4 from 3.0', () => {
    const auth = Buffer.alloc(16, 0xab);
    expect(decodePdu(frame(Cmd.connect_resp, 1, u8(3), auth, u8(0x20)), Version.v30)).toMatchObject({ status: 3, version: 0x20 });
    expect(decodePdu(frame(Cmd.connect_resp, 1, u32(4), auth, u8(0x30)), Version.v20)).toMatchObject({ status: 4, version: 0x30 });
  });

  it('SUBMIT_RESP: the 8-octet Msg_Id as its exact 64-bit decimal, Result 1 octet (2.0) or 4 (3.0)', () => {
    const id = Buffer.from('ffffffffffffffff', 'hex');
    expect(decodePdu(frame(Cmd.submit_resp, 2, id, u8(8)), Version.v20)).toMatchObject({ msgId: '18446744073709551615', result: 8 });
    expect(decodePdu(frame(Cmd.submit_resp, 2, Buffer.from('0000000000000001', 'hex'), u32(0)), Version.v30)).toMatchObject({ msgId: '1', result: 0 });
  });

  it('a status report inside CMPP_DELIVER (2.0: 60 octets, 3.0: 71)', () => {
    for (const [version, width] of [[Version.v20, 21], [Version.v30, 32]] as const) {
      const reportMsgId = Buffer.from('c38c528002a50002', 'hex');
      const report = Buffer.concat([reportMsgId, field('MA:0001', 7), field('2612070305', 10), field('2612070306', 10), field('13800138000', width), u32(77)]);
      const bytes = frame(Cmd.deliver, 3, Buffer.from('c38c528002a50003', 'hex'), field('1065712345', 21), field('', 10), u8(0), u8(0), u8(0),
        field('13800138000', width), ...(version === Version.v30 ? [u8(0)] : []), u8(1), u8(report.length), report, field('', version === Version.v30 ? 20 : 8));
      const p = decodePdu(bytes, version);
      expect(p.report).toEqual({ msgId: BigInt('0xc38c528002a50002').toString(), stat: 'MA:0001', submitTime: '2612070305', doneTime: '2612070306', destTerminalId: '13800138000', smscSequence: 77 });
      expect(encodePdu(p, version).equals(bytes)).toBe(true);
    }
  });

  it('refuses fields too long to encode, and bodies too short to decode, with the field named', () => {
    expect(() => encodePdu({ commandId: Cmd.submit, sequence: 1, srcId: '1'.repeat(22), destTerminalIds: ['1'] }, Version.v30)).toThrow(/Src_Id/);
    expect(() => encodePdu({ commandId: Cmd.submit, sequence: 1, destTerminalIds: [] }, Version.v30)).toThrow(/DestUsr_tl/);
    expect(() => decodePdu(frame(Cmd.submit_resp, 5, u8(1)), Version.v30)).toThrow(PduError);
  });

  it('takes a length beyond the sane maximum as garbage (fatal), and an unknown command to its header', () => {
    const framer = new Framer(12, MAX_PDU_LENGTH);
    expect(() => framer.push(u32(MAX_PDU_LENGTH + 1), () => undefined)).toThrow(expect.objectContaining({ fatal: true }));
    expect(decodePdu(frame(0x99, 4, Buffer.alloc(3)), Version.v30)).toEqual({ commandId: 0x99, sequence: 4 });
  });
});

const octetString = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabcdef:-'.split('')), maxLength: max });
const msgId = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String);

/** A SUBMIT or DELIVER with any field values that fit the version. */
function arbitraryPdu(version: CmppVersion): fc.Arbitrary<Pdu> {
  const terminal = version === Version.v30 ? 32 : 21;
  const tail = version === Version.v30 ? 20 : 8;
  const submit = fc.record({
    commandId: fc.constant(Cmd.submit), sequence: fc.nat(), msgId, pkTotal: fc.integer({ min: 1, max: 255 }), pkNumber: fc.integer({ min: 1, max: 255 }),
    registeredDelivery: fc.integer({ min: 0, max: 1 }), msgLevel: fc.integer({ min: 0, max: 9 }), serviceId: octetString(10), feeUserType: fc.integer({ min: 0, max: 3 }),
    feeTerminalId: octetString(terminal), tpPid: fc.nat(255), tpUdhi: fc.integer({ min: 0, max: 1 }), msgFmt: fc.constantFrom(0, 4, 8, 15),
    msgSrc: octetString(6), feeType: octetString(2), feeCode: octetString(6), validTime: octetString(17), atTime: octetString(17), srcId: octetString(21),
    destTerminalIds: fc.array(octetString(terminal), { minLength: 1, maxLength: 5 }), msgContent: fc.uint8Array({ maxLength: 255 }).map((a) => Buffer.from(a)),
    linkId: octetString(tail),
    ...(version === Version.v30 ? { feeTerminalType: fc.integer({ min: 0, max: 1 }), destTerminalType: fc.integer({ min: 0, max: 1 }) } : {}),
  });
  const deliver = fc.record({
    commandId: fc.constant(Cmd.deliver), sequence: fc.nat(), msgId, destId: octetString(21), serviceId: octetString(10), tpPid: fc.nat(255),
    tpUdhi: fc.integer({ min: 0, max: 1 }), msgFmt: fc.constantFrom(0, 8, 15), srcTerminalId: octetString(terminal), registeredDelivery: fc.constant(0),
    msgContent: fc.uint8Array({ maxLength: 255 }).map((a) => Buffer.from(a)), linkId: octetString(tail),
    ...(version === Version.v30 ? { srcTerminalType: fc.integer({ min: 0, max: 1 }) } : {}),
  });
  const resp = fc.record({ commandId: fc.constantFrom(Cmd.submit_resp, Cmd.deliver_resp), sequence: fc.nat(), msgId, result: fc.nat(255) });
  return fc.oneof(submit, deliver, resp) as fc.Arbitrary<Pdu>;
}

describe('CMPP codec round trips (fast-check)', () => {
  for (const version of [Version.v20, Version.v30] as const) {
    it(`decode(encode(p)) = p for any SUBMIT, DELIVER and response in 0x${version.toString(16)}`, () => {
      fc.assert(fc.property(arbitraryPdu(version), (p) => {
        const { msgIdOctets, ...decoded } = decodePdu(encodePdu(p, version), version);
        expect(decoded).toEqual(p);
        // a DELIVER keeps its Msg_Id's octets too, for the response that echoes them
        if (p.commandId === Cmd.deliver) expect(msgIdOctets?.readBigUInt64BE(0).toString()).toBe(p.msgId);
      }), { numRuns: 300 });
    });
  }

  it('decoding never throws anything but PduError on arbitrary octets', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 12, maxLength: 300 }), fc.constantFrom(...Object.values(Cmd)), (body, cmd) => {
      const b = Buffer.from(body);
      b.writeUInt32BE(b.length, 0);
      b.writeUInt32BE(cmd, 4);
      try {
        decodePdu(b, Version.v30);
      } catch (err) {
        expect(err).toBeInstanceOf(PduError);
      }
    }), { numRuns: 500 });
  });
});

describe('Msg_Id and authenticators', () => {
  it('keeps every 64-bit value exactly, and composes / splits the gateway layout', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      const b = Buffer.alloc(8);
      writeMsgId(b, 0, v.toString());
      expect(b.readBigUInt64BE(0)).toBe(v);
      expect(readMsgId(b, 0)).toBe(v.toString());
    }));
    const parts = { month: 12, day: 31, hour: 23, minute: 59, second: 58, ismg: 0x3fffff, sequence: 0xffff };
    expect(msgIdParts(composeMsgId(parts))).toEqual(parts);
    expect(() => writeMsgId(Buffer.alloc(8), 0, '18446744073709551616')).toThrow(/64 bits/);
    expect(() => writeMsgId(Buffer.alloc(8), 0, '12ab')).toThrow(/decimal/);
    // parsed without BigInt: 20 digits past 2^64, leading zeros, a sign or an exponent
    expect(() => writeMsgId(Buffer.alloc(8), 0, '99999999999999999999')).toThrow(/64 bits/);
    expect(() => writeMsgId(Buffer.alloc(8), 0, '')).toThrow(/decimal/);
    expect(() => writeMsgId(Buffer.alloc(8), 0, '-1')).toThrow(/decimal/);
    expect(() => writeMsgId(Buffer.alloc(8), 0, '1e5')).toThrow(/decimal/);
    const b = Buffer.alloc(8, 0xff);
    writeMsgId(b, 0, '00000000000000000042');
    expect(b.readBigUInt64BE(0)).toBe(42n);
    writeMsgId(b, 0, '18446744073709551615');
    expect(b.readBigUInt64BE(0)).toBe((1n << 64n) - 1n);
  });

  it('AuthenticatorSource = MD5(Source_Addr, 9 zero octets, secret, MMDDHHMMSS); AuthenticatorISMG = MD5(Status, source, secret)', () => {
    const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
    const source = authenticatorSource('901234', 'secret', 1207030510);
    expect(source.equals(md5(Buffer.from('901234'), Buffer.alloc(9), Buffer.from('secret'), Buffer.from('1207030510')))).toBe(true);
    expect(authenticatorSource('901234', 'secret', 102030405).equals(md5(Buffer.from('901234'), Buffer.alloc(9), Buffer.from('secret'), Buffer.from('0102030405')))).toBe(true);
    expect(authenticatorIsmg(0, 4, source, 'secret').equals(md5(Buffer.alloc(4), source, Buffer.from('secret')))).toBe(true);
    expect(authenticatorIsmg(0, 1, source, 'secret').equals(md5(Buffer.alloc(1), source, Buffer.from('secret')))).toBe(true);
    // 2026-12-06 19:04:05 UTC is 12-07 03:04:05 in China
    expect(connectTimestamp(new Date('2026-12-06T19:04:05Z'))).toBe(1207030405);
  });
});
