// GSM-7 packed text for the ESMEs of accounts that ask for it: data_coding 0 carrying septets packed eight into seven
// octets (3GPP TS 23.038 §6.1.2.1) instead of one septet an octet (the default, as most SMPP peers send it).
import { decodeGsm7, packSeptets, unpackSeptets } from '../domain/text.ts';

/** The CR that fills seven spare bits at the end of packed octets, so they are not read as an '@' (23.038 §6.1.2.1.1). */
const CR = 0x0d;

/** Fill bits after a UDH of `udhOctets` so the first septet starts on a septet boundary (23.040 §9.2.3.24). */
function fillBitsAfter(udhOctets: number): number {
  return (7 - ((udhOctets * 8) % 7)) % 7;
}

/**
 * The text of packed user data (after a UDH of `udhOctets`, 0 when none): as many septets as the octets hold, less a
 * final CR ending on an octet boundary (it fills seven spare bits; a CR meant as text is sent twice there, 23.038).
 */
export function decodePacked(payload: Buffer, udhOctets = 0): string {
  const fill = fillBitsAfter(udhOctets);
  const count = Math.floor((payload.length * 8 - fill) / 7);
  let septets = unpackSeptets(payload, count, fill);
  if (count > 0 && (fill + count * 7) % 8 === 0 && septets[count - 1] === CR) {
    septets = septets.subarray(0, count - 1);
  }
  return decodeGsm7(septets);
}

/** Packs the unpacked septets of one short_message (after its UDH when `udhi`), filling seven spare bits with CR. */
export function packShortMessage(shortMessage: Buffer, udhi: boolean): Buffer {
  const udhOctets = udhi ? shortMessage[0] + 1 : 0;
  const fill = fillBitsAfter(udhOctets);
  let septets = shortMessage.subarray(udhOctets);
  if ((fill + septets.length * 7) % 8 === 1 || ((fill + septets.length * 7) % 8 === 0 && septets[septets.length - 1] === CR)) septets = Buffer.concat([septets, Buffer.from([CR])]);
  return Buffer.concat([shortMessage.subarray(0, udhOctets), packSeptets(septets, fill)]);
}
