// The body of a SQLite database's checkpoint thread (see checkpoints.ts), plain JavaScript so that the thread starts
// without the TypeScript loader: a connection of its own copies the pages the writer committed to the WAL back into the
// database file every `everyMs`, so the writer's commits never wait for that copy or its fsyncs.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, everyMs } = workerData;
const db = new SQLite(file, { fileMustExist: true });
// a PASSIVE checkpoint never waits for the writer nor takes its lock, and leaves its transactions' snapshots valid (a
// RESTART one would start the WAL over under an open read of the writer, whose next write would then fail as busy);
// once one has copied the whole WAL, the writer's next transaction starts the WAL over by itself
db.pragma('busy_timeout = 0');
let paused = false;
let timer = null;

function round() {
  timer = null;
  if (paused) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // SQLITE_BUSY: the writer or another process holds what a checkpoint needs; the next round tries again
    if (err?.code !== 'SQLITE_BUSY') parentPort.postMessage({ type: 'warning', message: String(err?.message ?? err) });
  }
  timer = setTimeout(round, everyMs);
}

parentPort.on('message', (m) => {
  if (m === 'pause') {
    paused = true;
    if (timer) clearTimeout(timer);
    timer = null;
  } else if (m === 'resume') {
    paused = false;
    if (!timer) round();
  } else if (m === 'stop') {
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
round();
