// SMPP as seen by the generic session layer.
import type { WireProtocol } from '../session/protocol.ts';
import { HEADER_LENGTH, MAX_PDU_LENGTH, decodePdu, encodePdu, encodePduInto, readU32 } from './codec.ts';
import { Cmd, commandName, isResponseId, statusName, type Pdu } from './pdus.ts';

/** One-line PDU summary for logs; the password never appears. */
export function describePdu(p: Pdu): string {
  let s = `${commandName(p.commandId)} seq=${p.sequence}`;
  if (p.status) s += ` status=${statusName(p.status)}`;
  if (p.systemId) s += ` system_id=${p.systemId}`;
  if (p.password !== undefined) s += ' password=***';
  if (p.destinationAddr) s += ` to=${p.destinationAddr}`;
  if (p.sourceAddr) s += ` from=${p.sourceAddr}`;
  if (p.dataCoding !== undefined) s += ` dc=${p.dataCoding}`;
  if (p.esmClass) s += ` esm=0x${p.esmClass.toString(16)}`;
  if (p.shortMessage) s += ` sm=${p.shortMessage.length}B`;
  if (p.messageId) s += ` id=${p.messageId}`;
  return s;
}

/** SMPP 3.4 framing, sequence range and keepalive for the session layer. */
export const smppProtocol: WireProtocol<Pdu> = {
  minLength: HEADER_LENGTH,
  maxLength: MAX_PDU_LENGTH,
  maxSequence: 0x7fffffff,
  encode: encodePdu,
  encodeInto: encodePduInto,
  decode: decodePdu,
  isResponse: (p) => isResponseId(p.commandId),
  isResponseFrame: (buf, start) => isResponseId(readU32(buf, start + 4)),
  sequenceOf: (p) => p.sequence,
  keepalive: (sequence) => ({ commandId: Cmd.enquire_link, status: 0, sequence }),
  describe: describePdu,
};
