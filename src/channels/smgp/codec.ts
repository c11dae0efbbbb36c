// SMGP 3.0.3 PDU codec from the field tables of spec §5.2.2: fixed-width fields, then TLVs where allowed.
// The decoder throws only PduError; MsgContent and TLV values are views into the frame.
import { fieldsSize, readFields, writeFields, type FixedField } from '../session/fixed-fields.ts';
import { PduError } from '../session/pdu-error.ts';
import { Req, requestName, type SmgpPdu, type SmgpTlv } from './pdus.ts';

/** Header: PacketLength, RequestID, SequenceID. */
export const HEADER_LENGTH = 12;
/** Largest PDU accepted: a Submit to 100 numbers with 255 octets of content and TLVs fits; anything longer is garbage. */
export const MAX_PDU_LENGTH = 4096;

type Field = FixedField<Exclude<keyof SmgpPdu, 'requestId' | 'sequence' | 'tlvs'>>;

interface Layout {
  fields: readonly Field[];
  tlvs: boolean;
}

const RESERVE: Field = ['', 'reserve', 8];
const RESP: Layout = { fields: [['msgId', 'octets', 10], ['status', 'u32']], tlvs: false };
const EMPTY: Layout = { fields: [], tlvs: false };

const LAYOUTS = new Map<number, Layout>([
  [Req.login, { fields: [['clientId', 'text', 8], ['authenticator', 'octets', 16], ['loginMode', 'u8'], ['timestamp', 'u32'], ['version', 'u8']], tlvs: false }],
  [Req.login_resp, { fields: [['status', 'u32'], ['authenticator', 'octets', 16], ['version', 'u8']], tlvs: false }],
  [Req.submit, {
    fields: [
      ['msgType', 'u8'], ['needReport', 'u8'], ['priority', 'u8'], ['serviceId', 'text', 10], ['feeType', 'text', 2],
      ['feeCode', 'text', 6], ['fixedFee', 'text', 6], ['msgFormat', 'u8'], ['validTime', 'text', 17], ['atTime', 'text', 17],
      ['srcTermId', 'text', 21], ['chargeTermId', 'text', 21], ['destTermIds', 'list', 21], ['content', 'content', 1], RESERVE,
    ],
    tlvs: true,
  }],
  [Req.submit_resp, RESP],
  [Req.deliver, {
    fields: [
      ['msgId', 'octets', 10], ['isReport', 'u8'], ['msgFormat', 'u8'], ['recvTime', 'text', 14], ['srcTermId', 'text', 21],
      ['destTermId', 'text', 21], ['content', 'content', 1], RESERVE,
    ],
    tlvs: true,
  }],
  [Req.deliver_resp, RESP],
  [Req.active_test, EMPTY],
  [Req.active_test_resp, EMPTY],
  [Req.exit, EMPTY],
  [Req.exit_resp, EMPTY],
]);

/** Whether the codec knows this request id. */
export function knownRequest(id: number): boolean {
  return LAYOUTS.has(id);
}

/** The layout of a PDU's request id; throws PduError for an unknown one. */
function layoutOf(p: SmgpPdu): Layout {
  const layout = LAYOUTS.get(p.requestId);
  if (!layout) throw new PduError(`cannot encode ${requestName(p.requestId)}`);
  return layout;
}

function sizeOf(p: SmgpPdu, layout: Layout): number {
  let size = HEADER_LENGTH + fieldsSize(p, layout.fields);
  if (layout.tlvs) for (const t of p.tlvs ?? []) size += 4 + t.value.length;
  return size;
}

/** Encodes a PDU; throws PduError for an unknown request id or a field that does not fit. */
export function encodePdu(p: SmgpPdu): Buffer {
  const layout = layoutOf(p);
  const b = Buffer.allocUnsafe(sizeOf(p, layout));
  writePdu(p, layout, b, 0, b.length);
  return b;
}

/** Encodes a PDU into `buf` at `offset`; returns the end, or -1 (nothing written) when it does not fit. */
export function encodePduInto(p: SmgpPdu, buf: Buffer, offset: number): number {
  const layout = layoutOf(p);
  const size = sizeOf(p, layout);
  if (offset + size > buf.length) return -1;
  writePdu(p, layout, buf, offset, size);
  return offset + size;
}

function writePdu(p: SmgpPdu, layout: Layout, b: Buffer, start: number, size: number): void {
  b.writeUInt32BE(size, start);
  b.writeUInt32BE(p.requestId >>> 0, start + 4);
  b.writeUInt32BE(p.sequence >>> 0, start + 8);
  let off = writeFields(p, layout.fields, b, start + HEADER_LENGTH);
  if (layout.tlvs) {
    for (const t of p.tlvs ?? []) {
      b.writeUInt16BE(t.tag, off);
      b.writeUInt16BE(t.value.length, off + 2);
      t.value.copy(b, off + 4);
      off += 4 + t.value.length;
    }
  }
}

/**
 * Decodes one frame. An unknown request id yields just its header (the caller decides what to do with it); a body
 * shorter than its fields is a non-fatal PduError carrying the sequence and status 10 (bad message structure).
 */
export function decodePdu(frame: Buffer): SmgpPdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than its header`, true);
  const requestId = frame.readUInt32BE(4);
  const sequence = frame.readUInt32BE(8);
  const p: SmgpPdu = { requestId, sequence };
  const layout = LAYOUTS.get(requestId);
  if (!layout) return p;
  const end = readFields(frame, HEADER_LENGTH, layout.fields, p, cutShort);
  if (layout.tlvs) p.tlvs = readTlvs(frame, end, p);
  return p;
}

/** The error of a body cut short: not fatal, answered with status 10 (bad message structure). */
function cutShort(what: string, p: SmgpPdu): PduError {
  return new PduError(`${requestName(p.requestId)}: ${what} runs past the end of the PDU`, false, p.sequence, 10);
}

function readTlvs(frame: Buffer, start: number, p: SmgpPdu): SmgpTlv[] {
  const tlvs: SmgpTlv[] = [];
  let off = start;
  while (off < frame.length) {
    if (off + 4 > frame.length) throw cutShort('a TLV header', p);
    const tag = frame.readUInt16BE(off);
    const len = frame.readUInt16BE(off + 2);
    if (off + 4 + len > frame.length) throw cutShort(`TLV 0x${tag.toString(16)}`, p);
    tlvs.push({ tag, value: frame.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return tlvs;
}
