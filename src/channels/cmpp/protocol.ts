// CMPP as seen by the generic session layer, one adapter per version.
import type { WireProtocol } from '../session/protocol.ts';
import { readU32 } from '../session/octets.ts';
import { decodePdu, encodePdu, encodePduInto, MAX_PDU_LENGTH } from './codec.ts';
import { Cmd, commandName, HEADER_LENGTH, isResponseId, Version, type CmppVersion, type Pdu } from './pdus.ts';

/** One-line PDU summary for logs; the authenticators never appear. */
export function describePdu(p: Pdu): string {
  let s = `${commandName(p.commandId)} seq=${p.sequence}`;
  if (p.sourceAddr) s += ` sp=${p.sourceAddr}`;
  if (p.version !== undefined) s += ` version=0x${p.version.toString(16)}`;
  if (p.status !== undefined) s += ` status=${p.status}`;
  if (p.result !== undefined) s += ` result=${p.result}`;
  if (p.msgId !== undefined) s += ` msg_id=${p.msgId}`;
  if (p.destTerminalIds) s += ` to=${p.destTerminalIds.join(',')}`;
  if (p.srcId) s += ` from=${p.srcId}`;
  if (p.srcTerminalId) s += ` from=${p.srcTerminalId}`;
  if (p.destId) s += ` to=${p.destId}`;
  if (p.msgFmt !== undefined) s += ` fmt=${p.msgFmt}`;
  if (p.pkTotal !== undefined && p.pkTotal > 1) s += ` part=${p.pkNumber}/${p.pkTotal}`;
  if (p.msgContent) s += ` content=${p.msgContent.length}B`;
  if (p.report) s += ` report=${p.report.msgId} ${p.report.stat}`;
  return s;
}

/** The session layer's view of CMPP in one version. */
export function cmppProtocol(version: CmppVersion): WireProtocol<Pdu> {
  return {
    minLength: HEADER_LENGTH,
    maxLength: MAX_PDU_LENGTH,
    maxSequence: 0x7fffffff,
    encode: (p) => encodePdu(p, version),
    encodeInto: (p, buf, offset) => encodePduInto(p, version, buf, offset),
    decode: (frame) => decodePdu(frame, version),
    isResponse: (p) => isResponseId(p.commandId),
    isResponseFrame: (buf, start) => isResponseId(readU32(buf, start + 4)),
    sequenceOf: (p) => p.sequence,
    keepalive: (sequence) => ({ commandId: Cmd.active_test, sequence }),
    describe: describePdu,
  };
}

/** Both versions' adapters, made once. */
export const cmppProtocols: Record<CmppVersion, WireProtocol<Pdu>> = {
  [Version.v30]: cmppProtocol(Version.v30),
  [Version.v20]: cmppProtocol(Version.v20),
};
