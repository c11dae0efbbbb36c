// The MD5 authenticators of CMPP_CONNECT (8.4.1): the SP proves it knows the shared secret, the gateway proves it back.
import { createHash } from 'node:crypto';

/** MMDDHHMMSS of `at` in China time (UTC+8, no daylight saving), as the integer CMPP_CONNECT carries. */
export function connectTimestamp(at: Date): number {
  const t = new Date(at.getTime() + 8 * 3600_000);
  return (((t.getUTCMonth() + 1) * 100 + t.getUTCDate()) * 100 + t.getUTCHours()) * 10_000 + t.getUTCMinutes() * 100 + t.getUTCSeconds();
}

/** AuthenticatorSource = MD5(Source_Addr + 9 zero octets + shared secret + timestamp as 10 digits). */
export function authenticatorSource(sourceAddr: string, secret: string, timestamp: number): Buffer {
  return createHash('md5')
    .update(Buffer.from(sourceAddr, 'latin1'))
    .update(Buffer.alloc(9))
    .update(Buffer.from(secret, 'latin1'))
    .update(String(timestamp).padStart(10, '0'), 'latin1')
    .digest();
}

/** AuthenticatorISMG = MD5(Status + AuthenticatorSource + shared secret); Status as wide as the version sends it (4 octets in 3.0, 1 in 2.0). */
export function authenticatorIsmg(status: number, statusWidth: 1 | 4, source: Buffer, secret: string): Buffer {
  const s = Buffer.alloc(statusWidth);
  if (statusWidth === 1) s[0] = status & 0xff;
  else s.writeUInt32BE(status >>> 0, 0);
  return createHash('md5').update(s).update(source).update(Buffer.from(secret, 'latin1')).digest();
}
