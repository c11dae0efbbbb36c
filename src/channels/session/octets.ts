// Big-endian 32-bit integers read and written octet by octet: the hot paths of the gateway codecs, where the Buffer
// methods' bounds checks and argument handling cost more than the four octets themselves.

/** The big-endian u32 at `off` (the caller has checked the length). */
export function readU32(b: Buffer, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** Writes `v` as a big-endian u32 at `off` (the value taken modulo 2^32). */
export function writeU32(b: Buffer, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = v >>> 16;
  b[off + 2] = v >>> 8;
  b[off + 3] = v;
}
