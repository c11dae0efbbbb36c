// Reading and building the optional parameters (TLVs) we care about.
import type { Pdu, Tlv } from './pdus.ts';

/** The raw value of the first TLV with this tag. */
export function findTlv(p: Pdu, tag: number): Buffer | undefined {
  const tlvs = p.tlvs;
  if (!tlvs) return undefined;
  for (const t of tlvs) if (t.tag === tag) return t.value;
  return undefined;
}

/** A C-octet-string TLV value (trailing NULs dropped; tolerates a missing terminator). */
export function tlvString(p: Pdu, tag: number): string | undefined {
  const v = findTlv(p, tag);
  if (!v) return undefined;
  let end = v.length;
  while (end > 0 && v[end - 1] === 0) end--;
  return v.toString('latin1', 0, end);
}

/** An unsigned integer TLV value of 1, 2 or 4 octets. */
export function tlvUint(p: Pdu, tag: number): number | undefined {
  const v = findTlv(p, tag);
  if (!v || v.length === 0 || v.length > 4) return undefined;
  return v.readUIntBE(0, v.length);
}

/** A C-octet-string TLV. */
export function cstringTlv(tag: number, value: string): Tlv {
  const buf = Buffer.allocUnsafe(value.length + 1);
  buf.write(value, 0, 'latin1');
  buf[value.length] = 0;
  return { tag, value: buf };
}

/** An unsigned integer TLV of `size` octets. */
export function uintTlv(tag: number, value: number, size: 1 | 2 | 4): Tlv {
  const buf = Buffer.allocUnsafe(size);
  buf.writeUIntBE(value, 0, size);
  return { tag, value: buf };
}
