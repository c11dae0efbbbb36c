// The body of a SQLite database's checkpoint thread (see checkpoints.ts), plain JavaScript so that the thread starts
// without the TypeScript loader: a connection of its own copies the pages the writer committed to the WAL back into the
// database file every `everyMs`, so the writer's commits never wait for that copy or its fsyncs.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, everyMs, restartFrames } = workerData;
const db = new SQLite(file, { fileMustExist: true });
// a checkpoint never waits for the writer, except the RESTART below (which waits for a pause between its transactions)
db.pragma('busy_timeout = 0');
let paused = false;
let timer = null;

function round() {
  timer = null;
  if (paused) return;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    // the writer starts the WAL over once a checkpoint has copied all of it: when a long run of transactions never left
    // it that moment, wait for one (the writer's next transaction waits as long as that takes)
    if (r.log >= restartFrames) {
      db.pragma('busy_timeout = 1000');
      try { db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 0'); }
    }
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
