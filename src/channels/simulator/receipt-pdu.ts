// The delivery receipt a virtual handset sends back: vendor-style text plus the standard TLVs.
import { Cmd, EsmClass, Tag, type Pdu, type Tlv } from '../smpp/pdus.ts';
import { statState } from '../smpp/status-map.ts';
import { cstringTlv, uintTlv } from '../smpp/tlv.ts';
import { OUTCOME_STAT, type Outcome } from './config.ts';
import { minuteStamp } from './minute-stamp.ts';

/** What a receipt says about one submitted part. */
export interface ReceiptFacts {
  id: string;
  /** The handset (receipt source) and the original sender (receipt destination). */
  handset: string;
  sender: string;
  outcome: Outcome;
  submitAt: number;
  /** First characters of the original text (Latin-1 octets). */
  textStart: string;
}

/** YYMMDDhhmm in UTC. */
const stamp = minuteStamp(0);

const ERR: Record<Outcome, string> = { delivered: '000', undelivered: '001', expired: '027', rejected: '009', deleted: '002', unknown: '099' };

/** The deliver_sm (without sequence) carrying a receipt. */
export function receiptPdu(f: ReceiptFacts, withTlvs: boolean): Pdu {
  const stat = OUTCOME_STAT[f.outcome];
  const delivered = f.outcome === 'delivered' ? '001' : '000';
  const now = Date.now();
  const text = `id:${f.id} sub:001 dlvrd:${delivered} submit date:${stamp(f.submitAt)} done date:${stamp(now)} stat:${stat} err:${ERR[f.outcome]} text:${f.textStart}`;
  let tlvs: Tlv[] | undefined;
  if (withTlvs) {
    tlvs = [cstringTlv(Tag.receipted_message_id, f.id), uintTlv(Tag.message_state, statState(stat), 1)];
    if (f.outcome !== 'delivered') {
      const net = Buffer.from([3, 0, Number(ERR[f.outcome])]);
      tlvs.push({ tag: Tag.network_error_code, value: net });
    }
  }
  return {
    commandId: Cmd.deliver_sm,
    status: 0,
    sequence: 0,
    sourceAddrTon: 1,
    sourceAddrNpi: 1,
    sourceAddr: f.handset,
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: f.sender,
    esmClass: EsmClass.deliveryReceipt,
    shortMessage: Buffer.from(text, 'latin1'),
    tlvs,
  };
}
