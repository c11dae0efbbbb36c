import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type Store } from './dialect.ts';
import { checkpointTuning, writerCheckpointPages } from './checkpoints.ts';

const dirs: string[] = [];
const stores: Store[] = [];

function open(opts: { checkpointThread?: boolean } = {}): { store: Store; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const store = openSqlite(file, opts);
  stores.push(store);
  store.sqlite!.exec('create table t (id integer primary key, v blob)');
  return { store, file };
}

/** Commits about `mb` MB of rows (in WAL pages the writer itself does not checkpoint: far below its threshold). */
function write(store: Store, mb: number): void {
  const insert = store.sqlite!.prepare('insert into t (v) values (randomblob(1024))');
  store.sqlite!.transaction(() => { for (let i = 0; i < mb * 1024; i++) insert.run(); })();
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite checkpoints on a thread of their own', () => {
  it('copies what the writer committed into the database file while the writer keeps its own checkpoints for a long WAL', async () => {
    const { store, file } = open();
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(writerCheckpointPages);
    expect(writerCheckpointPages * 16384).toBeGreaterThan(64 << 20);
    write(store, 4);
    // the writer checkpoints only past writerCheckpointPages: the rows reach the database file through the thread
    expect(await until(() => statSync(file).size > 4 << 20, 5000)).toBe(true);
    const other = openSqlite(file, { checkpointThread: false });
    stores.push(other);
    expect((other.sqlite!.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(4 * 1024);
    expect(other.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('never fails a writer that commits without a pause, each transaction reading before it writes', async () => {
    const { store, file } = open();
    const db = store.sqlite!;
    const read = db.prepare('select count(*) as n from t');
    const insert = db.prepare('insert into t (v) values (randomblob(4096))');
    let transactions = 0;
    // a deferred transaction whose read snapshot a checkpoint that starts the WAL over would make stale (SQLITE_BUSY)
    for (const end = Date.now() + 1500; Date.now() < end; transactions++) {
      db.transaction(() => { read.get(); for (let i = 0; i < 64; i++) insert.run(); })();
      if (transactions % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(transactions).toBeGreaterThan(50);
    expect(await until(() => statSync(file).size > 64 * 4096 * transactions * 0.9, 5000)).toBe(true);
  });

  it('stops while paused (as often as paused) and starts again when resumed', async () => {
    const { store, file } = open();
    store.checkpoints!.pause();
    store.checkpoints!.pause();
    await new Promise((r) => setTimeout(r, 3 * checkpointTuning.everyMs));
    const before = statSync(file).size;
    write(store, 2);
    store.checkpoints!.resume();
    await new Promise((r) => setTimeout(r, 5 * checkpointTuning.everyMs));
    expect(statSync(file).size).toBe(before);
    store.checkpoints!.resume();
    expect(await until(() => statSync(file).size > before + (1 << 20), 5000)).toBe(true);
  });

  it('is not started without a file or when turned off, where the writer checkpoints every 1024 pages', () => {
    const memory = openSqlite(':memory:');
    stores.push(memory);
    expect(memory.checkpoints).toBeUndefined();
    const { store } = open({ checkpointThread: false });
    expect(store.checkpoints).toBeUndefined();
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1024);
  });
});
