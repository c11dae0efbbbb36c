// What an ESME's submit_sm or data_sm asks for: addresses, the text of this part, its place in a long message.
import { decodeText, readUserData, type ConcatInfo } from '../channels/smpp/message.ts';
import { Status, Tag, type Pdu } from '../channels/smpp/pdus.ts';
import { findTlv } from '../channels/smpp/tlv.ts';
import { decodePacked } from './packed.ts';

/** One submitted part, decoded. */
export interface SubmitPart {
  source: string;
  destination: string;
  text: string;
  concat: ConcatInfo | null;
  registeredDelivery: number;
}

/** A submit refused before it reaches the send path: the command_status to answer and why (for the log). */
export interface SubmitRefusal { status: number; reason: string }

/** A destination with an international type of number (TON 1) or a 00 prefix gets its '+'; anything else is read in the tenant's country. */
function internationalOf(addr: string, ton: number): string {
  const a = addr.trim();
  if (a.startsWith('+')) return a;
  if (a.startsWith('00')) return `+${a.slice(2)}`;
  return ton === 1 ? `+${a}` : a;
}

/**
 * Decodes a submit_sm / data_sm part (short_message or message_payload; UDH or SAR concatenation; data_coding 0
 * GSM-7 — packed septets when the account says so, else one septet an octet —, 1 IA5, 3 Latin-1, 8 UCS-2 and the
 * data-coding-scheme groups) and checks what the account allows.
 */
export function readSubmit(p: Pdu, account: { sourceAddresses: readonly string[]; gsm7Packed: boolean }): SubmitPart | SubmitRefusal {
  const allowedSources = account.sourceAddresses;
  const source = p.sourceAddr ?? '';
  const destination = internationalOf(p.destinationAddr ?? '', p.destAddrTon ?? 0);
  if (allowedSources.length > 0 && !allowedSources.includes(source)) {
    return { status: Status.ESME_RINVSRCADR, reason: `source address ${JSON.stringify(source)} is not one this account may use` };
  }
  if (!destination) return { status: Status.ESME_RINVDSTADR, reason: 'destination_addr is empty' };
  const { payload, concat } = readUserData(p);
  const dataCoding = p.dataCoding ?? 0;
  if ((dataCoding === 8 || (dataCoding & 0xcc) === 0x08) && payload.length % 2 === 1) {
    return { status: Status.ESME_RINVMSGLEN, reason: 'UCS-2 text with an odd number of octets' };
  }
  let text: string;
  if (dataCoding === 0 && account.gsm7Packed) {
    const raw = p.shortMessage?.length ? p.shortMessage : (findTlv(p, Tag.message_payload) ?? payload);
    text = decodePacked(payload, raw.length - payload.length);
  } else {
    text = decodeText(payload, dataCoding);
  }
  if (!concat && text.length === 0) return { status: Status.ESME_RINVMSGLEN, reason: 'empty message' };
  return { source, destination, text, concat, registeredDelivery: p.registeredDelivery ?? 0 };
}
