// SMGP Login authenticators (spec §6.2.2, §6.2.7): the client's MD5 over ClientID, 7 zero octets, the shared secret
// and the MMDDHHMMSS timestamp; the server's MD5 over Status, the client's authenticator and the secret.
import { createHash } from 'node:crypto';

/** The protocol version we speak (ClientVersion 3.0). */
export const SMGP_VERSION = 0x30;

/** AuthenticatorClient for a login at `stamp` (MMDDHHMMSS). */
export function clientAuthenticator(clientId: string, secret: string, stamp: string): Buffer {
  return createHash('md5').update(Buffer.from(clientId, 'latin1')).update(Buffer.alloc(7)).update(Buffer.from(secret, 'latin1')).update(stamp, 'latin1').digest();
}

/** AuthenticatorServer the SMGW answers a login with. */
export function serverAuthenticator(status: number, client: Buffer, secret: string): Buffer {
  const s = Buffer.alloc(4);
  s.writeUInt32BE(status >>> 0);
  return createHash('md5').update(s).update(client).update(Buffer.from(secret, 'latin1')).digest();
}
