// SMGP 3.0.3 PDU codec from the field tables of spec §5.2.2: fixed-width fields, then TLVs where allowed (Submit and
// Deliver, once per message each, written and read straight-line; the others from their field tables).
// The decoder throws only PduError; MsgContent and TLV values are views into the frame.
import { readFixed, writeFixed } from '../session/china-gateway.ts';
import { fieldsSize, readFields, writeFields, type FixedField } from '../session/fixed-fields.ts';
import { readU32, writeU32 } from '../session/octets.ts';
import { PduError } from '../session/pdu-error.ts';
import { Req, requestName, type SmgpPdu, type SmgpTlv } from './pdus.ts';

/** Header: PacketLength, RequestID, SequenceID. */
export const HEADER_LENGTH = 12;
/** Largest PDU accepted: a Submit to 100 numbers with 255 octets of content and TLVs fits; anything longer is garbage. */
export const MAX_PDU_LENGTH = 4096;

type Field = FixedField<Exclude<keyof SmgpPdu, 'requestId' | 'sequence' | 'tlvs'>>;

const RESP: readonly Field[] = [['msgId', 'octets', 10], ['status', 'u32']];
const EMPTY: readonly Field[] = [];

/** The field tables of the requests without TLVs (Submit and Deliver, which have them, are written out below). */
const LAYOUTS = new Map<number, readonly Field[]>([
  [Req.login, [['clientId', 'text', 8], ['authenticator', 'octets', 16], ['loginMode', 'u8'], ['timestamp', 'u32'], ['version', 'u8']]],
  [Req.login_resp, [['status', 'u32'], ['authenticator', 'octets', 16], ['version', 'u8']]],
  [Req.submit_resp, RESP],
  [Req.deliver_resp, RESP],
  [Req.active_test, EMPTY],
  [Req.active_test_resp, EMPTY],
  [Req.exit, EMPTY],
  [Req.exit_resp, EMPTY],
]);

/** Whether the codec knows this request id. */
export function knownRequest(id: number): boolean {
  return id === Req.submit || id === Req.deliver || LAYOUTS.has(id);
}

/** Octets of a Submit's fields before DestTermID (MsgType … ChargeTermID, DestTermIDCount), and of a Deliver's before MsgContent (MsgLength included). */
const SUBMIT_HEAD = 1 + 1 + 1 + 10 + 2 + 6 + 6 + 1 + 17 + 17 + 21 + 21 + 1;
const DELIVER_HEAD = 10 + 1 + 1 + 14 + 21 + 21 + 1;
const NO_OCTETS = Buffer.alloc(0);
const NO_TLVS: SmgpTlv[] = [];

/** Size of a PDU, TLVs included; throws PduError for an unknown request id or a body that cannot be encoded. */
function sizeOf(p: SmgpPdu): number {
  let size: number;
  if (p.requestId === Req.submit) {
    const dests = p.destTermIds?.length ?? 0;
    if (dests > 100) throw new PduError(`destTermIds: ${dests} numbers (at most 100)`);
    size = HEADER_LENGTH + SUBMIT_HEAD + 21 * dests + 1 + contentSize(p) + 8;
  } else if (p.requestId === Req.deliver) {
    size = HEADER_LENGTH + DELIVER_HEAD + contentSize(p) + 8;
  } else {
    const fields = LAYOUTS.get(p.requestId);
    if (!fields) throw new PduError(`cannot encode ${requestName(p.requestId)}`);
    return HEADER_LENGTH + fieldsSize(p, fields);
  }
  if (p.tlvs) for (const t of p.tlvs) size += 4 + t.value.length;
  return size;
}

/** Octets of MsgContent (at most 255: its length is one octet). */
function contentSize(p: SmgpPdu): number {
  const n = p.content?.length ?? 0;
  if (n > 255) throw new PduError(`content of ${n} octets (at most 255)`);
  return n;
}

/** Encodes a PDU; throws PduError for an unknown request id or a field that does not fit. */
export function encodePdu(p: SmgpPdu): Buffer {
  const size = sizeOf(p);
  const b = Buffer.allocUnsafe(size);
  writePdu(p, b, 0, size);
  return b;
}

/** Encodes a PDU into `buf` at `offset`; returns the end, or -1 (nothing written) when it does not fit. */
export function encodePduInto(p: SmgpPdu, buf: Buffer, offset: number): number {
  const size = sizeOf(p);
  if (offset + size > buf.length) return -1;
  writePdu(p, buf, offset, size);
  return offset + size;
}

function writePdu(p: SmgpPdu, b: Buffer, start: number, size: number): void {
  writeU32(b, start, size);
  writeU32(b, start + 4, p.requestId);
  writeU32(b, start + 8, p.sequence);
  const body = start + HEADER_LENGTH;
  if (p.requestId !== Req.submit && p.requestId !== Req.deliver) {
    writeFields(p, LAYOUTS.get(p.requestId)!, b, body);
    return;
  }
  let off = p.requestId === Req.submit ? writeSubmit(p, b, body) : writeDeliver(p, b, body);
  for (const t of p.tlvs ?? NO_TLVS) {
    const n = t.value.length;
    b[off] = t.tag >>> 8;
    b[off + 1] = t.tag;
    b[off + 2] = n >>> 8;
    b[off + 3] = n;
    off += 4 + t.value.copy(b, off + 4);
  }
}

/** MsgLength, MsgContent and Reserve at `off`; returns the end. */
function writeContent(p: SmgpPdu, b: Buffer, off: number): number {
  const content = p.content ?? NO_OCTETS;
  b[off] = content.length;
  const end = off + 1 + content.copy(b, off + 1);
  b.fill(0, end, end + 8);
  return end + 8;
}

/** The Submit fields (§6.2.3), the hot path: straight-line writes, no field table; returns where the TLVs go. */
function writeSubmit(p: SmgpPdu, b: Buffer, start: number): number {
  let off = start;
  b[off++] = p.msgType ?? 0;
  b[off++] = p.needReport ?? 0;
  b[off++] = p.priority ?? 0;
  writeFixed(b, off, p.serviceId ?? '', 10, 'serviceId'); off += 10;
  writeFixed(b, off, p.feeType ?? '', 2, 'feeType'); off += 2;
  writeFixed(b, off, p.feeCode ?? '', 6, 'feeCode'); off += 6;
  writeFixed(b, off, p.fixedFee ?? '', 6, 'fixedFee'); off += 6;
  b[off++] = p.msgFormat ?? 0;
  writeFixed(b, off, p.validTime ?? '', 17, 'validTime'); off += 17;
  writeFixed(b, off, p.atTime ?? '', 17, 'atTime'); off += 17;
  writeFixed(b, off, p.srcTermId ?? '', 21, 'srcTermId'); off += 21;
  writeFixed(b, off, p.chargeTermId ?? '', 21, 'chargeTermId'); off += 21;
  const dests = p.destTermIds ?? [];
  b[off++] = dests.length;
  for (const d of dests) {
    writeFixed(b, off, d, 21, 'destTermIds');
    off += 21;
  }
  return writeContent(p, b, off);
}

/** The Deliver fields (§6.2.5): MsgID, IsReport, MsgFormat, RecvTime, SrcTermID, DestTermID, content; returns where the TLVs go. */
function writeDeliver(p: SmgpPdu, b: Buffer, start: number): number {
  const msgId = p.msgId ?? NO_OCTETS;
  if (msgId.length > 10) throw new PduError('msgId is longer than 10 octets');
  let off = start;
  b.fill(0, off + msgId.copy(b, off), off + 10);
  off += 10;
  b[off++] = p.isReport ?? 0;
  b[off++] = p.msgFormat ?? 0;
  writeFixed(b, off, p.recvTime ?? '', 14, 'recvTime'); off += 14;
  writeFixed(b, off, p.srcTermId ?? '', 21, 'srcTermId'); off += 21;
  writeFixed(b, off, p.destTermId ?? '', 21, 'destTermId'); off += 21;
  return writeContent(p, b, off);
}

/**
 * Decodes one frame. An unknown request id yields just its header (the caller decides what to do with it); a body
 * shorter than its fields is a non-fatal PduError carrying the sequence and status 10 (bad message structure).
 */
export function decodePdu(frame: Buffer): SmgpPdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than its header`, true);
  const requestId = readU32(frame, 4);
  const sequence = readU32(frame, 8);
  if (requestId === Req.submit) return decodeSubmit(frame, sequence);
  if (requestId === Req.deliver) return decodeDeliver(frame, sequence);
  const fields = LAYOUTS.get(requestId);
  if (fields === RESP) {
    // Submit_Resp / Deliver_Resp (one per message each): MsgID, Status
    if (frame.length < HEADER_LENGTH + 14) throw cutShortOf(requestId, sequence, 'the MsgID and Status');
    return { requestId, sequence, msgId: frame.subarray(HEADER_LENGTH, HEADER_LENGTH + 10), status: readU32(frame, HEADER_LENGTH + 10) };
  }
  const p: SmgpPdu = { requestId, sequence };
  if (fields) readFields(frame, HEADER_LENGTH, fields, p, cutShort);
  return p;
}

/** A Submit read into locals, then one object literal with every field (no property added one by one). */
function decodeSubmit(frame: Buffer, sequence: number): SmgpPdu {
  const requestId = Req.submit;
  const length = frame.length;
  let off = HEADER_LENGTH;
  if (off + SUBMIT_HEAD > length) throw cutShortOf(requestId, sequence, 'the Submit before DestTermID');
  const msgType = frame[off++];
  const needReport = frame[off++];
  const priority = frame[off++];
  const serviceId = readFixed(frame, off, 10); off += 10;
  const feeType = readFixed(frame, off, 2); off += 2;
  const feeCode = readFixed(frame, off, 6); off += 6;
  const fixedFee = readFixed(frame, off, 6); off += 6;
  const msgFormat = frame[off++];
  const validTime = readFixed(frame, off, 17); off += 17;
  const atTime = readFixed(frame, off, 17); off += 17;
  const srcTermId = readFixed(frame, off, 21); off += 21;
  const chargeTermId = readFixed(frame, off, 21); off += 21;
  const dests = frame[off++];
  if (off + 21 * dests + 1 > length) throw cutShortOf(requestId, sequence, 'DestTermID');
  const destTermIds = new Array<string>(dests);
  for (let i = 0; i < dests; i++, off += 21) destTermIds[i] = readFixed(frame, off, 21);
  const content = readContent(frame, off, requestId, sequence);
  const tlvs = readTlvs(frame, off + 1 + content.length + 8, requestId, sequence);
  return {
    requestId, sequence, msgType, needReport, priority, serviceId, feeType, feeCode, fixedFee, msgFormat, validTime, atTime,
    srcTermId, chargeTermId, destTermIds, content, tlvs,
  };
}

/** A Deliver (a report or an MO) read into locals, then one object literal. */
function decodeDeliver(frame: Buffer, sequence: number): SmgpPdu {
  const requestId = Req.deliver;
  let off = HEADER_LENGTH;
  if (off + DELIVER_HEAD > frame.length) throw cutShortOf(requestId, sequence, 'the Deliver before MsgContent');
  const msgId = frame.subarray(off, off + 10); off += 10;
  const isReport = frame[off++];
  const msgFormat = frame[off++];
  const recvTime = readFixed(frame, off, 14); off += 14;
  const srcTermId = readFixed(frame, off, 21); off += 21;
  const destTermId = readFixed(frame, off, 21); off += 21;
  const content = readContent(frame, off, requestId, sequence);
  const tlvs = readTlvs(frame, off + 1 + content.length + 8, requestId, sequence);
  return { requestId, sequence, msgId, isReport, msgFormat, recvTime, srcTermId, destTermId, content, tlvs };
}

/** MsgContent after its one-octet MsgLength at `off` (a view into the frame), checked to leave room for Reserve. */
function readContent(frame: Buffer, off: number, requestId: number, sequence: number): Buffer {
  const n = frame[off];
  if (off + 1 + n + 8 > frame.length) throw cutShortOf(requestId, sequence, 'MsgContent');
  return frame.subarray(off + 1, off + 1 + n);
}

/** The error of a body cut short: not fatal, answered with status 10 (bad message structure). */
function cutShort(what: string, p: SmgpPdu): PduError {
  return cutShortOf(p.requestId, p.sequence, what);
}

function cutShortOf(requestId: number, sequence: number, what: string): PduError {
  return new PduError(`${requestName(requestId)}: ${what} runs past the end of the PDU`, false, sequence, 10);
}

function readTlvs(frame: Buffer, start: number, requestId: number, sequence: number): SmgpTlv[] {
  const end = frame.length;
  if (start >= end) return NO_TLVS;
  const tlvs: SmgpTlv[] = [];
  let off = start;
  while (off < end) {
    if (off + 4 > end) throw cutShortOf(requestId, sequence, 'a TLV header');
    const tag = (frame[off] << 8) | frame[off + 1];
    const len = (frame[off + 2] << 8) | frame[off + 3];
    if (off + 4 + len > end) throw cutShortOf(requestId, sequence, `TLV 0x${tag.toString(16)}`);
    tlvs.push({ tag, value: frame.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return tlvs;
}
