// SGIP as seen by the generic session layer: the counter part of the 12-octet sequence matches responses; there is
// no keepalive (connections are opened when needed and closed when idle, §3.1).
import { gatewayProtocol } from '../session/china-gateway.ts';
import type { WireProtocol } from '../session/protocol.ts';
import { HEADER_LENGTH, MAX_PDU_LENGTH, decodePdu, encodePdu, encodePduInto } from './codec.ts';
import { sequenceId } from './ids.ts';
import { Cmd, commandName, type SgipPdu } from './pdus.ts';

/** One-line PDU summary for logs; the password never appears. */
export function describePdu(p: SgipPdu): string {
  let s = `${commandName(p.commandId)} seq=${sequenceId(p)}`;
  if (p.result) s += ` result=${p.result}`;
  if (p.loginName) s += ` login=${p.loginName} type=${p.loginType} password=***`;
  if (p.userNumbers?.length) s += ` to=${p.userNumbers.join(',')}`;
  if (p.userNumber) s += ` user=${p.userNumber}`;
  if (p.spNumber) s += ` sp=${p.spNumber}`;
  if (p.messageCoding !== undefined) s += ` coding=${p.messageCoding}`;
  if (p.content) s += ` content=${p.content.length}B`;
  if (p.submitSequence !== undefined) s += ` submit=${sequenceId({ node: p.submitNode ?? 0, time: p.submitTime ?? 0, sequence: p.submitSequence })} state=${p.state} err=${p.errorCode}`;
  return s;
}

/** SGIP 1.2 framing for the session layer. */
export const sgipProtocol: WireProtocol<SgipPdu> = gatewayProtocol<SgipPdu>((p) => p.commandId, {
  minLength: HEADER_LENGTH,
  maxLength: MAX_PDU_LENGTH,
  encode: encodePdu,
  encodeInto: encodePduInto,
  decode: decodePdu,
  // never sent (SGIP has none; connections run with keepaliveMs 0): an Unbind is the closest thing
  keepalive: (sequence) => ({ commandId: Cmd.unbind, node: 0, time: 0, sequence }),
  describe: describePdu,
});

/** The answer to a request: the same sequence number, and a Result where the response has one. */
export function answer(req: SgipPdu, commandId: number, result?: number): SgipPdu {
  const { node, time, sequence } = req;
  return result === undefined ? { commandId, node, time, sequence } : { commandId, node, time, sequence, result };
}
