// The reference: a minimal hand-written ESME using only the SMPP codec, no storage, keeping the window
// full and acknowledging every receipt. The full channel is measured against this.
import { Cmd, type Pdu } from '../src/channels/smpp/pdus.ts';
import { benchSubmit, openBind } from './support/bind.ts';
import type { BenchContext, BenchResult } from './support/context.ts';
import { BENCH_WINDOW, runAgainstSmsc } from './support/smsc.ts';

/** Sends ctx.messages through one transceiver bind with a full window; done when every receipt is in. */
function blast(port: number, messages: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let inFlight = 0;
    let receipts = 0;
    const fill = () => {
      while (inFlight < BENCH_WINDOW && sent < messages) {
        bind.write(benchSubmit(sent, bind.nextSequence()));
        sent++;
        inFlight++;
      }
    };
    const bind = openBind(port, (p: Pdu) => {
      if (p.commandId === Cmd.submit_sm_resp) {
        if (p.status !== 0) return reject(new Error(`submit refused: ${p.status}`));
        inFlight--;
        fill();
      } else if (p.commandId === Cmd.deliver_sm) {
        bind.write({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: p.sequence, messageId: '' });
        if (++receipts === messages) {
          bind.end();
          resolve();
        }
      } else if (p.commandId === Cmd.bind_transceiver_resp) {
        if (p.status !== 0) return reject(new Error(`bind refused: ${p.status}`));
        fill();
      }
    }, reject);
  });
}

/** The 'bare' scenario (its perSecond is the reference of the others). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const result: BenchResult = await runAgainstSmsc('bare', ctx.messages, async (own) => own, (smsc) => blast(smsc.port, ctx.messages));
  return result;
}
