import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.ts';
import type { WireProtocol } from './protocol.ts';

/** A minimal length-prefixed protocol: [length u32][1 = response, 0 = request][sequence u32]. */
interface Frame {
  response: boolean;
  sequence: number;
}

const encode = (f: Frame): Buffer => {
  const b = Buffer.alloc(9);
  b.writeUInt32BE(9, 0);
  b[4] = f.response ? 1 : 0;
  b.writeUInt32BE(f.sequence, 5);
  return b;
};

const protocol: WireProtocol<Frame> = {
  minLength: 9,
  maxLength: 9,
  maxSequence: 0xffff,
  encode,
  decode: (b) => ({ response: b[4] === 1, sequence: b.readUInt32BE(5) }),
  isResponse: (f) => f.response,
  isResponseFrame: (buf, start) => buf[start + 4] === 1,
  sequenceOf: (f) => f.sequence,
  keepalive: (sequence) => ({ response: false, sequence }),
  describe: (f) => `${f.response ? 'response' : 'request'} ${f.sequence}`,
};

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * A client connection that refills its window when its request is answered; the peer answers it and sends a
 * request of its own in the same write. Resolves with how many writes the client had made when that request
 * reached it.
 */
async function writesBeforePeerRequest(eagerWrites: boolean): Promise<number> {
  const server = net.createServer((peer) => {
    peer.once('data', () => peer.write(Buffer.concat([encode({ response: true, sequence: 1 }), encode({ response: false, sequence: 100 })])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  await new Promise((resolve) => socket.once('connect', resolve));
  let writes = 0;
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  socket.write = ((chunk: Buffer) => (writes++, write(chunk))) as typeof socket.write;
  return new Promise((resolve) => {
    const conn = new Connection<Frame>(socket, protocol, { window: 10, responseTimeoutMs: 1000, keepaliveMs: 0, eagerWrites }, () => ({
      onRequest: () => resolve(writes),
      onBadPdu: () => undefined,
      onFree: () => undefined,
      onClose: () => undefined,
    }));
    closers.push(() => conn.close('test over'));
    conn.requestWith({ response: false, sequence: conn.nextSequence() }, {
      onResponse: () => conn.send({ response: false, sequence: conn.nextSequence() }), // the window refill
      onError: () => undefined,
    });
  });
}

describe('Connection writes', () => {
  it('with eager writes, sends the refill a response caused before handling the request behind it', async () => {
    expect(await writesBeforePeerRequest(true)).toBe(2);
  });

  it('otherwise batches what a turn queues into one write at its end', async () => {
    expect(await writesBeforePeerRequest(false)).toBe(1);
  });
});
