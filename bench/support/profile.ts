// A CPU profile of only the measured part of a scenario (TIDINGS_BENCH_CPU_PROFILE=<directory>), not its set-up: what
// `node --cpu-prof` gives, limited to the window the figures are taken over. Open the file in Chrome DevTools. With
// TIDINGS_BENCH_HEAP_PROFILE=1 as well, a sampled profile of every allocation in the window (collected or not) beside it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

/** Starts profiling this thread when TIDINGS_BENCH_CPU_PROFILE names a directory; stop() writes `<scenario>.cpuprofile` (and `.heapprofile`) there. */
export async function profileWindow(scenario: string): Promise<{ stop(): Promise<void> }> {
  const dir = process.env.TIDINGS_BENCH_CPU_PROFILE;
  if (!dir) return { stop: async () => undefined };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  const heap = Boolean(process.env.TIDINGS_BENCH_HEAP_PROFILE);
  if (heap) await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${scenario}.cpuprofile`), JSON.stringify(profile));
      if (heap) writeFileSync(path.join(dir, `${scenario}.heapprofile`), JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
      session.disconnect();
    },
  };
}
