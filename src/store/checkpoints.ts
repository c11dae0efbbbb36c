// WAL checkpoints of a SQLite file on a thread of their own. In WAL mode a commit appends the pages it changed to the
// WAL; a checkpoint copies them back into the database file and syncs both files (synchronous = NORMAL). Run by the
// writer itself (wal_autocheckpoint) it stalls the commit that crosses the threshold for the copy and two fsyncs; on
// a thread of its own it overlaps the writer's work. The writer's own automatic checkpoint stays, at a much longer
// WAL, for when the thread cannot keep up (its copy never reached the end of a WAL the writer kept growing) or is paused.
import { Worker } from 'node:worker_threads';

/** The checkpoint thread of one database file. */
export interface Checkpoints {
  /** Stops the thread's checkpoints (the writer's own automatic checkpoints go on) until as many `resume` as `pause`. */
  pause(): void;
  resume(): void;
  /** Stops the thread (before the writer's connection closes). */
  stop(): Promise<void>;
}

/** How the thread runs: a PASSIVE checkpoint every `everyMs`. */
export const checkpointTuning = { everyMs: 100 };

/** The writer's own automatic checkpoint while the thread runs (pages of WAL: 128 MB with 16 KB pages), a fallback. */
export const writerCheckpointPages = 8192;

/** Starts checkpointing `file` (a WAL database whose writer sets a long wal_autocheckpoint) on a thread of its own. */
export function startCheckpoints(file: string): Checkpoints {
  // a small heap: the thread holds one connection and a timer (its RSS is ~18 MB, ~26 MB with V8's defaults)
  const limits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 4, stackSizeMb: 1 };
  const worker = new Worker(new URL('./checkpoint-thread.js', import.meta.url), { workerData: { file, ...checkpointTuning }, resourceLimits: limits });
  worker.unref();
  worker.on('message', (m: { type: 'warning'; message: string }) => process.emitWarning(`SQLite checkpoint thread: ${m.message}`));
  worker.on('error', (err) => process.emitWarning(`SQLite checkpoint thread failed: ${err.message}; the writer checkpoints by itself`));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let pauses = 0;
  return {
    pause: () => { if (pauses++ === 0) worker.postMessage('pause'); },
    resume: () => { if (--pauses === 0) worker.postMessage('resume'); },
    async stop() {
      // kept alive until the thread is gone (an unref'd worker alone would let the process end before it)
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
