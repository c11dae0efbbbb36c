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
  return Buffer.from(`${gateway}${stamp}${String(serial % 1_000_000).padStart(6, '0')}`, 'hex');
}
