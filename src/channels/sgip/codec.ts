// SGIP 1.2 PDU codec from the field tables of spec §4.2.3: a 20-octet header (length, command, 12-octet sequence)
// and fixed-width bodies (Submit and Report, once per message each, written and read straight-line; the others from
// their field tables). The decoder throws only PduError; an unknown command is fatal (the spec closes the
// connection on a command it cannot recognise, §3.7.2.4.2).
import { readFixed, writeFixed } from '../session/china-gateway.ts';
import { fieldsSize, readFields, writeFields, type FixedField } from '../session/fixed-fields.ts';
import { readU32, writeU32 } from '../session/octets.ts';
import { PduError } from '../session/pdu-error.ts';
import { Cmd, commandName, type SgipPdu } from './pdus.ts';

/** Header: Message Length, Command ID, Sequence Number (node, time, counter). */
export const HEADER_LENGTH = 20;
/** Largest PDU accepted (a Submit to 100 numbers with a long content fits); anything longer is garbage. */
export const MAX_PDU_LENGTH = 4096;

type Field = FixedField<Exclude<keyof SgipPdu, 'commandId' | 'node' | 'time' | 'sequence'>>;

const RESERVE: Field = ['', 'reserve', 8];
const RESULT: readonly Field[] = [['result', 'u8'], RESERVE];

const LAYOUTS = new Map<number, readonly Field[]>([
  [Cmd.bind, [['loginType', 'u8'], ['loginName', 'text', 16], ['loginPassword', 'text', 16], RESERVE]],
  [Cmd.bind_resp, RESULT],
  [Cmd.unbind, []],
  [Cmd.unbind_resp, []],
  [Cmd.submit_resp, RESULT],
  [Cmd.deliver, [['userNumber', 'text', 21], ['spNumber', 'text', 21], ['tpPid', 'u8'], ['tpUdhi', 'u8'], ['messageCoding', 'u8'], ['content', 'content', 4], RESERVE]],
  [Cmd.deliver_resp, RESULT],
  [Cmd.report_resp, RESULT],
  [Cmd.userrpt, [['spNumber', 'text', 21], ['userNumber', 'text', 21], ['userCondition', 'u8'], RESERVE]],
  [Cmd.userrpt_resp, RESULT],
]);

/** Octets of a Submit's body before its UserNumbers (SPNumber, ChargeNumber, UserCount) and between them and MessageContent. */
const SUBMIT_HEAD = 21 + 21 + 1;
const SUBMIT_MIDDLE = 5 + 10 + 1 + 6 + 6 + 1 + 1 + 1 + 16 + 16 + 1 + 1 + 1 + 1 + 1 + 4;
/** Octets of a Report's body. */
const REPORT_BODY = 4 + 4 + 4 + 1 + 21 + 1 + 1 + 8;
const EMPTY = Buffer.alloc(0);

/** Size of a PDU; throws PduError for an unknown command or a Submit that cannot be encoded. */
function sizeOf(p: SgipPdu): number {
  switch (p.commandId) {
    case Cmd.submit: {
      const users = p.userNumbers?.length ?? 0;
      if (users > 100) throw new PduError(`userNumbers: ${users} numbers (at most 100)`);
      return HEADER_LENGTH + SUBMIT_HEAD + 21 * users + SUBMIT_MIDDLE + (p.content?.length ?? 0) + 8;
    }
    case Cmd.report: return HEADER_LENGTH + REPORT_BODY;
    default: {
      const fields = LAYOUTS.get(p.commandId);
      if (!fields) throw new PduError(`cannot encode ${commandName(p.commandId)}`);
      return HEADER_LENGTH + fieldsSize(p, fields);
    }
  }
}

/** Encodes a PDU; throws PduError for an unknown command or a field that does not fit. */
export function encodePdu(p: SgipPdu): Buffer {
  const size = sizeOf(p);
  const b = Buffer.allocUnsafe(size);
  writePdu(p, b, 0, size);
  return b;
}

/** Encodes a PDU into `buf` at `offset`; returns the end, or -1 (nothing written) when it does not fit. */
export function encodePduInto(p: SgipPdu, buf: Buffer, offset: number): number {
  const size = sizeOf(p);
  if (offset + size > buf.length) return -1;
  writePdu(p, buf, offset, size);
  return offset + size;
}

function writePdu(p: SgipPdu, b: Buffer, start: number, size: number): void {
  writeU32(b, start, size);
  writeU32(b, start + 4, p.commandId);
  writeU32(b, start + 8, p.node);
  writeU32(b, start + 12, p.time);
  writeU32(b, start + 16, p.sequence);
  const body = start + HEADER_LENGTH;
  if (p.commandId === Cmd.submit) writeSubmit(p, b, body);
  else if (p.commandId === Cmd.report) writeReport(p, b, body);
  else writeFields(p, LAYOUTS.get(p.commandId)!, b, body);
}

/** The Submit body (§4.2.3.3), the hot path: straight-line writes, no field table. */
function writeSubmit(p: SgipPdu, b: Buffer, start: number): void {
  let off = start;
  writeFixed(b, off, p.spNumber ?? '', 21, 'spNumber'); off += 21;
  writeFixed(b, off, p.chargeNumber ?? '', 21, 'chargeNumber'); off += 21;
  const users = p.userNumbers ?? [];
  b[off++] = users.length;
  for (const n of users) {
    writeFixed(b, off, n, 21, 'userNumbers');
    off += 21;
  }
  writeFixed(b, off, p.corpId ?? '', 5, 'corpId'); off += 5;
  writeFixed(b, off, p.serviceType ?? '', 10, 'serviceType'); off += 10;
  b[off++] = p.feeType ?? 0;
  writeFixed(b, off, p.feeValue ?? '', 6, 'feeValue'); off += 6;
  writeFixed(b, off, p.givenValue ?? '', 6, 'givenValue'); off += 6;
  b[off++] = p.agentFlag ?? 0;
  b[off++] = p.moRelated ?? 0;
  b[off++] = p.priority ?? 0;
  writeFixed(b, off, p.expireTime ?? '', 16, 'expireTime'); off += 16;
  writeFixed(b, off, p.scheduleTime ?? '', 16, 'scheduleTime'); off += 16;
  b[off++] = p.reportFlag ?? 0;
  b[off++] = p.tpPid ?? 0;
  b[off++] = p.tpUdhi ?? 0;
  b[off++] = p.messageCoding ?? 0;
  b[off++] = p.messageType ?? 0;
  const content = p.content ?? EMPTY;
  writeU32(b, off, content.length);
  off += 4 + content.copy(b, off + 4);
  b.fill(0, off, off + 8);
}

/** The Report body (§4.2.3.5): the Submit's sequence number, ReportType, UserNumber, State, ErrorCode, Reserve. */
function writeReport(p: SgipPdu, b: Buffer, off: number): void {
  writeU32(b, off, p.submitNode ?? 0);
  writeU32(b, off + 4, p.submitTime ?? 0);
  writeU32(b, off + 8, p.submitSequence ?? 0);
  b[off + 12] = p.reportType ?? 0;
  writeFixed(b, off + 13, p.userNumber ?? '', 21, 'userNumber');
  b[off + 34] = p.state ?? 0;
  b[off + 35] = p.errorCode ?? 0;
  b.fill(0, off + 36, off + 44);
}

/** Decodes one frame; a body shorter than its fields, or an unknown command, is a fatal PduError. */
export function decodePdu(frame: Buffer): SgipPdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than its header`, true);
  const commandId = readU32(frame, 4);
  const node = readU32(frame, 8);
  const time = readU32(frame, 12);
  const sequence = readU32(frame, 16);
  if (commandId === Cmd.submit) return decodeSubmit(frame, commandId, node, time, sequence);
  if (commandId === Cmd.report) return decodeReport(frame, commandId, node, time, sequence);
  const fields = LAYOUTS.get(commandId);
  if (!fields) throw new PduError(`unknown command ${commandName(commandId)}`, true, sequence);
  if (fields === RESULT) {
    // every response (one per Submit, one per Report): Result, Reserve
    if (frame.length < HEADER_LENGTH + 9) throw cutShortOf(commandId, sequence, 'Result');
    return { commandId, node, time, sequence, result: frame[HEADER_LENGTH] };
  }
  const p: SgipPdu = { commandId, node, time, sequence };
  readFields(frame, HEADER_LENGTH, fields, p, cutShort);
  return p;
}

/** A Submit read into locals, then one object literal with every field (no property added one by one). */
function decodeSubmit(frame: Buffer, commandId: number, node: number, time: number, sequence: number): SgipPdu {
  const length = frame.length;
  let off = HEADER_LENGTH;
  if (off + SUBMIT_HEAD > length) throw cutShortOf(commandId, sequence, 'the Submit before UserNumber');
  const spNumber = readFixed(frame, off, 21); off += 21;
  const chargeNumber = readFixed(frame, off, 21); off += 21;
  const users = frame[off++];
  if (off + 21 * users + SUBMIT_MIDDLE > length) throw cutShortOf(commandId, sequence, 'the Submit before MessageContent');
  const userNumbers = new Array<string>(users);
  for (let i = 0; i < users; i++, off += 21) userNumbers[i] = readFixed(frame, off, 21);
  const corpId = readFixed(frame, off, 5); off += 5;
  const serviceType = readFixed(frame, off, 10); off += 10;
  const feeType = frame[off++];
  const feeValue = readFixed(frame, off, 6); off += 6;
  const givenValue = readFixed(frame, off, 6); off += 6;
  const agentFlag = frame[off++];
  const moRelated = frame[off++];
  const priority = frame[off++];
  const expireTime = readFixed(frame, off, 16); off += 16;
  const scheduleTime = readFixed(frame, off, 16); off += 16;
  const reportFlag = frame[off++];
  const tpPid = frame[off++];
  const tpUdhi = frame[off++];
  const messageCoding = frame[off++];
  const messageType = frame[off++];
  const n = readU32(frame, off); off += 4;
  if (off + n + 8 > length) throw cutShortOf(commandId, sequence, 'MessageContent');
  const content = frame.subarray(off, off + n);
  return {
    commandId, node, time, sequence, spNumber, chargeNumber, userNumbers, corpId, serviceType, feeType, feeValue, givenValue,
    agentFlag, moRelated, priority, expireTime, scheduleTime, reportFlag, tpPid, tpUdhi, messageCoding, messageType, content,
  };
}

/** A Report read straight from its octets. */
function decodeReport(frame: Buffer, commandId: number, node: number, time: number, sequence: number): SgipPdu {
  const off = HEADER_LENGTH;
  if (off + REPORT_BODY > frame.length) throw cutShortOf(commandId, sequence, 'the Report');
  return {
    commandId, node, time, sequence, submitNode: readU32(frame, off), submitTime: readU32(frame, off + 4), submitSequence: readU32(frame, off + 8),
    reportType: frame[off + 12], userNumber: readFixed(frame, off + 13, 21), state: frame[off + 34], errorCode: frame[off + 35],
  };
}

/** The error of a body cut short (fatal: the connection's framing cannot be trusted). */
function cutShort(what: string, p: SgipPdu): PduError {
  return cutShortOf(p.commandId, p.sequence, what);
}

function cutShortOf(commandId: number, sequence: number, what: string): PduError {
  return new PduError(`${commandName(commandId)}: ${what} runs past the end of the PDU`, true, sequence);
}
