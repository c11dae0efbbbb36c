/** What the runner hands every scenario. */
export interface BenchContext {
  /** How many messages or rows a scenario works through (TIDINGS_BENCH_MESSAGES overrides the default 200,000). */
  messages: number;
  /** The perSecond of the `bare` reference, measured once per run and shared. */
  reference(): Promise<number>;
}
