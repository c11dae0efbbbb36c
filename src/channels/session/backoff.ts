// Exponential backoff with jitter for reconnects and retries.

/** Delay before attempt number `attempt` (0-based): min·2^attempt capped at max, then 50–100 % jitter. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.5 + random() * 0.5));
}
