// MO blasted at the server through the virtual carrier's SMPP side (the 'services' and 'code-check' scenarios): rounds
// of one MO from each bench number, then a wait until the server has routed them (and, if asked, sent every reply).
import type { SimulatorChild } from '../../src/channels/simulator/child.ts';
import type { Db } from '../../src/store/database.ts';
import { benchNumber } from './smsc.ts';

/** How the MO go: `rounds` rounds of one MO from each of `numbers` numbers to `to`, the text of number i in round r from `text`. */
export interface MoBlast {
  numbers: number;
  rounds: number;
  to: string;
  text(i: number, round: number): string;
  /** Wait after each round until it is routed, as a person answers after the question (else only after the last). */
  waitEachRound: boolean;
  /** End only once every reply has gone to the carrier (else once every MO is routed: its replies are queued by then). */
  untilSent: boolean;
}

/** Resolves once at least `want` inbound messages are routed (no longer pending). */
async function routed(db: Db, want: number): Promise<void> {
  for (;;) {
    const r = await db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '<>', 'pending').executeTakeFirstOrThrow();
    if (Number(r.n) >= want) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Resolves once no message waits to be sent: every reply has gone to the carrier. */
async function answered(db: Db): Promise<void> {
  for (;;) {
    const r = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'queued').executeTakeFirstOrThrow();
    if (Number(r.n) === 0) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** Sends the MO of a blast through the SMSC and resolves once the server has routed all of them (and, `untilSent`, sent every reply). */
export async function blastMo(smsc: SimulatorChild, db: Db, blast: MoBlast): Promise<void> {
  for (let round = 0; round < blast.rounds; round++) {
    // one request per round: the measured process pays for the MO it receives, not for ordering them
    await smsc.sendMos(Array.from({ length: blast.numbers }, (_, i) => ({ from: benchNumber(i), to: blast.to, text: blast.text(i, round) })));
    if (blast.waitEachRound) await routed(db, blast.numbers * (round + 1));
  }
  await routed(db, blast.numbers * blast.rounds);
  if (blast.untilSent) await answered(db);
}
