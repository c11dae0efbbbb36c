// SMGP as seen by the generic session layer.
import type { WireProtocol } from '../session/protocol.ts';
import { HEADER_LENGTH, MAX_PDU_LENGTH, decodePdu, encodePdu, encodePduInto } from './codec.ts';
import { msgIdString } from './ids.ts';
import { Req, isResponseId, requestName, type SmgpPdu } from './pdus.ts';

/** One-line PDU summary for logs; the authenticator never appears. */
export function describePdu(p: SmgpPdu): string {
  let s = `${requestName(p.requestId)} seq=${p.sequence}`;
  if (p.status) s += ` status=${p.status}`;
  if (p.clientId) s += ` client_id=${p.clientId} authenticator=***`;
  if (p.destTermIds?.length) s += ` to=${p.destTermIds.join(',')}`;
  if (p.destTermId) s += ` to=${p.destTermId}`;
  if (p.srcTermId) s += ` from=${p.srcTermId}`;
  if (p.msgFormat !== undefined) s += ` fmt=${p.msgFormat}`;
  if (p.isReport) s += ' report';
  if (p.content) s += ` content=${p.content.length}B`;
  if (p.msgId) s += ` msg_id=${msgIdString(p.msgId)}`;
  return s;
}

/** SMGP 3.0.3 framing, sequence range and Active_Test keepalive for the session layer. */
export const smgpProtocol: WireProtocol<SmgpPdu> = {
  minLength: HEADER_LENGTH,
  maxLength: MAX_PDU_LENGTH,
  maxSequence: 0xffffffff,
  encode: encodePdu,
  encodeInto: encodePduInto,
  decode: decodePdu,
  isResponse: (p) => isResponseId(p.requestId),
  isResponseFrame: (buf, start) => isResponseId(buf.readUInt32BE(start + 4)),
  sequenceOf: (p) => p.sequence,
  keepalive: (sequence) => ({ requestId: Req.active_test, sequence }),
  describe: describePdu,
};
