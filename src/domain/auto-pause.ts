// The auto-pause rule of a campaign as plain data (no zod), so the console's builder can import it too.

/** Default auto-pause: more than half of at least 200 finished messages failed. */
export const defaultAutoPause = { failureRate: 0.5, minSample: 200 };

/** The bounds of a campaign's own auto-pause rule: the failure rate (0–1) and the finished messages it needs first. */
export const autoPauseBounds = { failureRate: { min: 0, max: 1 }, minSample: { min: 10, max: 100_000 } };
