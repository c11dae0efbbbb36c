// One SMPP transceiver bind for the hand-written ESMEs of the benchmarks (bare, floor): PDUs written in one socket
// write per event-loop turn, PDUs read through the framer, bind_transceiver sent once connected.
import net from 'node:net';
import { decodePdu, encodePdu, HEADER_LENGTH, MAX_PDU_LENGTH } from '../../src/channels/smpp/codec.ts';
import { Cmd, type Pdu } from '../../src/channels/smpp/pdus.ts';
import { Framer } from '../../src/channels/session/framer.ts';
import { BENCH_ACCOUNT, benchNumber, benchText } from './smsc.ts';

/** A bind being opened: `write` queues a PDU, `nextSequence` numbers one, `end` closes the socket. */
export interface BenchBind { write(p: Pdu): void; nextSequence(): number; end(): void }

/** Connects to the SMSC on `port` and binds; every PDU read goes to `onPdu`, socket errors to `onError`. */
export function openBind(port: number, onPdu: (p: Pdu) => void, onError: (err: Error) => void): BenchBind {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const framer = new Framer(HEADER_LENGTH, MAX_PDU_LENGTH);
  let out: Buffer[] = [];
  let scheduled = false;
  let seq = 0;
  const bind: BenchBind = {
    write(p) {
      out.push(encodePdu(p));
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        const batch = out;
        out = [];
        socket.write(batch.length === 1 ? batch[0] : Buffer.concat(batch));
      });
    },
    nextSequence: () => ++seq,
    end: () => setImmediate(() => socket.end()),
  };
  socket.on('data', (chunk: Buffer) => framer.push(chunk, (buf, start, end) => onPdu(decodePdu(buf.subarray(start, end)))));
  socket.on('error', onError);
  socket.on('connect', () => bind.write({ commandId: Cmd.bind_transceiver, status: 0, sequence: bind.nextSequence(), ...BENCH_ACCOUNT, interfaceVersion: 0x34 }));
  return bind;
}

/** The submit_sm of benchmark message i (its number and text, a receipt asked for). */
export function benchSubmit(i: number, sequence: number): Pdu {
  return {
    commandId: Cmd.submit_sm, status: 0, sequence, sourceAddrTon: 5, sourceAddr: '10690', destAddrTon: 1, destAddrNpi: 1,
    destinationAddr: benchNumber(i), registeredDelivery: 1, shortMessage: Buffer.from(benchText(i), 'latin1'),
  };
}
