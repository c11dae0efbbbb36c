// What the benchmark runner hands every scenario.

/** The runner's context: how many messages to send, and the memoised rate of the 'bare' reference. */
export interface BenchContext {
  /** Default 200000; TIDINGS_BENCH_MESSAGES overrides. */
  messages: number;
  /** perSecond of the 'bare' scenario, measured once per run. */
  reference(): Promise<number>;
}

/** The JSON line every SMPP scenario reports. */
export interface BenchResult extends Record<string, unknown> {
  scenario: string;
  messages: number;
  seconds: number;
  perSecond: number;
  referencePerSecond: number;
  ratio: number;
  peakRssMb: number;
  lost: number;
  duplicates: number;
  /** CPU time of this process (the ESME) per message, in microseconds. */
  cpuMicrosPerMessage: number;
  /** CPU time of the SMSC process per message, in microseconds. */
  smscCpuMicrosPerMessage: number;
}
