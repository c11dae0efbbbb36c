import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.ts';
import type { WireProtocol } from './protocol.ts';

/** A minimal length-prefixed protocol: [length u32][1 = response, 0 = request][sequence u32]. */
interface Frame {
  response: boolean;
  sequence: number;
}

const encodeInto = (f: Frame, b: Buffer, offset: number): number => {
  if (offset + 9 > b.length) return -1;
  b.writeUInt32BE(9, offset);
  b[offset + 4] = f.response ? 1 : 0;
  b.writeUInt32BE(f.sequence, offset + 5);
  return offset + 9;
};
const encode = (f: Frame): Buffer => {
  const b = Buffer.alloc(9);
  encodeInto(f, b, 0);
  return b;
};

const protocol: WireProtocol<Frame> = {
  minLength: 9,
  maxLength: 9,
  maxSequence: 0xffff,
  encode,
  encodeInto,
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
 * A client connection that queues `refill` requests when its request is answered; the peer answers it and sends a
 * request of its own in the same write. Resolves with how many writes the client had made when that request
 * reached it.
 */
async function writesBeforePeerRequest(eagerWrites: boolean, refill: number): Promise<number> {
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
      onResponse: () => {
        for (let i = 0; i < refill; i++) conn.send({ response: false, sequence: conn.nextSequence() });
      },
      onError: () => undefined,
    });
  });
}

describe('Connection writes', () => {
  it('with eager writes, sends the refill a response caused before handling the request behind it', async () => {
    expect(await writesBeforePeerRequest(true, 300)).toBe(2);
  });

  it('with eager writes, still spends no write on a few octets at such a switch', async () => {
    expect(await writesBeforePeerRequest(true, 1)).toBe(1);
  });

  it('otherwise batches what a turn queues into one write at its end', async () => {
    expect(await writesBeforePeerRequest(false, 300)).toBe(1);
  });
});

describe('Connection keepalive', () => {
  it('closes only after the allowed number of keepalives in a row went unanswered', async () => {
    let received = 0;
    const server = net.createServer((peer) => peer.on('data', (b) => (received += b.length / 9)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const conn = await Connection.open<Frame>('127.0.0.1', (server.address() as net.AddressInfo).port, protocol,
      { window: 10, responseTimeoutMs: 40, keepaliveMs: 20, keepaliveMisses: 3 }, () => ({
        onRequest: () => undefined, onBadPdu: () => undefined, onFree: () => undefined, onClose: () => undefined,
      }));
    closers.push(() => conn.close('test over'));
    const reason = await conn.closed;
    expect(reason).toBe('peer did not answer 3 keepalives in a row');
    expect(received).toBe(3);
  });
});
