// The concatenation user-data header of GSM 03.40 (9.2.3.24.1 / .8): shared by every protocol that sends
// long messages as TP_udhi + UDH (SMPP esm_class 0x40, CMPP / SGIP / SMGP TP_udhi = 1).

/** Where a part sits in its concatenated message. */
export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
}

/** The concatenation UDH: IEI 0x00 (8-bit reference) or 0x08 (16-bit reference). */
export function concatUdh(info: ConcatInfo, ref16: boolean): Buffer {
  return ref16
    ? Buffer.from([6, 0x08, 4, (info.ref >> 8) & 0xff, info.ref & 0xff, info.total, info.seq])
    : Buffer.from([5, 0x00, 3, info.ref & 0xff, info.total, info.seq]);
}

/** Splits user data that starts with a UDH into the payload after it and the concatenation info it carries (null when none, or when it is inconsistent). */
export function readConcatUdh(data: Buffer): { payload: Buffer; concat: ConcatInfo | null } {
  if (data.length === 0) return { payload: data, concat: null };
  const udhl = data[0];
  let concat: ConcatInfo | null = null;
  let off = 1;
  while (off + 2 <= 1 + udhl && off + 2 <= data.length) {
    const iei = data[off];
    const iel = data[off + 1];
    const ie = data.subarray(off + 2, off + 2 + iel);
    if (iei === 0x00 && ie.length === 3) concat = { ref: ie[0], total: ie[1], seq: ie[2] };
    else if (iei === 0x08 && ie.length === 4) concat = { ref: ie.readUInt16BE(0), total: ie[2], seq: ie[3] };
    off += 2 + iel;
  }
  if (concat && (concat.total < 1 || concat.seq < 1 || concat.seq > concat.total)) concat = null;
  return { payload: data.subarray(Math.min(data.length, 1 + udhl)), concat };
}
