import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cmd, MessageState, Tag, type Pdu } from './pdus.ts';
import { decodePdu, encodePdu } from './codec.ts';
import { PduError } from '../session/pdu-error.ts';
import { parseReceiptDate, parseReceiptText, receiptFromFrame, receiptFromPdu } from './receipt.ts';
import { cstringTlv, uintTlv } from './tlv.ts';

const dlr = (text: string, extra: Partial<Pdu> = {}): Pdu => ({
  commandId: Cmd.deliver_sm, status: 0, sequence: 1, esmClass: 4, dataCoding: 0, shortMessage: Buffer.from(text, 'latin1'), ...extra,
});

describe('receipt text parsing', () => {
  const cases: [string, string, Partial<ReturnType<typeof parseReceiptText>>][] = [
    ['standard', 'id:0123456789 sub:001 dlvrd:001 submit date:2401021530 done date:2401021531 stat:DELIVRD err:000 text:Hello world',
      { id: '0123456789', sub: '001', dlvrd: '001', submitDate: '2401021530', doneDate: '2401021531', stat: 'DELIVRD', err: '000', text: 'Hello world' }],
    ['upper-case keys', 'ID:ab12 SUB:001 DLVRD:000 SUBMIT DATE:240102153001 DONE DATE:240102153059 STAT:UNDELIV ERR:034 TEXT:',
      { id: 'ab12', stat: 'UNDELIV', err: '034', doneDate: '240102153059', text: '' }],
    ['missing fields', 'id:77 stat:EXPIRED', { id: '77', stat: 'EXPIRED' }],
    ['underscored dates', 'id:5 submit_date:2401021530 done_date:2401021531 stat:DELIVRD', { submitDate: '2401021530', doneDate: '2401021531' }],
    ['no space before keys after commas', 'id:5,stat:REJECTD,err:8', { id: '5', stat: 'REJECTD', err: '8' }],
    ['text containing key words', 'id:9 stat:DELIVRD err:0 text:stat:FAKE id:1', { id: '9', stat: 'DELIVRD', text: 'stat:FAKE id:1' }],
    ['lower-case stat', 'id:9 stat:delivrd', { stat: 'delivrd' }],
    ['extra spaces', 'id: 42  sub: 1  stat: DELIVRD', { id: '42', sub: '1', stat: 'DELIVRD' }],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(parseReceiptText(text)).toMatchObject(expected);
  });

  it('reads the canonical layout exactly as the tolerant pass reads the same text after a space', () => {
    // values from characters that matter to the parser (separators, boundaries, spaces, case, non-ASCII), keys as sent or varied
    const value = fc.oneof(
      { arbitrary: fc.string({ unit: fc.constantFrom('0', '7', 'a', 'D', ',', ';', '\t', '\u00a0', 'é', 'i', 'd'), maxLength: 6 }), weight: 12 },
      fc.array(fc.constantFrom('0', 'id', ':', '=', ' ', ',', ',id:', ';err=', ' stat:'), { maxLength: 4 }).map((tokens) => tokens.join('')),
    );
    const key = (k: string) => fc.oneof({ arbitrary: fc.constant(k), weight: 30 }, fc.constantFrom(k.toUpperCase(), k.replace(' ', '_'), `${k} `));
    const keys = ['id', 'sub', 'dlvrd', 'submit date', 'done date', 'stat', 'err', 'text'];
    const text = fc.tuple(fc.tuple(...keys.map(key)), fc.array(value, { minLength: 8, maxLength: 8 }))
      .map(([ks, vs]) => ks.map((k, i) => `${k}:${vs[i]}`).join(' '));
    fc.assert(fc.property(text, (raw) => {
      expect(parseReceiptText(raw)).toEqual(parseReceiptText(` ${raw}`));
    }), { numRuns: 2000 });
  });

  it('leaves missing fields out', () => {
    expect(parseReceiptText('id:77 stat:EXPIRED')).toEqual({ id: '77', stat: 'EXPIRED' });
  });

  it.each([
    ['2401021530', '2024-01-02T15:30:00.000Z'],
    ['240102153045', '2024-01-02T15:30:45.000Z'],
    ['20240102153045', '2024-01-02T15:30:45.000Z'],
    ['24-01-02 15:30', '2024-01-02T15:30:00.000Z'],
  ])('date %s', (value, iso) => {
    expect(parseReceiptDate(value)?.toISOString()).toBe(iso);
  });

  it.each([undefined, '', '24', '2413021530', 'garbage'])('invalid date %s is null', (value) => {
    expect(parseReceiptDate(value)).toBeNull();
  });
});

describe('receiptFromPdu', () => {
  it('builds a receipt from the text alone', () => {
    const r = receiptFromPdu(dlr('id:00FF sub:001 dlvrd:001 submit date:2401021530 done date:2401021531 stat:DELIVRD err:000 text:x'), 'c', 'hex');
    expect(r).toEqual({ channel: 'c', carrierId: '255', status: 'delivered', stat: 'DELIVRD', err: '000', doneAt: new Date('2024-01-02T15:31:00Z'), raw: expect.any(String) });
  });

  it('prefers receipted_message_id and message_state TLVs, and reads network_error_code', () => {
    const r = receiptFromPdu(dlr('id:999 stat:DELIVRD', {
      tlvs: [cstringTlv(Tag.receipted_message_id, '1a'), uintTlv(Tag.message_state, MessageState.UNDELIVERABLE, 1), { tag: Tag.network_error_code, value: Buffer.from([3, 0, 11]) }],
    }), 'c', 'hex');
    expect(r).toMatchObject({ carrierId: '26', status: 'undelivered', stat: 'UNDELIV', err: '3:11' });
    const r2 = receiptFromPdu(dlr('', { tlvs: [cstringTlv(Tag.receipted_message_id, '7'), uintTlv(Tag.message_state, MessageState.ENROUTE, 1), { tag: Tag.network_error_code, value: Buffer.from([3, 0, 11]) }] }), 'c', 'decimal');
    expect(r2).toMatchObject({ carrierId: '7', status: 'submitted', stat: 'ENROUTE', err: '3:11' });
  });

  it('reads text from message_payload, and UCS-2 text', () => {
    const payload = receiptFromPdu(dlr('', { tlvs: [{ tag: Tag.message_payload, value: Buffer.from('id:12 stat:EXPIRED') }] }), 'c', 'decimal');
    expect(payload).toMatchObject({ carrierId: '12', status: 'expired' });
    const ucs2 = receiptFromPdu(dlr('', { dataCoding: 8, shortMessage: Buffer.from('id:13 stat:REJECTD', 'utf16le').swap16() }), 'c', 'decimal');
    expect(ucs2).toMatchObject({ carrierId: '13', status: 'rejected' });
  });

  it('returns null when there is no id at all', () => {
    expect(receiptFromPdu(dlr('stat:DELIVRD'), 'c', 'asis')).toBeNull();
  });
});

describe('receiptFromFrame', () => {
  const whole = (frame: Buffer) => receiptFromFrame(frame, 0, frame.length, 'c', 'asis');
  const ids = ['1a', '0001F', '000123', '42', ''];
  const pdu = fc.record({
    sourceAddr: fc.constantFrom('', '8613800000001'),
    esmClass: fc.constantFrom(0, 4, 0x20, 0x44, 0x40),
    dataCoding: fc.constantFrom(0, 3, 8),
    id: fc.constantFrom(...ids),
    text: fc.oneof(
      fc.constantFrom('', 'id:42 stat:DELIVRD', 'stat:UNDELIV err:', 'id:ZZ'),
      fc.tuple(fc.constantFrom(...ids), fc.constantFrom('DELIVRD', 'UNDELIV', 'delivrd'), fc.constantFrom('000', '', '034'), fc.constantFrom('2401021531', '240102153'))
        .map(([id, stat, err, done]) => `id:${id} sub:001 dlvrd:001 submit date:2401021530 done date:${done} stat:${stat} err:${err} text:Hi`),
    ),
    tlvs: fc.array(fc.oneof(
      fc.constantFrom(...ids).map((id) => cstringTlv(Tag.receipted_message_id, id)),
      fc.constantFrom(...ids).map((id) => ({ tag: Tag.receipted_message_id, value: Buffer.from(id) })),
      fc.integer({ min: 0, max: 9 }).map((s) => uintTlv(Tag.message_state, s, 1)),
      fc.constantFrom(Buffer.alloc(0), Buffer.alloc(5)).map((value) => ({ tag: Tag.message_state, value })),
      fc.constantFrom(Buffer.from([3, 0, 11]), Buffer.from([1])).map((value) => ({ tag: Tag.network_error_code, value })),
      fc.constantFrom('id:7 stat:EXPIRED').map((t) => ({ tag: Tag.message_payload, value: Buffer.from(t) })),
    ), { maxLength: 4 }),
  }).map(({ id: _id, text, tlvs, ...fields }): Pdu => ({ ...dlr(text, fields), ...(tlvs.length ? { tlvs } : {}) }));

  /** What the decoder and receiptFromPdu make of a frame: a receipt, null, 'not a receipt', or the decoder's error. */
  const viaDecoder = (frame: Buffer) => {
    let p: Pdu;
    try {
      p = decodePdu(frame);
    } catch (err) {
      if (err instanceof PduError) return 'error';
      throw err;
    }
    return (p.esmClass ?? 0) & 0x24 ? receiptFromPdu(p, 'c', 'decimal') : 'not a receipt';
  };

  it('reads every receipt frame it takes exactly as decoding then receiptFromPdu does', () => {
    let taken = 0;
    fc.assert(fc.property(pdu, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 255 }), (p, cut, garble) => {
      const whole = encodePdu(p);
      // also truncated (with command_length fixed up) and with one octet changed
      const cutFrame = Buffer.from(whole.subarray(0, Math.max(16, whole.length - cut)));
      cutFrame.writeUInt32BE(cutFrame.length, 0);
      const garbled = Buffer.from(whole);
      garbled[16 + (garble % (whole.length - 16))] = garble;
      for (const frame of [whole, cutFrame, garbled]) {
        // read where a framer leaves it: inside a larger chunk
        const chunk = Buffer.concat([Buffer.from([0, 0, 0, 99]), frame, Buffer.from([0, 0])]);
        const fast = receiptFromFrame(chunk, 4, 4 + frame.length, 'c', 'decimal');
        if (fast === undefined) continue;
        taken++;
        expect(fast).toEqual(viaDecoder(frame));
      }
    }), { numRuns: 3000 });
    expect(taken).toBeGreaterThan(1000);
  });

  it('leaves other commands, MO messages, UCS-2 and message_payload text to the decoder', () => {
    const text = 'id:5 stat:DELIVRD';
    expect(whole(encodePdu({ ...dlr(text), commandId: Cmd.data_sm }))).toBeUndefined();
    expect(whole(encodePdu(dlr(text, { esmClass: 0 })))).toBeUndefined();
    expect(whole(encodePdu(dlr(text, { dataCoding: 8 })))).toBeUndefined();
    expect(whole(encodePdu(dlr('', { tlvs: [{ tag: Tag.message_payload, value: Buffer.from(text) }] })))).toBeUndefined();
    expect(whole(encodePdu(dlr(text)))).toMatchObject({ carrierId: '5', status: 'delivered' });
  });
});
