// What Tidings (as SMSC) delivers to an ESME: receipts (the usual `id:… stat:…` text plus the standard TLVs) and MO.
import { Cmd, EsmClass, Tag, type Pdu } from '../channels/smpp/pdus.ts';
import { statState } from '../channels/smpp/status-map.ts';
import { cstringTlv, uintTlv } from '../channels/smpp/tlv.ts';
import { buildMessage } from '../channels/smpp/message.ts';
import type { MoForEsme, OwedReceipt } from '../store/repos/smpp-accounts.ts';
import { encodeGsm7 } from '../domain/text.ts';
import { packShortMessage } from './packed.ts';

/** Our final message status → the receipt's stat word (when the carrier gave none). */
const STAT_OF_STATUS = new Map<string, string>([
  ['delivered', 'DELIVRD'], ['undelivered', 'UNDELIV'], ['expired', 'EXPIRED'], ['rejected', 'REJECTD'], ['failed', 'UNDELIV'], ['excluded', 'REJECTD'],
]);

/** The stat word of a finished message: ours decides the outcome (a carrier's word only when it agrees). */
export function statOf(r: Pick<OwedReceipt, 'status' | 'stat'>): string {
  const ours = STAT_OF_STATUS.get(r.status) ?? 'UNKNOWN';
  return r.stat && statState(r.stat.toUpperCase()) === statState(ours) ? r.stat.toUpperCase() : ours;
}

/** YYMMDDhhmm in UTC, the date format of receipt texts (an ISO time read by position, anything else by its digits). */
function receiptDate(iso: string): string {
  if (iso.length >= 16 && iso[4] === '-' && iso[7] === '-' && iso[10] === 'T' && iso[13] === ':') {
    return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
  }
  return iso.replace(/\D/g, '').slice(2, 12);
}

/** Whether the ESME asked for this receipt: registered_delivery 1 = always, 2 = on failure only (SMPP 3.4 §5.2.17). */
export function receiptWanted(registeredDelivery: number, status: string): boolean {
  const kind = registeredDelivery & 0x03;
  return kind === 1 || (kind === 2 && status !== 'delivered');
}

/** The deliver_sm (sequence set by the sender) carrying the receipt of one submit; its text GSM-7 packed for an account that wants it. */
export function receiptPdu(r: OwedReceipt, packed = false): Pdu {
  const stat = statOf(r);
  const delivered = stat === 'DELIVRD' ? '001' : '000';
  const err = (r.err ?? (stat === 'DELIVRD' ? '000' : '001')).replace(/[^0-9A-Za-z]/g, '').slice(0, 3).padStart(3, '0');
  const text = `id:${r.reportedId} sub:001 dlvrd:${delivered} submit date:${receiptDate(r.submittedAt)} done date:${receiptDate(r.doneAt)} stat:${stat} err:${err} text:`;
  return {
    commandId: Cmd.deliver_sm, status: 0, sequence: 0,
    sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: r.destination.slice(0, 20),
    destAddrTon: 0, destAddrNpi: 0, destinationAddr: r.source.slice(0, 20),
    esmClass: EsmClass.deliveryReceipt, dataCoding: 0, shortMessage: packed ? packShortMessage(encodeGsm7(text), false) : Buffer.from(text, 'latin1'),
    tlvs: [cstringTlv(Tag.receipted_message_id, r.reportedId), uintTlv(Tag.message_state, statState(stat), 1)],
  };
}

/** The deliver_sm parts (sequences set by the sender) of an inbound message for an ESME: UDH-concatenated when long, GSM-7 packed when asked. */
export function moPdus(m: MoForEsme, ref: number, packed = false): Pdu[] {
  const { dataCoding, parts } = buildMessage(m.text, { concat: 'udh8', dataCoding: 0, ref: ref & 0xff });
  return parts.map((part) => ({
    commandId: Cmd.deliver_sm, status: 0, sequence: 0,
    sourceAddrTon: m.from.startsWith('+') ? 1 : 0, sourceAddrNpi: 1, sourceAddr: m.from.replace(/^\+/, '').slice(0, 20),
    destAddrTon: 0, destAddrNpi: 0, destinationAddr: m.to.slice(0, 20),
    esmClass: part.esmClass, dataCoding,
    shortMessage: packed && dataCoding === 0 ? packShortMessage(part.shortMessage, (part.esmClass & EsmClass.udhi) !== 0) : part.shortMessage, tlvs: part.tlvs,
  }));
}
