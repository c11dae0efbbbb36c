// Hand-written SMPP 3.4 PDU codec: one size pass, one allocation, one write pass per PDU.
// The decoder throws only PduError; octet strings (short_message, TLV values) are views into the frame.
import { PduError } from '../session/pdu-error.ts';
import { Cmd, Status, commandName, isResponseId, type DestAddress, type Pdu, type Tlv, type UnsuccessSme } from './pdus.ts';

/** SMPP header size: command_length, command_id, command_status, sequence_number. */
export const HEADER_LENGTH = 16;
/** Largest PDU we accept (a 64 KiB message_payload plus fields fits); anything longer is garbage. */
export const MAX_PDU_LENGTH = 70_000;

type FieldKey = Exclude<keyof Pdu, 'commandId' | 'status' | 'sequence' | 'tlvs' | 'shortMessage' | 'destAddresses' | 'unsuccessSme'>;
/**
 * A mandatory field: a u8, a C-octet string with its maximum size (NUL included), sm_length + short_message, or a
 * submit_multi's counted list (number_of_dests + dest_address, no_unsuccess + unsuccess_sme).
 */
type Field = readonly [FieldKey, 'u8'] | readonly [FieldKey, 'c', number] | readonly ['shortMessage', 'sm']
  | readonly ['destAddresses', 'dests'] | readonly ['unsuccessSme', 'unsuccess'];

interface CommandSpec {
  fields: readonly Field[];
  tlvs: boolean;
}

const u8 = (key: FieldKey): Field => [key, 'u8'];
const c = (key: FieldKey, max: number): Field => [key, 'c', max];
const SM: Field = ['shortMessage', 'sm'];
const DESTS: Field = ['destAddresses', 'dests'];
const UNSUCCESS: Field = ['unsuccessSme', 'unsuccess'];
/** Most destinations (and refusals) one submit_multi carries: number_of_dests is a u8, 254 at most (SMPP 3.4 §4.5.1). */
export const MAX_DESTS = 254;

const BIND: CommandSpec = {
  fields: [c('systemId', 16), c('password', 9), c('systemType', 13), u8('interfaceVersion'), u8('addrTon'), u8('addrNpi'), c('addressRange', 41)],
  tlvs: false,
};
const BIND_RESP: CommandSpec = { fields: [c('systemId', 16)], tlvs: true };
const EMPTY: CommandSpec = { fields: [], tlvs: false };
const MESSAGE_ID: CommandSpec = { fields: [c('messageId', 65)], tlvs: false };
const SHORT_MESSAGE: CommandSpec = {
  fields: [
    c('serviceType', 6), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 21),
    u8('destAddrTon'), u8('destAddrNpi'), c('destinationAddr', 21),
    u8('esmClass'), u8('protocolId'), u8('priorityFlag'), c('scheduleDeliveryTime', 17), c('validityPeriod', 17),
    u8('registeredDelivery'), u8('replaceIfPresentFlag'), u8('dataCoding'), u8('smDefaultMsgId'), SM,
  ],
  tlvs: true,
};

const SPECS = new Map<number, CommandSpec>([
  [Cmd.generic_nack, EMPTY],
  [Cmd.bind_receiver, BIND],
  [Cmd.bind_transmitter, BIND],
  [Cmd.bind_transceiver, BIND],
  [Cmd.bind_receiver_resp, BIND_RESP],
  [Cmd.bind_transmitter_resp, BIND_RESP],
  [Cmd.bind_transceiver_resp, BIND_RESP],
  [Cmd.outbind, { fields: [c('systemId', 16), c('password', 9)], tlvs: false }],
  [Cmd.unbind, EMPTY],
  [Cmd.unbind_resp, EMPTY],
  [Cmd.enquire_link, EMPTY],
  [Cmd.enquire_link_resp, EMPTY],
  [Cmd.submit_sm, SHORT_MESSAGE],
  [Cmd.submit_sm_resp, MESSAGE_ID],
  [Cmd.deliver_sm, SHORT_MESSAGE],
  [Cmd.deliver_sm_resp, MESSAGE_ID],
  [Cmd.submit_multi, {
    fields: [
      c('serviceType', 6), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 21), DESTS,
      u8('esmClass'), u8('protocolId'), u8('priorityFlag'), c('scheduleDeliveryTime', 17), c('validityPeriod', 17),
      u8('registeredDelivery'), u8('replaceIfPresentFlag'), u8('dataCoding'), u8('smDefaultMsgId'), SM,
    ],
    tlvs: true,
  }],
  [Cmd.submit_multi_resp, { fields: [c('messageId', 65), UNSUCCESS], tlvs: false }],
  [Cmd.data_sm, {
    fields: [
      c('serviceType', 6), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 65),
      u8('destAddrTon'), u8('destAddrNpi'), c('destinationAddr', 65), u8('esmClass'), u8('registeredDelivery'), u8('dataCoding'),
    ],
    tlvs: true,
  }],
  [Cmd.data_sm_resp, { fields: [c('messageId', 65)], tlvs: true }],
  [Cmd.query_sm, { fields: [c('messageId', 65), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 21)], tlvs: false }],
  [Cmd.query_sm_resp, { fields: [c('messageId', 65), c('finalDate', 17), u8('messageState'), u8('errorCode')], tlvs: false }],
  [Cmd.cancel_sm, {
    fields: [c('serviceType', 6), c('messageId', 65), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 21), u8('destAddrTon'), u8('destAddrNpi'), c('destinationAddr', 21)],
    tlvs: false,
  }],
  [Cmd.cancel_sm_resp, EMPTY],
  [Cmd.replace_sm, {
    fields: [
      c('messageId', 65), u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 21),
      c('scheduleDeliveryTime', 17), c('validityPeriod', 17), u8('registeredDelivery'), u8('smDefaultMsgId'), SM,
    ],
    tlvs: false,
  }],
  [Cmd.replace_sm_resp, EMPTY],
  [Cmd.alert_notification, {
    fields: [u8('sourceAddrTon'), u8('sourceAddrNpi'), c('sourceAddr', 65), u8('esmeAddrTon'), u8('esmeAddrNpi'), c('esmeAddr', 65)],
    tlvs: true,
  }],
]);

/** Command ids this codec knows. */
export const KNOWN_COMMANDS: readonly number[] = [...SPECS.keys()];

/** Whether a command carries optional parameters after its mandatory fields. */
export function commandHasTlvs(commandId: number): boolean {
  return SPECS.get(commandId)?.tlvs ?? false;
}

const EMPTY_BUFFER = Buffer.alloc(0);

/** A response with an error status may omit its body; so may we. */
function bodyOmitted(p: Pdu, spec: CommandSpec): boolean {
  return p.status !== 0 && isResponseId(p.commandId) && spec.fields.length > 0 && p[spec.fields[0][0]] === undefined && !p.tlvs?.length;
}

function fail(p: Pdu, message: string): never {
  throw new PduError(`${commandName(p.commandId)}: ${message}`, false, p.sequence, Status.ESME_RINVMSGLEN);
}

function checkC(p: Pdu, name: string, value: string, max: number): number {
  if (value.length >= max) fail(p, `${name} longer than ${max - 1}`);
  return value.length + 1;
}

/** Writes a C-octet string (Latin-1: the low byte of each UTF-16 unit, as buf.write(…, 'latin1') does) and its NUL. */
function writeC(buf: Buffer, off: number, value: string): number {
  // mandatory fields are at most 64 characters: a loop beats buf.write's argument handling
  const n = value.length;
  for (let i = 0; i < n; i++) buf[off++] = value.charCodeAt(i) & 0xff;
  buf[off] = 0;
  return off + 1;
}

function tlvSize(p: Pdu): number {
  let size = 0;
  if (p.tlvs) {
    for (const t of p.tlvs) {
      if (t.value.length > 0xffff) fail(p, `TLV 0x${t.tag.toString(16)} too long`);
      if (!(t.tag >= 0 && t.tag <= 0xffff)) fail(p, `TLV tag ${t.tag} outside 0..0xffff`);
      size += 4 + t.value.length;
    }
  }
  return size;
}

function writeTlvs(p: Pdu, buf: Buffer, off: number): void {
  if (!p.tlvs) return;
  for (const t of p.tlvs) {
    buf[off] = t.tag >>> 8;
    buf[off + 1] = t.tag;
    buf[off + 2] = t.value.length >>> 8;
    buf[off + 3] = t.value.length;
    buf.set(t.value, off + 4);
    off += 4 + t.value.length;
  }
}

function u32(buf: Buffer, off: number, value: number): void {
  buf[off] = value >>> 24;
  buf[off + 1] = value >>> 16;
  buf[off + 2] = value >>> 8;
  buf[off + 3] = value;
}

function writeHeader(p: Pdu, buf: Buffer, off: number, size: number): void {
  u32(buf, off, size);
  u32(buf, off + 4, p.commandId);
  u32(buf, off + 8, p.status >>> 0);
  u32(buf, off + 12, p.sequence >>> 0);
}

function header(p: Pdu, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  writeHeader(p, buf, 0, size);
  return buf;
}

/** Size of a submit_sm / deliver_sm; throws PduError on values that do not fit. */
function shortMessageSize(p: Pdu): number {
  const sm = p.shortMessage ?? EMPTY_BUFFER;
  if (sm.length > 254) fail(p, 'short_message longer than 254 octets (use message_payload)');
  return HEADER_LENGTH + 12 + sm.length + tlvSize(p)
    + checkC(p, 'serviceType', p.serviceType ?? '', 6) + checkC(p, 'sourceAddr', p.sourceAddr ?? '', 21)
    + checkC(p, 'destinationAddr', p.destinationAddr ?? '', 21)
    + checkC(p, 'scheduleDeliveryTime', p.scheduleDeliveryTime ?? '', 17) + checkC(p, 'validityPeriod', p.validityPeriod ?? '', 17);
}

/** submit_sm / deliver_sm, the hot path: straight-line writes of a PDU of `size` octets at `start`. */
function writeShortMessage(p: Pdu, buf: Buffer, start: number, size: number): void {
  const sm = p.shortMessage ?? EMPTY_BUFFER;
  writeHeader(p, buf, start, size);
  let off = writeC(buf, start + HEADER_LENGTH, p.serviceType ?? '');
  buf[off++] = (p.sourceAddrTon ?? 0) & 0xff;
  buf[off++] = (p.sourceAddrNpi ?? 0) & 0xff;
  off = writeC(buf, off, p.sourceAddr ?? '');
  buf[off++] = (p.destAddrTon ?? 0) & 0xff;
  buf[off++] = (p.destAddrNpi ?? 0) & 0xff;
  off = writeC(buf, off, p.destinationAddr ?? '');
  buf[off++] = (p.esmClass ?? 0) & 0xff;
  buf[off++] = (p.protocolId ?? 0) & 0xff;
  buf[off++] = (p.priorityFlag ?? 0) & 0xff;
  off = writeC(buf, off, p.scheduleDeliveryTime ?? '');
  off = writeC(buf, off, p.validityPeriod ?? '');
  buf[off++] = (p.registeredDelivery ?? 0) & 0xff;
  buf[off++] = (p.replaceIfPresentFlag ?? 0) & 0xff;
  buf[off++] = (p.dataCoding ?? 0) & 0xff;
  buf[off++] = (p.smDefaultMsgId ?? 0) & 0xff;
  buf[off++] = sm.length;
  buf.set(sm, off);
  writeTlvs(p, buf, off + sm.length);
}

/** submit_sm_resp / deliver_sm_resp without TLVs (once per message each way): its size, or 0 when it takes the generic path. */
function messageIdSize(p: Pdu, spec: CommandSpec): number {
  if (spec !== MESSAGE_ID || p.tlvs?.length || bodyOmitted(p, spec)) return 0;
  return HEADER_LENGTH + checkC(p, 'messageId', p.messageId ?? '', 65);
}

/**
 * Encodes a PDU straight into `buf` at `offset` (the connection's write buffer: no Buffer per PDU); returns the
 * offset after it, or -1 when it does not fit (nothing written). Throws PduError like encodePdu, before writing.
 */
export function encodePduInto(p: Pdu, buf: Buffer, offset: number): number {
  const spec = SPECS.get(p.commandId);
  let size: number;
  if (spec === SHORT_MESSAGE) {
    size = shortMessageSize(p);
    if (offset + size > buf.length) return -1;
    writeShortMessage(p, buf, offset, size);
    return offset + size;
  }
  if (spec && (size = messageIdSize(p, spec)) > 0) {
    if (offset + size > buf.length) return -1;
    writeHeader(p, buf, offset, size);
    writeC(buf, offset + HEADER_LENGTH, p.messageId ?? '');
    return offset + size;
  }
  const bytes = encodePdu(p);
  if (offset + bytes.length > buf.length) return -1;
  buf.set(bytes, offset);
  return offset + bytes.length;
}

/** Encodes a PDU into a fresh Buffer (missing request fields are written as 0 / empty); throws PduError on values that do not fit. */
export function encodePdu(p: Pdu): Buffer {
  const spec = SPECS.get(p.commandId);
  if (!spec) throw new PduError(`cannot encode unknown command ${commandName(p.commandId)}`);
  if (spec === SHORT_MESSAGE) {
    const size = shortMessageSize(p);
    const buf = Buffer.allocUnsafe(size);
    writeShortMessage(p, buf, 0, size);
    return buf;
  }
  const idSize = messageIdSize(p, spec);
  if (idSize > 0) {
    const buf = header(p, idSize);
    writeC(buf, HEADER_LENGTH, p.messageId ?? '');
    return buf;
  }
  if (bodyOmitted(p, spec)) return header(p, HEADER_LENGTH);
  if (p.tlvs?.length && !spec.tlvs) fail(p, 'optional parameters not allowed');
  const target = p as unknown as Record<string, unknown>;
  let size = HEADER_LENGTH + tlvSize(p);
  for (const f of spec.fields) {
    if (f[1] === 'u8') size += 1;
    else if (f[1] === 'c') size += checkC(p, f[0], (target[f[0]] as string | undefined) ?? '', f[2]);
    else if (f[1] === 'dests') size += destsSize(p);
    else if (f[1] === 'unsuccess') size += unsuccessSize(p);
    else size += 1 + (p.shortMessage?.length ?? 0);
  }
  if ((p.shortMessage?.length ?? 0) > 254) fail(p, 'short_message longer than 254 octets (use message_payload)');
  const buf = header(p, size);
  let off = HEADER_LENGTH;
  for (const f of spec.fields) {
    if (f[1] === 'u8') {
      buf[off++] = ((target[f[0]] as number | undefined) ?? 0) & 0xff;
    } else if (f[1] === 'c') {
      off = writeC(buf, off, (target[f[0]] as string | undefined) ?? '');
    } else if (f[1] === 'dests') {
      off = writeDests(p.destAddresses ?? [], buf, off);
    } else if (f[1] === 'unsuccess') {
      off = writeUnsuccess(p.unsuccessSme ?? [], buf, off);
    } else {
      const sm = p.shortMessage ?? EMPTY_BUFFER;
      buf[off++] = sm.length;
      off += sm.copy(buf, off);
    }
  }
  writeTlvs(p, buf, off);
  return buf;
}

/** Size of number_of_dests and the dest_address list of a submit_multi. */
function destsSize(p: Pdu): number {
  const dests = p.destAddresses ?? [];
  if (dests.length > MAX_DESTS) fail(p, `more than ${MAX_DESTS} destinations`);
  let size = 1;
  for (const d of dests) size += d.flag === 1 ? 3 + checkC(p, 'destinationAddr', d.address, 21) : 1 + checkC(p, 'dlName', d.dlName, 21);
  return size;
}

function writeDests(dests: readonly DestAddress[], buf: Buffer, off: number): number {
  buf[off++] = dests.length;
  for (const d of dests) {
    buf[off++] = d.flag;
    if (d.flag === 2) {
      off = writeC(buf, off, d.dlName);
      continue;
    }
    buf[off++] = d.ton & 0xff;
    buf[off++] = d.npi & 0xff;
    off = writeC(buf, off, d.address);
  }
  return off;
}

/** Size of no_unsuccess and the unsuccess_sme list of a submit_multi_resp. */
function unsuccessSize(p: Pdu): number {
  const list = p.unsuccessSme ?? [];
  if (list.length > MAX_DESTS) fail(p, `more than ${MAX_DESTS} unsuccessful destinations`);
  let size = 1;
  for (const u of list) size += 6 + checkC(p, 'destinationAddr', u.address, 21);
  return size;
}

function writeUnsuccess(list: readonly UnsuccessSme[], buf: Buffer, off: number): number {
  buf[off++] = list.length;
  for (const u of list) {
    buf[off++] = u.ton & 0xff;
    buf[off++] = u.npi & 0xff;
    off = writeC(buf, off, u.address);
    u32(buf, off, u.errorStatusCode >>> 0);
    off += 4;
  }
  return off;
}

/** A big-endian u32 at `off` (the caller has checked the length). */
export function readU32(frame: Buffer, off: number): number {
  return ((frame[off] << 24) | (frame[off + 1] << 16) | (frame[off + 2] << 8) | frame[off + 3]) >>> 0;
}

/** Read cursor of the decoder (decoding is synchronous, so one module-level cursor serves every call). */
let cur = 0;

function readU8(frame: Buffer, p: Pdu, name: string): number {
  if (cur >= frame.length) fail(p, `body ends before ${name}`);
  return frame[cur++];
}

function readC(frame: Buffer, p: Pdu, name: string): string {
  const end = frame.length;
  if (cur >= end) fail(p, `body ends before ${name}`);
  let nul = cur;
  while (nul < end && frame[nul] !== 0) nul++;
  if (nul === end) fail(p, `${name} is not NUL-terminated`);
  const value = nul === cur ? '' : frame.toString('latin1', cur, nul);
  cur = nul + 1;
  return value;
}

function readSm(frame: Buffer, p: Pdu): Buffer {
  const len = readU8(frame, p, 'sm_length');
  if (cur + len > frame.length) fail(p, `sm_length ${len} exceeds the PDU`);
  const sm = frame.subarray(cur, cur + len);
  cur += len;
  return sm;
}

function readDests(frame: Buffer, p: Pdu): DestAddress[] {
  const n = readU8(frame, p, 'number_of_dests');
  const dests: DestAddress[] = [];
  for (let i = 0; i < n; i++) {
    const flag = readU8(frame, p, 'dest_flag');
    if (flag === 1) {
      const ton = readU8(frame, p, 'dest_addr_ton');
      const npi = readU8(frame, p, 'dest_addr_npi');
      dests.push({ flag, ton, npi, address: readC(frame, p, 'destination_addr') });
    } else if (flag === 2) {
      dests.push({ flag, dlName: readC(frame, p, 'dl_name') });
    } else {
      throw new PduError(`${commandName(p.commandId)}: dest_flag ${flag} of destination ${i + 1} is neither 1 (SME address) nor 2 (distribution list)`, false, p.sequence, Status.ESME_RINVDESTFLAG);
    }
  }
  return dests;
}

function readUnsuccess(frame: Buffer, p: Pdu): UnsuccessSme[] {
  const n = readU8(frame, p, 'no_unsuccess');
  const list: UnsuccessSme[] = [];
  for (let i = 0; i < n; i++) {
    const ton = readU8(frame, p, 'dest_addr_ton');
    const npi = readU8(frame, p, 'dest_addr_npi');
    const address = readC(frame, p, 'destination_addr');
    if (cur + 4 > frame.length) fail(p, 'body ends before error_status_code');
    const errorStatusCode = readU32(frame, cur);
    cur += 4;
    list.push({ ton, npi, address, errorStatusCode });
  }
  return list;
}

/**
 * submit_sm / deliver_sm, the hot path: straight-line reads into locals, then one object literal with every field
 * (adding fields one by one to a smaller object would regrow its property storage several times per PDU).
 */
function decodeShortMessage(frame: Buffer, head: Pdu): Pdu {
  const serviceType = readC(frame, head, 'service_type');
  const sourceAddrTon = readU8(frame, head, 'source_addr_ton');
  const sourceAddrNpi = readU8(frame, head, 'source_addr_npi');
  const sourceAddr = readC(frame, head, 'source_addr');
  const destAddrTon = readU8(frame, head, 'dest_addr_ton');
  const destAddrNpi = readU8(frame, head, 'dest_addr_npi');
  const destinationAddr = readC(frame, head, 'destination_addr');
  const esmClass = readU8(frame, head, 'esm_class');
  const protocolId = readU8(frame, head, 'protocol_id');
  const priorityFlag = readU8(frame, head, 'priority_flag');
  const scheduleDeliveryTime = readC(frame, head, 'schedule_delivery_time');
  const validityPeriod = readC(frame, head, 'validity_period');
  const registeredDelivery = readU8(frame, head, 'registered_delivery');
  const replaceIfPresentFlag = readU8(frame, head, 'replace_if_present_flag');
  const dataCoding = readU8(frame, head, 'data_coding');
  const smDefaultMsgId = readU8(frame, head, 'sm_default_msg_id');
  const shortMessage = readSm(frame, head);
  return {
    commandId: head.commandId, status: head.status, sequence: head.sequence,
    serviceType, sourceAddrTon, sourceAddrNpi, sourceAddr, destAddrTon, destAddrNpi, destinationAddr,
    esmClass, protocolId, priorityFlag, scheduleDeliveryTime, validityPeriod,
    registeredDelivery, replaceIfPresentFlag, dataCoding, smDefaultMsgId, shortMessage,
  };
}

/** Decodes one complete frame (command_length already checked by the framer); throws only PduError. */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU shorter than its header (${frame.length} octets)`, true);
  const length = readU32(frame, 0);
  if (length !== frame.length) throw new PduError(`command_length ${length} but frame has ${frame.length} octets`, true);
  const commandId = readU32(frame, 4);
  const spec = SPECS.get(commandId);
  const end = frame.length;
  const status = readU32(frame, 8);
  const sequence = readU32(frame, 12);
  if (!spec) throw new PduError(`unknown command_id ${commandName(commandId)}`, false, sequence, Status.ESME_RINVCMDID);
  if (spec === MESSAGE_ID && end > HEADER_LENGTH) {
    // the usual submit_sm_resp / deliver_sm_resp, a message_id filling the body: one object (anything else takes the generic path)
    let nul = HEADER_LENGTH;
    while (nul < end && frame[nul] !== 0) nul++;
    if (nul === end - 1) return { commandId, status, sequence, messageId: nul === HEADER_LENGTH ? '' : frame.toString('latin1', HEADER_LENGTH, nul) };
  }
  let p: Pdu = { commandId, status, sequence };
  if (end === HEADER_LENGTH) return p; // header-only PDU (or a response whose error status omits the body)
  cur = HEADER_LENGTH;
  if (spec === SHORT_MESSAGE) {
    p = decodeShortMessage(frame, p);
  } else {
    const target = p as unknown as Record<string, unknown>;
    for (const f of spec.fields) {
      if (f[1] === 'u8') target[f[0]] = readU8(frame, p, f[0]);
      else if (f[1] === 'c') target[f[0]] = readC(frame, p, f[0]);
      else if (f[1] === 'dests') p.destAddresses = readDests(frame, p);
      else if (f[1] === 'unsuccess') p.unsuccessSme = readUnsuccess(frame, p);
      else p.shortMessage = readSm(frame, p);
    }
  }
  if (cur < end) {
    if (!spec.tlvs) fail(p, `${end - cur} unexpected octets after the body`);
    p.tlvs = decodeTlvs(p, frame, cur, end);
  }
  return p;
}

function decodeTlvs(p: Pdu, frame: Buffer, start: number, end: number): Tlv[] {
  const tlvs: Tlv[] = [];
  let off = start;
  while (off < end) {
    if (off + 4 > end) fail(p, 'truncated optional parameter header');
    const tag = (frame[off] << 8) | frame[off + 1];
    const len = (frame[off + 2] << 8) | frame[off + 3];
    off += 4;
    if (off + len > end) fail(p, `optional parameter 0x${tag.toString(16)} length ${len} exceeds the PDU`);
    tlvs.push({ tag, value: frame.subarray(off, off + len) });
    off += len;
  }
  return tlvs;
}
