// A PostgreSQL database of its own for one benchmark run, created on the server of TIDINGS_TEST_PG_URL and dropped after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Creates database `<prefix>_<pid>` next to `serverUrl` and a data directory, runs `fn(url, dir)`, then drops both. */
export async function withBenchDatabase<T>(serverUrl: string, prefix: string, fn: (url: string, dataDir: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  try {
    return await fn(url.toString(), dir);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
