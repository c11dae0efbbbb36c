// SMGP's 10-octet BCD MsgID (SMGW code, MMDDHHMM, serial: spec §6.2.26) as a lossless string: its 20 nibbles in
// lower-case hex (the decimal digits themselves when it is clean BCD). Never a number.

/** Octets of a MsgID. */
export const MSG_ID_LENGTH = 10;

/** The canonical string of a 10-octet MsgID: 20 lower-case hex digits. */
export function msgIdString(octets: Buffer): string {
  return octets.toString('hex');
}

/** The MsgID of serial `serial` at `stamp` (MMDDHHMM) from SMGW `gateway` (6 digits): what a gateway issues. */
export function makeMsgId(gateway: string, stamp: string, serial: number): Buffer {
  const b = Buffer.allocUnsafe(MSG_ID_LENGTH);
  packDigits(b, 0, gateway, 6);
  packDigits(b, 3, stamp, 8);
  let n = serial % 1_000_000;
  for (let i = MSG_ID_LENGTH - 1; i >= 7; i--) {
    const low = n % 10;
    const high = ((n - low) / 10) % 10;
    b[i] = (high << 4) | low;
    n = (n - low - high * 10) / 100;
  }
  return b;
}

/** Packs the first `count` digits of `digits` two to an octet (BCD) at `off`. */
function packDigits(b: Buffer, off: number, digits: string, count: number): void {
  for (let i = 0; i < count; i += 2) b[off + i / 2] = ((digits.charCodeAt(i) - 48) << 4) | (digits.charCodeAt(i + 1) - 48);
}
