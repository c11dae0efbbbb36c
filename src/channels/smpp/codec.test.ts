import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PduError } from '../session/pdu-error.ts';
import { KNOWN_COMMANDS, commandHasTlvs, decodePdu, encodePdu, encodePduInto } from './codec.ts';
import { Cmd, Tag, isResponseId, type Pdu } from './pdus.ts';
import { cstringTlv, tlvString } from './tlv.ts';

type Shape = 'u8' | 'c' | 'sm' | 'dests' | 'unsuccess';

const FIELD_SHAPES: Record<number, [string, Shape, number?][]> = (() => {
  const bind: [string, 'u8' | 'c', number?][] = [['systemId', 'c', 16], ['password', 'c', 9], ['systemType', 'c', 13], ['interfaceVersion', 'u8'], ['addrTon', 'u8'], ['addrNpi', 'u8'], ['addressRange', 'c', 41]];
  const sm: [string, 'u8' | 'c' | 'sm', number?][] = [
    ['serviceType', 'c', 6], ['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 21], ['destAddrTon', 'u8'], ['destAddrNpi', 'u8'], ['destinationAddr', 'c', 21],
    ['esmClass', 'u8'], ['protocolId', 'u8'], ['priorityFlag', 'u8'], ['scheduleDeliveryTime', 'c', 17], ['validityPeriod', 'c', 17],
    ['registeredDelivery', 'u8'], ['replaceIfPresentFlag', 'u8'], ['dataCoding', 'u8'], ['smDefaultMsgId', 'u8'], ['shortMessage', 'sm'],
  ];
  const id: [string, 'c', number][] = [['messageId', 'c', 65]];
  const multi: [string, Shape, number?][] = [...sm.slice(0, 4), ['destAddresses', 'dests'], ...sm.slice(7)];
  return {
    [Cmd.bind_receiver]: bind, [Cmd.bind_transmitter]: bind, [Cmd.bind_transceiver]: bind,
    [Cmd.bind_receiver_resp]: [['systemId', 'c', 16]], [Cmd.bind_transmitter_resp]: [['systemId', 'c', 16]], [Cmd.bind_transceiver_resp]: [['systemId', 'c', 16]],
    [Cmd.outbind]: [['systemId', 'c', 16], ['password', 'c', 9]],
    [Cmd.submit_sm]: sm, [Cmd.deliver_sm]: sm, [Cmd.submit_sm_resp]: id, [Cmd.deliver_sm_resp]: id, [Cmd.data_sm_resp]: id,
    [Cmd.data_sm]: [['serviceType', 'c', 6], ['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 65], ['destAddrTon', 'u8'], ['destAddrNpi', 'u8'], ['destinationAddr', 'c', 65], ['esmClass', 'u8'], ['registeredDelivery', 'u8'], ['dataCoding', 'u8']],
    [Cmd.query_sm]: [['messageId', 'c', 65], ['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 21]],
    [Cmd.query_sm_resp]: [['messageId', 'c', 65], ['finalDate', 'c', 17], ['messageState', 'u8'], ['errorCode', 'u8']],
    [Cmd.cancel_sm]: [['serviceType', 'c', 6], ['messageId', 'c', 65], ['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 21], ['destAddrTon', 'u8'], ['destAddrNpi', 'u8'], ['destinationAddr', 'c', 21]],
    [Cmd.replace_sm]: [['messageId', 'c', 65], ['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 21], ['scheduleDeliveryTime', 'c', 17], ['validityPeriod', 'c', 17], ['registeredDelivery', 'u8'], ['smDefaultMsgId', 'u8'], ['shortMessage', 'sm']],
    [Cmd.submit_multi]: multi, [Cmd.submit_multi_resp]: [['messageId', 'c', 65], ['unsuccessSme', 'unsuccess']],
    [Cmd.alert_notification]: [['sourceAddrTon', 'u8'], ['sourceAddrNpi', 'u8'], ['sourceAddr', 'c', 65], ['esmeAddrTon', 'u8'], ['esmeAddrNpi', 'u8'], ['esmeAddr', 'c', 65]],
  };
})();

const cstr = (max: number) => fc.string({ maxLength: max - 1, unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)) });
const octets = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const u8 = fc.integer({ min: 0, max: 255 });
const dests = fc.array(fc.oneof(
  fc.record({ flag: fc.constant(1 as const), ton: u8, npi: u8, address: cstr(21) }),
  fc.record({ flag: fc.constant(2 as const), dlName: cstr(21) }),
), { maxLength: 6 });
const unsuccess = fc.array(fc.record({ ton: u8, npi: u8, address: cstr(21), errorStatusCode: fc.integer({ min: 0, max: 0xffffffff }) }), { maxLength: 6 });
const tlvs = fc.array(fc.record({ tag: fc.integer({ min: 0, max: 0xffff }), value: octets(40) }), { maxLength: 4 });

function pduArb(commandId: number): fc.Arbitrary<Pdu> {
  const shape = FIELD_SHAPES[commandId] ?? [];
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, type, max] of shape) fields[key] = type === 'c' ? cstr(max!) : { u8, sm: octets(254), dests, unsuccess }[type];
  return fc.record({
    sequence: fc.integer({ min: 1, max: 0x7fffffff }),
    fields: fc.record(fields),
    tlvs: commandHasTlvs(commandId) && shape.length > 0 ? tlvs : fc.constant<{ tag: number; value: Buffer }[]>([]),
  }).map(({ sequence, fields: f, tlvs: t }) => {
    const p: Pdu = { commandId, status: 0, sequence, ...f };
    if (t.length) p.tlvs = t;
    return p;
  });
}

describe('SMPP codec', () => {
  it('decodes what it encodes, for every PDU type', () => {
    for (const id of KNOWN_COMMANDS) {
      fc.assert(fc.property(pduArb(id), (p) => {
        expect(decodePdu(encodePdu(p))).toEqual(p);
      }), { numRuns: 60 });
    }
  });

  it('encodes into a shared buffer exactly what it encodes alone, or reports that it does not fit', () => {
    for (const id of KNOWN_COMMANDS) {
      fc.assert(fc.property(pduArb(id), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0x7fffffff }), (p, offset, status) => {
        if (isResponseId(id)) p.status = status % 3 === 0 ? status : 0;
        const alone = encodePdu(p);
        const buf = Buffer.alloc(offset + alone.length, 0xee);
        expect(encodePduInto(p, buf, offset)).toBe(offset + alone.length);
        expect(buf.subarray(offset)).toEqual(alone);
        expect(buf.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        const tight = Buffer.alloc(offset + alone.length - 1, 0xee);
        expect(encodePduInto(p, tight, offset)).toBe(-1);
        expect(tight.every((b) => b === 0xee)).toBe(true);
      }), { numRuns: 40 });
    }
  });

  it('omits the body of an error response and reads it back without fields', () => {
    const p: Pdu = { commandId: Cmd.submit_sm_resp, status: 0x58, sequence: 7 };
    const buf = encodePdu(p);
    expect(buf.length).toBe(16);
    expect(decodePdu(buf)).toEqual(p);
  });

  it('matches the spec header example (bind_transmitter)', () => {
    const bytes = Buffer.from('0000002F000000020000000000000001534D50503354455354007365637265743038005355424D49543100000101 00'.replace(/ /g, ''), 'hex');
    const p = decodePdu(bytes);
    expect(p).toEqual({
      commandId: Cmd.bind_transmitter, status: 0, sequence: 1,
      systemId: 'SMPP3TEST', password: 'secret08', systemType: 'SUBMIT1', interfaceVersion: 0, addrTon: 1, addrNpi: 1, addressRange: '',
    });
    expect(encodePdu(p)).toEqual(bytes);
  });

  it('encodes enquire_link and a submit_sm_resp byte for byte', () => {
    expect(encodePdu({ commandId: Cmd.enquire_link, status: 0, sequence: 0x10 }).toString('hex')).toBe('00000010000000150000000000000010');
    expect(encodePdu({ commandId: Cmd.submit_sm_resp, status: 0, sequence: 2, messageId: 'ab1' }).toString('hex'))
      .toBe('00000014800000040000000000000002' + '61623100');
  });

  it('reads a receipted_message_id TLV of a deliver_sm', () => {
    const p = decodePdu(encodePdu({ commandId: Cmd.deliver_sm, status: 0, sequence: 3, esmClass: 4, tlvs: [cstringTlv(Tag.receipted_message_id, 'ff01')] }));
    expect(tlvString(p, Tag.receipted_message_id)).toBe('ff01');
  });

  it('throws only PduError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.constantFrom(...KNOWN_COMMANDS, 0x1234), (body, id) => {
      const frame = Buffer.alloc(16 + body.length);
      frame.writeUInt32BE(frame.length, 0);
      frame.writeUInt32BE(id, 4);
      frame.set(body, 16);
      for (const f of [frame, Buffer.from(body)]) {
        try {
          decodePdu(f);
        } catch (err) {
          expect(err).toBeInstanceOf(PduError);
        }
      }
    }), { numRuns: 2000 });
  });

  it('reads a submit_multi written by hand (SME address and distribution list) and refuses an unknown dest_flag', () => {
    const body = (flag: number) => Buffer.concat([
      Buffer.from('\0\x01\x01' + '10690\0' + '\x02', 'latin1'),
      Buffer.from('\x01\x01\x01' + '8613800138000\0', 'latin1'), Buffer.from([flag]), Buffer.from('friends\0', 'latin1'),
      Buffer.from('\0\0\0' + '\0\0' + '\x01\0\0\0' + '\x02hi', 'latin1'),
    ]);
    const frame = (flag: number) => { const b = body(flag); const h = Buffer.alloc(16); h.writeUInt32BE(16 + b.length, 0); h.writeUInt32BE(0x21, 4); h.writeUInt32BE(9, 12); return Buffer.concat([h, b]); };
    const p = decodePdu(frame(2));
    expect(p).toMatchObject({ commandId: Cmd.submit_multi, sourceAddr: '10690', registeredDelivery: 1, shortMessage: Buffer.from('hi') });
    expect(p.destAddresses).toEqual([{ flag: 1, ton: 1, npi: 1, address: '8613800138000' }, { flag: 2, dlName: 'friends' }]);
    expect(encodePdu(p)).toEqual(frame(2));
    expect(() => decodePdu(frame(3))).toThrow(expect.objectContaining({ status: 0x40, sequence: 9 }));
    const resp = encodePdu({ commandId: Cmd.submit_multi_resp, status: 0, sequence: 9, messageId: 'M1', unsuccessSme: [{ ton: 1, npi: 1, address: '12', errorStatusCode: 0x0b }] });
    expect(resp.subarray(16).toString('hex')).toBe(Buffer.concat([Buffer.from('M1\0\x01\x01\x0112\0', 'latin1'), Buffer.from([0, 0, 0, 0x0b])]).toString('hex'));
  });

  it('rejects values that do not fit when encoding', () => {
    expect(() => encodePdu({ commandId: Cmd.bind_transceiver, status: 0, sequence: 1, password: 'far-too-long' })).toThrow(PduError);
    expect(() => encodePdu({ commandId: Cmd.submit_sm, status: 0, sequence: 1, shortMessage: Buffer.alloc(255) })).toThrow(PduError);
    expect(isResponseId(Cmd.generic_nack)).toBe(true);
  });
});
