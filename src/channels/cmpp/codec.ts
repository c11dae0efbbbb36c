// CMPP PDUs ↔ octets, for version 2.0 or 3.0 (they differ in the width of terminal ids, of Status / Result, and in
// the fields that end SUBMIT and DELIVER: LinkID in 3.0, Reserve in 2.0). Octet strings are padded with NULs;
// Msg_Content is a view into the frame.
import { readFixed, writeFixed } from '../session/china-gateway.ts';
import { readU32 } from '../session/octets.ts';
import { PduError } from '../session/pdu-error.ts';
import { Cmd, HEADER_LENGTH, Version, type CmppVersion, type Pdu, type StatusReport } from './pdus.ts';
import { readMsgId, writeMsgId } from './ids.ts';

/** Largest PDU we accept: a SUBMIT to 100 terminals with 255 octets of content fits; anything larger is garbage. */
export const MAX_PDU_LENGTH = 4096;

/** Octets of the version-dependent fields. */
interface Widths {
  terminal: number;
  /** Octets of CMPP_CONNECT_RESP's Status and of the Result of SUBMIT_RESP / DELIVER_RESP. */
  result: number;
  /** 3.0 has the terminal-type octets after Fee_terminal_Id, Dest_terminal_Id and Src_terminal_Id. */
  terminalTypes: boolean;
  /** LinkID (20) in 3.0, Reserve (8) in 2.0. */
  tail: number;
}

const WIDTHS: Record<CmppVersion, Widths> = {
  [Version.v30]: { terminal: 32, result: 4, terminalTypes: true, tail: 20 },
  [Version.v20]: { terminal: 21, result: 1, terminalTypes: false, tail: 8 },
};

/** Octets of a status report's content in CMPP_DELIVER. */
export function reportLength(version: CmppVersion): number {
  return 8 + 7 + 10 + 10 + WIDTHS[version].terminal + 4;
}

/** Sequential writer of fixed-width fields. */
class Writer {
  constructor(
    readonly buf: Buffer,
    public offset: number,
  ) {}

  u8(v: number | undefined): void {
    this.buf[this.offset++] = (v ?? 0) & 0xff;
  }

  u32(v: number | undefined): void {
    this.buf.writeUInt32BE((v ?? 0) >>> 0, this.offset);
    this.offset += 4;
  }

  /** A number field 1 or 4 octets wide. */
  uint(v: number | undefined, width: number): void {
    if (width === 1) this.u8(v);
    else this.u32(v);
  }

  /** An Octet String of exactly `width` octets, NUL-padded; longer values are refused. */
  str(v: string | undefined, width: number, field: string): void {
    writeFixed(this.buf, this.offset, v ?? '', width, field);
    this.offset += width;
  }

  bytes(b: Buffer | undefined, width: number): void {
    if (b) b.copy(this.buf, this.offset, 0, Math.min(width, b.length));
    if (!b || b.length < width) this.buf.fill(0, this.offset + (b ? b.length : 0), this.offset + width);
    this.offset += width;
  }

  /** A Msg_Id: its octets as read from the wire when the PDU carries them, else from its decimal. */
  msgId(id: string | undefined, octets?: Buffer): void {
    if (octets) octets.copy(this.buf, this.offset, 0, 8);
    else writeMsgId(this.buf, this.offset, id ?? '0');
    this.offset += 8;
  }
}

/** Sequential reader that refuses to run past the end (a PduError naming the field). */
class Reader {
  offset = HEADER_LENGTH;
  constructor(readonly buf: Buffer, private readonly sequence: number) {}

  need(n: number, field: string): void {
    if (this.offset + n > this.buf.length) throw new PduError(`PDU too short for ${field}`, false, this.sequence, 1);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.offset++];
  }

  uint(width: number, field: string): number {
    if (width === 1) return this.u8(field);
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** An Octet String up to its first NUL (Latin-1, lossless). */
  str(width: number, field: string): string {
    this.need(width, field);
    const start = this.offset;
    let end = start;
    const stop = start + width;
    while (end < stop && this.buf[end] !== 0) end++;
    this.offset = stop;
    return end === start ? '' : this.buf.toString('latin1', start, end);
  }

  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  msgId(field: string): string {
    this.need(8, field);
    const id = readMsgId(this.buf, this.offset);
    this.offset += 8;
    return id;
  }

  /** Whether `n` more octets remain (optional trailing fields). */
  has(n: number): boolean {
    return this.offset + n <= this.buf.length;
  }
}

/** Where a status report's fields start in a CMPP_DELIVER frame (from the frame's start), by version. */
const REPORT_OFFSET: Record<CmppVersion, number> = {
  [Version.v30]: HEADER_LENGTH + 8 + 21 + 10 + 3 + 32 + 1 + 2,
  [Version.v20]: HEADER_LENGTH + 8 + 21 + 10 + 3 + 21 + 2,
};

/**
 * The status report of a CMPP_DELIVER frame at octets [start, end) of `buf`, read straight from its octets (the hot
 * path of every message); null when the frame is not a DELIVER carrying a whole report.
 */
export function reportAt(buf: Buffer, start: number, end: number, version: CmppVersion): StatusReport | null {
  const at = start + REPORT_OFFSET[version];
  if (end - start < REPORT_OFFSET[version] || readU32(buf, start + 4) !== Cmd.deliver || buf[at - 2] !== 1 || buf[at - 1] < reportLength(version)) return null;
  if (at + reportLength(version) > end) return null;
  return reportFields(buf, at, WIDTHS[version]);
}

/** The fields of a status report whose octets (all of them present) start at `at`. */
function reportFields(buf: Buffer, at: number, w: Widths): StatusReport {
  return {
    msgId: readMsgId(buf, at),
    stat: readFixed(buf, at + 8, 7),
    submitTime: readFixed(buf, at + 15, 10),
    doneTime: readFixed(buf, at + 25, 10),
    destTerminalId: readFixed(buf, at + 35, w.terminal),
    smscSequence: readU32(buf, at + 35 + w.terminal),
  };
}

/** Body length of a PDU in a version. */
function bodyLength(p: Pdu, w: Widths): number {
  switch (p.commandId) {
    case Cmd.connect: return 6 + 16 + 1 + 4;
    case Cmd.connect_resp: return w.result + 16 + 1;
    case Cmd.submit: {
      const dests = p.destTerminalIds?.length ?? 0;
      return 8 + 4 + 10 + 1 + w.terminal + (w.terminalTypes ? 1 : 0) + 3 + 6 + 2 + 6 + 17 + 17 + 21 + 1 + dests * w.terminal + (w.terminalTypes ? 1 : 0) + 1 + (p.msgContent?.length ?? 0) + w.tail;
    }
    case Cmd.submit_resp:
    case Cmd.deliver_resp: return 8 + w.result;
    case Cmd.deliver: return 8 + 21 + 10 + 3 + w.terminal + (w.terminalTypes ? 1 : 0) + 2 + deliverContentLength(p, w) + w.tail;
    case Cmd.active_test_resp: return 1;
    default: return 0;
  }
}

function deliverContentLength(p: Pdu, w: Widths): number {
  return p.report ? 8 + 7 + 10 + 10 + w.terminal + 4 : (p.msgContent?.length ?? 0);
}

/** Encodes a PDU for a version; throws PduError for a field that does not fit. */
export function encodePdu(p: Pdu, version: CmppVersion): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_LENGTH + bodyLength(p, WIDTHS[version]));
  encodePduInto(p, version, buf, 0);
  return buf;
}

/** Encodes a PDU into `buf` at `offset`, returning the end offset, or -1 (nothing written) when it does not fit; throws like encodePdu. */
export function encodePduInto(p: Pdu, version: CmppVersion, buf: Buffer, offset: number): number {
  const w = WIDTHS[version];
  const length = HEADER_LENGTH + bodyLength(p, w);
  if (offset + length > buf.length) return -1;
  buf.writeUInt32BE(length, offset);
  buf.writeUInt32BE(p.commandId >>> 0, offset + 4);
  buf.writeUInt32BE(p.sequence >>> 0, offset + 8);
  const o = new Writer(buf, offset + HEADER_LENGTH);
  switch (p.commandId) {
    case Cmd.connect:
      o.str(p.sourceAddr, 6, 'Source_Addr');
      o.bytes(p.authenticatorSource, 16);
      o.u8(p.version);
      o.u32(p.timestamp);
      break;
    case Cmd.connect_resp:
      o.uint(p.status, w.result);
      o.bytes(p.authenticatorIsmg, 16);
      o.u8(p.version);
      break;
    case Cmd.submit: {
      const content = p.msgContent ?? Buffer.alloc(0);
      if (content.length > 255) throw new PduError(`Msg_Content of ${content.length} octets is longer than 255`);
      const dests = p.destTerminalIds ?? [];
      if (dests.length < 1 || dests.length > 99) throw new PduError(`DestUsr_tl ${dests.length} outside 1..99`);
      o.msgId(p.msgId);
      o.u8(p.pkTotal ?? 1);
      o.u8(p.pkNumber ?? 1);
      o.u8(p.registeredDelivery);
      o.u8(p.msgLevel);
      o.str(p.serviceId, 10, 'Service_Id');
      o.u8(p.feeUserType);
      o.str(p.feeTerminalId, w.terminal, 'Fee_terminal_Id');
      if (w.terminalTypes) o.u8(p.feeTerminalType);
      o.u8(p.tpPid);
      o.u8(p.tpUdhi);
      o.u8(p.msgFmt);
      o.str(p.msgSrc, 6, 'Msg_src');
      o.str(p.feeType, 2, 'FeeType');
      o.str(p.feeCode, 6, 'FeeCode');
      o.str(p.validTime, 17, 'ValId_Time');
      o.str(p.atTime, 17, 'At_Time');
      o.str(p.srcId, 21, 'Src_Id');
      o.u8(dests.length);
      for (const d of dests) o.str(d, w.terminal, 'Dest_terminal_Id');
      if (w.terminalTypes) o.u8(p.destTerminalType);
      o.u8(content.length);
      o.bytes(content, content.length);
      o.str(p.linkId, w.tail, w.tail === 20 ? 'LinkID' : 'Reserve');
      break;
    }
    case Cmd.submit_resp:
    case Cmd.deliver_resp:
      o.msgId(p.msgId, p.msgIdOctets);
      o.uint(p.result, w.result);
      break;
    case Cmd.deliver: {
      const contentLength = deliverContentLength(p, w);
      if (contentLength > 255) throw new PduError(`Msg_Content of ${contentLength} octets is longer than 255`);
      o.msgId(p.msgId);
      o.str(p.destId, 21, 'Dest_Id');
      o.str(p.serviceId, 10, 'Service_Id');
      o.u8(p.tpPid);
      o.u8(p.tpUdhi);
      o.u8(p.msgFmt);
      o.str(p.srcTerminalId, w.terminal, 'Src_terminal_Id');
      if (w.terminalTypes) o.u8(p.srcTerminalType);
      o.u8(p.report ? 1 : 0);
      o.u8(contentLength);
      if (p.report) writeReport(o, p.report, w);
      else o.bytes(p.msgContent, contentLength);
      o.str(p.linkId, w.tail, w.tail === 20 ? 'LinkID' : 'Reserved');
      break;
    }
    case Cmd.active_test_resp:
      o.u8(0);
      break;
  }
  return offset + length;
}

function writeReport(o: Writer, r: StatusReport, w: Widths): void {
  o.msgId(r.msgId);
  o.str(r.stat, 7, 'Stat');
  o.str(r.submitTime, 10, 'Submit_time');
  o.str(r.doneTime, 10, 'Done_time');
  o.str(r.destTerminalId, w.terminal, 'Dest_terminal_Id');
  o.u32(r.smscSequence);
}

/**
 * Decodes one frame (length prefix included) for a version. A CONNECT_RESP is read by its length (30 octets: a
 * 2.0 gateway, 33: 3.0), so a gateway answering in the other version is still understood. Unknown commands decode
 * to their header. Throws PduError (not fatal) for a body too short for its command.
 */
export function decodePdu(frame: Buffer, version: CmppVersion): Pdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than the header`, true);
  const commandId = frame.readUInt32BE(4);
  const sequence = frame.readUInt32BE(8);
  const w = WIDTHS[version];
  const p: Pdu = { commandId, sequence };
  const r = new Reader(frame, sequence);
  switch (commandId) {
    case Cmd.connect:
      p.sourceAddr = r.str(6, 'Source_Addr');
      p.authenticatorSource = Buffer.from(r.bytes(16, 'AuthenticatorSource'));
      p.version = r.u8('Version');
      p.timestamp = r.uint(4, 'Timestamp');
      break;
    case Cmd.connect_resp:
      p.status = r.uint(frame.length === HEADER_LENGTH + 1 + 16 + 1 ? 1 : 4, 'Status');
      p.authenticatorIsmg = Buffer.from(r.bytes(16, 'AuthenticatorISMG'));
      p.version = r.u8('Version');
      break;
    case Cmd.submit: {
      p.msgId = r.msgId('Msg_Id');
      p.pkTotal = r.u8('Pk_total');
      p.pkNumber = r.u8('Pk_number');
      p.registeredDelivery = r.u8('Registered_Delivery');
      p.msgLevel = r.u8('Msg_level');
      p.serviceId = r.str(10, 'Service_Id');
      p.feeUserType = r.u8('Fee_UserType');
      p.feeTerminalId = r.str(w.terminal, 'Fee_terminal_Id');
      if (w.terminalTypes) p.feeTerminalType = r.u8('Fee_terminal_type');
      p.tpPid = r.u8('TP_pId');
      p.tpUdhi = r.u8('TP_udhi');
      p.msgFmt = r.u8('Msg_Fmt');
      p.msgSrc = r.str(6, 'Msg_src');
      p.feeType = r.str(2, 'FeeType');
      p.feeCode = r.str(6, 'FeeCode');
      p.validTime = r.str(17, 'ValId_Time');
      p.atTime = r.str(17, 'At_Time');
      p.srcId = r.str(21, 'Src_Id');
      const n = r.u8('DestUsr_tl');
      p.destTerminalIds = [];
      for (let i = 0; i < n; i++) p.destTerminalIds.push(r.str(w.terminal, 'Dest_terminal_Id'));
      if (w.terminalTypes) p.destTerminalType = r.u8('Dest_terminal_type');
      p.msgContent = r.bytes(r.u8('Msg_Length'), 'Msg_Content');
      p.linkId = r.has(w.tail) ? r.str(w.tail, 'LinkID') : '';
      break;
    }
    case Cmd.submit_resp:
    case Cmd.deliver_resp:
      p.msgId = r.msgId('Msg_Id');
      p.result = r.uint(frame.length - r.offset >= 4 ? 4 : 1, 'Result');
      break;
    case Cmd.deliver: {
      if (r.has(8)) p.msgIdOctets = Buffer.from(frame.subarray(r.offset, r.offset + 8));
      p.msgId = r.msgId('Msg_Id');
      p.destId = r.str(21, 'Dest_Id');
      p.serviceId = r.str(10, 'Service_Id');
      p.tpPid = r.u8('TP_pid');
      p.tpUdhi = r.u8('TP_udhi');
      p.msgFmt = r.u8('Msg_Fmt');
      p.srcTerminalId = r.str(w.terminal, 'Src_terminal_Id');
      if (w.terminalTypes) p.srcTerminalType = r.u8('Src_terminal_type');
      p.registeredDelivery = r.u8('Registered_Delivery');
      const length = r.u8('Msg_Length');
      if (p.registeredDelivery === 1 && length >= reportLength(version)) {
        r.need(reportLength(version), 'the status report');
        p.report = reportFields(frame, r.offset, w);
        r.offset += length;
      } else {
        p.msgContent = r.bytes(length, 'Msg_Content');
      }
      p.linkId = r.has(w.tail) ? r.str(w.tail, 'LinkID') : '';
      break;
    }
  }
  return p;
}
