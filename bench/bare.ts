// The reference: a minimal hand-written ESME using only the SMPP codec, no storage, keeping the window
// full and acknowledging every receipt. The full channel is measured against this.
import net from 'node:net';
import { decodePdu, encodePdu, HEADER_LENGTH, MAX_PDU_LENGTH } from '../src/channels/smpp/codec.ts';
import { Cmd, type Pdu } from '../src/channels/smpp/pdus.ts';
import { Framer } from '../src/channels/session/framer.ts';
import type { BenchContext, BenchResult } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, benchNumber, benchText, runAgainstSmsc } from './support/smsc.ts';

/** Sends ctx.messages through one transceiver bind with a full window; done when every receipt is in. */
function blast(port: number, messages: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const framer = new Framer(HEADER_LENGTH, MAX_PDU_LENGTH);
    let out: Buffer[] = [];
    let scheduled = false;
    let seq = 0;
    let sent = 0;
    let inFlight = 0;
    let receipts = 0;
    const write = (p: Pdu) => {
      out.push(encodePdu(p));
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          const batch = out;
          out = [];
          socket.write(batch.length === 1 ? batch[0] : Buffer.concat(batch));
        });
      }
    };
    const fill = () => {
      while (inFlight < BENCH_WINDOW && sent < messages) {
        write({
          commandId: Cmd.submit_sm, status: 0, sequence: ++seq,
          sourceAddrTon: 5, sourceAddr: '10690', destAddrTon: 1, destAddrNpi: 1, destinationAddr: benchNumber(sent),
          registeredDelivery: 1, shortMessage: Buffer.from(benchText(sent), 'latin1'),
        });
        sent++;
        inFlight++;
      }
    };
    const onPdu = (p: Pdu) => {
      if (p.commandId === Cmd.submit_sm_resp) {
        if (p.status !== 0) return reject(new Error(`submit refused: ${p.status}`));
        inFlight--;
        fill();
      } else if (p.commandId === Cmd.deliver_sm) {
        write({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: p.sequence, messageId: '' });
        if (++receipts === messages) {
          setImmediate(() => socket.end());
          resolve();
        }
      } else if (p.commandId === Cmd.bind_transceiver_resp) {
        if (p.status !== 0) return reject(new Error(`bind refused: ${p.status}`));
        fill();
      }
    };
    socket.on('data', (chunk: Buffer) => framer.push(chunk, (buf, start, end) => onPdu(decodePdu(buf.subarray(start, end)))));
    socket.on('error', reject);
    socket.on('connect', () => write({ commandId: Cmd.bind_transceiver, status: 0, sequence: ++seq, ...BENCH_ACCOUNT, interfaceVersion: 0x34 }));
  });
}

/** The 'bare' scenario (its perSecond is the reference of the others). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const result: BenchResult = await runAgainstSmsc('bare', ctx.messages, async (own) => own, (smsc) => blast(smsc.port, ctx.messages));
  return result;
}
