// SMGP 3.0.3 PDU codec from the field tables of spec §5.2.2: fixed-width fields, then TLVs where allowed.
// The decoder throws only PduError; MsgContent and TLV values are views into the frame.
import { readFixed, writeFixed } from '../session/china-gateway.ts';
import { PduError } from '../session/pdu-error.ts';
import { Req, requestName, type SmgpPdu, type SmgpTlv } from './pdus.ts';

/** Header: PacketLength, RequestID, SequenceID. */
export const HEADER_LENGTH = 12;
/** Largest PDU accepted: a Submit to 100 numbers with 255 octets of content and TLVs fits; anything longer is garbage. */
export const MAX_PDU_LENGTH = 4096;

type Key = Exclude<keyof SmgpPdu, 'requestId' | 'sequence' | 'tlvs'>;
/** u8 / u32 integers, fixed-width text or octets, DestTermIDCount + numbers, MsgLength + MsgContent, Reserve. */
type Field =
  | readonly [Key, 'u8' | 'u32']
  | readonly [Key, 'text' | 'octets', number]
  | readonly ['destTermIds', 'dests']
  | readonly ['content', 'content']
  | readonly ['reserve'];

interface Layout {
  fields: readonly Field[];
  tlvs: boolean;
}

const RESERVE: Field = ['reserve'];
const RESP: Layout = { fields: [['msgId', 'octets', 10], ['status', 'u32']], tlvs: false };
const EMPTY: Layout = { fields: [], tlvs: false };

const LAYOUTS = new Map<number, Layout>([
  [Req.login, { fields: [['clientId', 'text', 8], ['authenticator', 'octets', 16], ['loginMode', 'u8'], ['timestamp', 'u32'], ['version', 'u8']], tlvs: false }],
  [Req.login_resp, { fields: [['status', 'u32'], ['authenticator', 'octets', 16], ['version', 'u8']], tlvs: false }],
  [Req.submit, {
    fields: [
      ['msgType', 'u8'], ['needReport', 'u8'], ['priority', 'u8'], ['serviceId', 'text', 10], ['feeType', 'text', 2],
      ['feeCode', 'text', 6], ['fixedFee', 'text', 6], ['msgFormat', 'u8'], ['validTime', 'text', 17], ['atTime', 'text', 17],
      ['srcTermId', 'text', 21], ['chargeTermId', 'text', 21], ['destTermIds', 'dests'], ['content', 'content'], RESERVE,
    ],
    tlvs: true,
  }],
  [Req.submit_resp, RESP],
  [Req.deliver, {
    fields: [
      ['msgId', 'octets', 10], ['isReport', 'u8'], ['msgFormat', 'u8'], ['recvTime', 'text', 14], ['srcTermId', 'text', 21],
      ['destTermId', 'text', 21], ['content', 'content'], RESERVE,
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

function fieldSize(p: SmgpPdu, f: Field): number {
  switch (f[1]) {
    case 'u8': return 1;
    case 'u32': return 4;
    case 'text':
    case 'octets': return f[2];
    case 'dests': return 1 + 21 * (p.destTermIds?.length ?? 0);
    case 'content': return 1 + (p.content?.length ?? 0);
    default: return 8;
  }
}

/** Encodes a PDU; throws PduError for an unknown request id or a field that does not fit. */
export function encodePdu(p: SmgpPdu): Buffer {
  const layout = LAYOUTS.get(p.requestId);
  if (!layout) throw new PduError(`cannot encode ${requestName(p.requestId)}`);
  let size = HEADER_LENGTH;
  for (const f of layout.fields) size += fieldSize(p, f);
  if (layout.tlvs) for (const t of p.tlvs ?? []) size += 4 + t.value.length;
  const b = Buffer.alloc(size);
  b.writeUInt32BE(size, 0);
  b.writeUInt32BE(p.requestId >>> 0, 4);
  b.writeUInt32BE(p.sequence >>> 0, 8);
  let off = HEADER_LENGTH;
  for (const f of layout.fields) {
    const key = f[0];
    const v = key === 'reserve' ? undefined : p[key];
    switch (f[1]) {
      case 'u8': b[off] = Number(v ?? 0); break;
      case 'u32': b.writeUInt32BE(Number(v ?? 0) >>> 0, off); break;
      case 'text': writeFixed(b, off, String(v ?? ''), f[2], key); break;
      case 'octets': {
        const octets = (v as Buffer | undefined) ?? Buffer.alloc(0);
        if (octets.length > f[2]) throw new PduError(`${key} is longer than ${f[2]} octets`);
        octets.copy(b, off);
        break;
      }
      case 'dests': {
        const dests = p.destTermIds ?? [];
        if (dests.length > 100) throw new PduError('DestTermIDCount above 100');
        b[off] = dests.length;
        dests.forEach((d, i) => writeFixed(b, off + 1 + 21 * i, d, 21, 'DestTermID'));
        break;
      }
      case 'content': {
        const content = p.content ?? Buffer.alloc(0);
        if (content.length > 255) throw new PduError(`MsgContent of ${content.length} octets (at most 255)`);
        b[off] = content.length;
        content.copy(b, off + 1);
        break;
      }
      default: break;
    }
    off += fieldSize(p, f);
  }
  if (layout.tlvs) {
    for (const t of p.tlvs ?? []) {
      b.writeUInt16BE(t.tag, off);
      b.writeUInt16BE(t.value.length, off + 2);
      t.value.copy(b, off + 4);
      off += 4 + t.value.length;
    }
  }
  return b;
}

/**
 * Decodes one frame. An unknown request id yields just its header (the caller decides what to do with it); a body
 * shorter than its fields is a non-fatal PduError carrying the sequence.
 */
export function decodePdu(frame: Buffer): SmgpPdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than its header`, true);
  const requestId = frame.readUInt32BE(4);
  const sequence = frame.readUInt32BE(8);
  const p: SmgpPdu = { requestId, sequence };
  const layout = LAYOUTS.get(requestId);
  if (!layout) return p;
  let off = HEADER_LENGTH;
  const need = (n: number, what: string) => {
    if (off + n > frame.length) throw new PduError(`${requestName(requestId)}: ${what} runs past the end of the PDU`, false, sequence, 10);
  };
  const target = p as unknown as Record<string, unknown>;
  for (const f of layout.fields) {
    const key = f[0];
    switch (f[1]) {
      case 'u8': need(1, key); target[key] = frame[off]; off += 1; break;
      case 'u32': need(4, key); target[key] = frame.readUInt32BE(off); off += 4; break;
      case 'text': need(f[2], key); target[key] = readFixed(frame, off, f[2]); off += f[2]; break;
      case 'octets': need(f[2], key); target[key] = frame.subarray(off, off + f[2]); off += f[2]; break;
      case 'dests': {
        need(1, 'DestTermIDCount');
        const n = frame[off++];
        need(21 * n, 'DestTermID');
        p.destTermIds = Array.from({ length: n }, (_, i) => readFixed(frame, off + 21 * i, 21));
        off += 21 * n;
        break;
      }
      case 'content': {
        need(1, 'MsgLength');
        const n = frame[off++];
        need(n, 'MsgContent');
        p.content = frame.subarray(off, off + n);
        off += n;
        break;
      }
      default: need(8, 'Reserve'); off += 8; break;
    }
  }
  if (layout.tlvs) p.tlvs = readTlvs(frame, off, sequence);
  return p;
}

function readTlvs(frame: Buffer, start: number, sequence: number): SmgpTlv[] {
  const tlvs: SmgpTlv[] = [];
  let off = start;
  while (off < frame.length) {
    if (off + 4 > frame.length) throw new PduError('a TLV header runs past the end of the PDU', false, sequence, 10);
    const tag = frame.readUInt16BE(off);
    const len = frame.readUInt16BE(off + 2);
    if (off + 4 + len > frame.length) throw new PduError(`TLV 0x${tag.toString(16)} runs past the end of the PDU`, false, sequence, 10);
    tlvs.push({ tag, value: frame.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return tlvs;
}
