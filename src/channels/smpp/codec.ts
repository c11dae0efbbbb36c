// Hand-written SMPP 3.4 PDU codec: one size pass, one allocation, one write pass per PDU.
// The decoder throws only PduError; octet strings (short_message, TLV values) are views into the frame.
import { PduError } from '../session/pdu-error.ts';
import { Cmd, Status, commandName, isResponseId, type Pdu, type Tlv } from './pdus.ts';

/** SMPP header size: command_length, command_id, command_status, sequence_number. */
export const HEADER_LENGTH = 16;
/** Largest PDU we accept (a 64 KiB message_payload plus fields fits); anything longer is garbage. */
export const MAX_PDU_LENGTH = 70_000;

type FieldKey = Exclude<keyof Pdu, 'commandId' | 'status' | 'sequence' | 'tlvs' | 'shortMessage'>;
/** A mandatory field: a u8, a C-octet string with its maximum size (NUL included), or sm_length + short_message. */
type Field = readonly [FieldKey, 'u8'] | readonly [FieldKey, 'c', number] | readonly ['shortMessage', 'sm'];

interface CommandSpec {
  fields: readonly Field[];
  tlvs: boolean;
}

const u8 = (key: FieldKey): Field => [key, 'u8'];
const c = (key: FieldKey, max: number): Field => [key, 'c', max];
const SM: Field = ['shortMessage', 'sm'];

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

/** Encodes a PDU into a fresh Buffer (missing request fields are written as 0 / empty); throws PduError on values that do not fit. */
export function encodePdu(p: Pdu): Buffer {
  const spec = SPECS.get(p.commandId);
  if (!spec) throw new PduError(`cannot encode unknown command ${commandName(p.commandId)}`);
  const omit = bodyOmitted(p, spec);
  let size = HEADER_LENGTH;
  if (!omit) {
    for (const f of spec.fields) {
      if (f[1] === 'u8') size += 1;
      else if (f[1] === 'c') {
        const v = (p[f[0]] as string | undefined) ?? '';
        if (v.length >= f[2]) fail(p, `${f[0]} longer than ${f[2] - 1}`);
        size += v.length + 1;
      } else {
        const sm = p.shortMessage ?? EMPTY_BUFFER;
        if (sm.length > 254) fail(p, 'short_message longer than 254 octets (use message_payload)');
        size += 1 + sm.length;
      }
    }
    if (p.tlvs) {
      if (!spec.tlvs && p.tlvs.length) fail(p, 'optional parameters not allowed');
      for (const t of p.tlvs) {
        if (t.value.length > 0xffff) fail(p, `TLV 0x${t.tag.toString(16)} too long`);
        size += 4 + t.value.length;
      }
    }
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32BE(size, 0);
  buf.writeUInt32BE(p.commandId, 4);
  buf.writeUInt32BE(p.status >>> 0, 8);
  buf.writeUInt32BE(p.sequence >>> 0, 12);
  if (omit) return buf;
  let off = HEADER_LENGTH;
  for (const f of spec.fields) {
    if (f[1] === 'u8') {
      buf[off++] = ((p[f[0]] as number | undefined) ?? 0) & 0xff;
    } else if (f[1] === 'c') {
      const v = (p[f[0]] as string | undefined) ?? '';
      off += buf.write(v, off, 'latin1');
      buf[off++] = 0;
    } else {
      const sm = p.shortMessage ?? EMPTY_BUFFER;
      buf[off++] = sm.length;
      off += sm.copy(buf, off);
    }
  }
  if (p.tlvs) {
    for (const t of p.tlvs) {
      buf.writeUInt16BE(t.tag, off);
      buf.writeUInt16BE(t.value.length, off + 2);
      off += 4 + t.value.copy(buf, off + 4);
    }
  }
  return buf;
}

/** Decodes one complete frame (command_length already checked by the framer); throws only PduError. */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) throw new PduError(`PDU shorter than its header (${frame.length} octets)`, true);
  const length = frame.readUInt32BE(0);
  if (length !== frame.length) throw new PduError(`command_length ${length} but frame has ${frame.length} octets`, true);
  const p: Pdu = { commandId: frame.readUInt32BE(4), status: frame.readUInt32BE(8), sequence: frame.readUInt32BE(12) };
  const spec = SPECS.get(p.commandId);
  if (!spec) throw new PduError(`unknown command_id ${commandName(p.commandId)}`, false, p.sequence, Status.ESME_RINVCMDID);
  const end = frame.length;
  let off = HEADER_LENGTH;
  if (off === end) return p; // header-only PDU (or a response whose error status omits the body)
  const target = p as unknown as Record<string, unknown>;
  for (const f of spec.fields) {
    if (off >= end) fail(p, `body ends before ${f[0]}`);
    if (f[1] === 'u8') {
      target[f[0]] = frame[off++];
    } else if (f[1] === 'c') {
      const nul = frame.indexOf(0, off);
      if (nul < 0) fail(p, `${f[0]} is not NUL-terminated`);
      target[f[0]] = frame.toString('latin1', off, nul);
      off = nul + 1;
    } else {
      const len = frame[off++];
      if (off + len > end) fail(p, `sm_length ${len} exceeds the PDU`);
      p.shortMessage = frame.subarray(off, off + len);
      off += len;
    }
  }
  if (off < end) {
    if (!spec.tlvs) fail(p, `${end - off} unexpected octets after the body`);
    p.tlvs = decodeTlvs(p, frame, off, end);
  }
  return p;
}

function decodeTlvs(p: Pdu, frame: Buffer, start: number, end: number): Tlv[] {
  const tlvs: Tlv[] = [];
  let off = start;
  while (off < end) {
    if (off + 4 > end) fail(p, 'truncated optional parameter header');
    const tag = frame.readUInt16BE(off);
    const len = frame.readUInt16BE(off + 2);
    off += 4;
    if (off + len > end) fail(p, `optional parameter 0x${tag.toString(16)} length ${len} exceeds the PDU`);
    tlvs.push({ tag, value: frame.subarray(off, off + len) });
    off += len;
  }
  return tlvs;
}
