// SGIP 1.2 PDU codec from the field tables of spec §4.2.3: a 20-octet header (length, command, 12-octet sequence)
// and fixed-width bodies. The decoder throws only PduError; an unknown command is fatal (the spec closes the
// connection on a command it cannot recognise, §3.7.2.4.2).
import { fieldsSize, readFields, writeFields, type FixedField } from '../session/fixed-fields.ts';
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
  [Cmd.submit, [
    ['spNumber', 'text', 21], ['chargeNumber', 'text', 21], ['userNumbers', 'list', 21], ['corpId', 'text', 5], ['serviceType', 'text', 10],
    ['feeType', 'u8'], ['feeValue', 'text', 6], ['givenValue', 'text', 6], ['agentFlag', 'u8'], ['moRelated', 'u8'], ['priority', 'u8'],
    ['expireTime', 'text', 16], ['scheduleTime', 'text', 16], ['reportFlag', 'u8'], ['tpPid', 'u8'], ['tpUdhi', 'u8'],
    ['messageCoding', 'u8'], ['messageType', 'u8'], ['content', 'content', 4], RESERVE,
  ]],
  [Cmd.submit_resp, RESULT],
  [Cmd.deliver, [['userNumber', 'text', 21], ['spNumber', 'text', 21], ['tpPid', 'u8'], ['tpUdhi', 'u8'], ['messageCoding', 'u8'], ['content', 'content', 4], RESERVE]],
  [Cmd.deliver_resp, RESULT],
  [Cmd.report, [
    ['submitNode', 'u32'], ['submitTime', 'u32'], ['submitSequence', 'u32'], ['reportType', 'u8'], ['userNumber', 'text', 21],
    ['state', 'u8'], ['errorCode', 'u8'], RESERVE,
  ]],
  [Cmd.report_resp, RESULT],
  [Cmd.userrpt, [['spNumber', 'text', 21], ['userNumber', 'text', 21], ['userCondition', 'u8'], RESERVE]],
  [Cmd.userrpt_resp, RESULT],
]);

function fieldsOf(p: SgipPdu): readonly Field[] {
  const fields = LAYOUTS.get(p.commandId);
  if (!fields) throw new PduError(`cannot encode ${commandName(p.commandId)}`);
  return fields;
}

/** Encodes a PDU; throws PduError for an unknown command or a field that does not fit. */
export function encodePdu(p: SgipPdu): Buffer {
  const fields = fieldsOf(p);
  const b = Buffer.allocUnsafe(HEADER_LENGTH + fieldsSize(p, fields));
  writePdu(p, fields, b, 0, b.length);
  return b;
}

/** Encodes a PDU into `buf` at `offset`; returns the end, or -1 (nothing written) when it does not fit. */
export function encodePduInto(p: SgipPdu, buf: Buffer, offset: number): number {
  const fields = fieldsOf(p);
  const size = HEADER_LENGTH + fieldsSize(p, fields);
  if (offset + size > buf.length) return -1;
  writePdu(p, fields, buf, offset, size);
  return offset + size;
}

function writePdu(p: SgipPdu, fields: readonly Field[], b: Buffer, start: number, size: number): void {
  b.writeUInt32BE(size, start);
  b.writeUInt32BE(p.commandId >>> 0, start + 4);
  b.writeUInt32BE(p.node >>> 0, start + 8);
  b.writeUInt32BE(p.time >>> 0, start + 12);
  b.writeUInt32BE(p.sequence >>> 0, start + 16);
  writeFields(p, fields, b, start + HEADER_LENGTH);
}

/** Decodes one frame; a body shorter than its fields, or an unknown command, is a fatal PduError. */
export function decodePdu(frame: Buffer): SgipPdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU of ${frame.length} octets is shorter than its header`, true);
  const commandId = frame.readUInt32BE(4);
  const p: SgipPdu = { commandId, node: frame.readUInt32BE(8), time: frame.readUInt32BE(12), sequence: frame.readUInt32BE(16) };
  const fields = LAYOUTS.get(commandId);
  if (!fields) throw new PduError(`unknown command ${commandName(commandId)}`, true, p.sequence);
  readFields(frame, HEADER_LENGTH, fields, p, cutShort);
  return p;
}

/** The error of a body cut short (fatal: the connection's framing cannot be trusted). */
function cutShort(what: string, p: SgipPdu): PduError {
  return new PduError(`${commandName(p.commandId)}: ${what} runs past the end of the PDU`, true, p.sequence);
}
