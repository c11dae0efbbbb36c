// SMGP as seen by the generic session layer.
import { gatewayProtocol } from '../session/china-gateway.ts';
import type { WireProtocol } from '../session/protocol.ts';
import { HEADER_LENGTH, MAX_PDU_LENGTH, decodePdu, encodePdu, encodePduInto } from './codec.ts';
import { msgIdString } from './ids.ts';
import { Req, requestName, type SmgpPdu } from './pdus.ts';

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
export const smgpProtocol: WireProtocol<SmgpPdu> = gatewayProtocol<SmgpPdu>((p) => p.requestId, {
  minLength: HEADER_LENGTH,
  maxLength: MAX_PDU_LENGTH,
  encode: encodePdu,
  encodeInto: encodePduInto,
  decode: decodePdu,
  keepalive: (sequence) => ({ requestId: Req.active_test, sequence }),
  describe: describePdu,
});
