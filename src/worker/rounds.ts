// Background work repeated on a timer, never two rounds at once, stoppable with the last round awaited.

/** A running repetition: stop() ends the timer and waits for the round under way. */
export interface Rounds { stop(): Promise<void> }

/** Runs `work` every `everyMs` (and at once when `now`), each round after the previous one; failures go to `failed`. */
export function startRounds(everyMs: number, work: () => Promise<unknown>, failed: (err: unknown) => void, now = false): Rounds {
  let round: Promise<unknown> = Promise.resolve();
  const tick = () => { round = round.then(work).catch(failed); };
  if (now) tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { async stop() { clearInterval(timer); await round; } };
}
