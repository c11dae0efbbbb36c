import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { importFileStored, storeImportFile } from '../src/store/repos/import-files.ts';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import type { Deps } from '../src/deps.ts';
import type { Database } from '../src/store/database.ts';
import { createImport, getImport, listRejects } from '../src/store/repos/imports.ts';
import { countContacts } from '../src/store/repos/contacts.ts';
import { importTuning, resumeImports, runImport } from '../src/worker/imports/job.ts';

/** 12,000 rows over three batches: every 7th repeats a number from the first batch, every 100th is invalid. */
function csv(): string {
  const lines = ['phone,name'];
  for (let i = 0; i < 12_000; i++) {
    if (i % 100 === 99) lines.push(`12${i},bad`);
    else if (i % 7 === 6 && i > 10) lines.push(`+86 139 ${String(i % 5000).padStart(8, '0').replace(/(\d{4})(\d{4})/, '$1 $2')},dup`);
    else lines.push(`139${String(i).padStart(8, '0')},n${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The deps of a worker that dies when it starts its n-th transaction (with a commit every run, see below). */
function dyingAt(deps: Deps, n: number): Deps {
  let calls = 0;
  const db = new Proxy(deps.store.db, {
    get(target, prop) {
      if ((prop === 'transaction' || prop === 'startTransaction') && ++calls === n) throw new Error('simulated crash');
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Kysely<Database>;
  return { ...deps, store: { ...deps.store, db } };
}

// Each database twice: rows read on a thread of their own (as big files are), and read in line (as small ones are).
const cases = testDatabases.flatMap((database) => [true, false].map((threaded) => ({ database, name: database.name, threaded })));

describe.each(cases)('the import job on $name, reading on a thread: $threaded', ({ database, threaded }) => {
  let s: TestServer;
  const { commitRows, threadBytes, runRows } = importTuning;
  beforeAll(async () => {
    s = await startTestServer(database);
    // A commit after every run of two batches: the 12,000 rows make several commits, and runs of more than one batch.
    importTuning.commitRows = importTuning.batchRows;
    importTuning.runRows = 2 * importTuning.batchRows;
    importTuning.threadBytes = threaded ? 0 : Infinity;
  });
  afterAll(async () => { Object.assign(importTuning, { commitRows, threadBytes, runRows }); await s?.close(); });

  it('resumes after a crash from its last checkpoint with the same result as a clean run', async () => {
    const db = s.deps.store.db;
    const now = () => new Date().toISOString();
    const clean = await s.tenant();
    const crashed = await s.tenant();
    const file = (name: string) => { const p = path.join(s.config.dataDir, name); writeFileSync(p, csv()); return p; };

    const reference = await createImport(db, clean.id, { filePath: file('clean.csv'), fileName: 'clean.csv', options: { defaultCountry: 'CN', group: 'g' } }, now());
    expect(await runImport(s.deps, reference.id)).toBe('done');
    const expected = await getImport(db, clean.id, reference.id);
    expect(expected).toMatchObject({ status: 'done', total: 12_000, invalid: 120 });

    const job = await createImport(db, crashed.id, { filePath: file('crash.csv'), fileName: 'crash.csv', options: { defaultCountry: 'CN', group: 'g' } }, now());
    expect(await runImport(dyingAt(s.deps, 2), job.id)).toBe('failed');
    const halfway = await getImport(db, crashed.id, job.id);
    expect(halfway!.cursorLine).toBeGreaterThan(1);
    expect(halfway!.total).toBeLessThan(12_000);
    // What a killed worker leaves behind: still running, its file in place, its lease run out.
    file('crash.csv');
    await db.updateTable('imports').set({ status: 'running', error: null, finished_at: null, lease_until: new Date(Date.now() - 1000).toISOString() }).where('id', '=', job.id).execute();

    await resumeImports(s.deps); // the app's own resumer may have taken it first: then wait for that one
    let resumed = await getImport(db, crashed.id, job.id);
    while (resumed!.status === 'running') { await new Promise((ok) => setTimeout(ok, 50)); resumed = await getImport(db, crashed.id, job.id); }
    expect(resumed!.status).toBe('done');
    expect(await resumeImports(s.deps)).toBe(0);
    for (const k of ['total', 'imported', 'updated', 'duplicates', 'invalid'] as const) expect(resumed![k], k).toBe(expected![k]);
    expect(await countContacts(db, crashed.id)).toBe(await countContacts(db, clean.id));
    expect((await listRejects(db, crashed.id, job.id)).map((r) => r.line)).toEqual((await listRejects(db, clean.id, reference.id)).map((r) => r.line));
    expect(await listRejects(db, clean.id, job.id)).toEqual([]);
  });

  it.runIf(database.name === 'postgres')('lets another node resume an import whose node died, from the file the database keeps', async () => {
    const db = s.deps.store.db;
    const t = await s.tenant();
    const reference = await s.tenant();
    const upload = path.join(s.config.dataDir, 'upload.csv');
    writeFileSync(upload, csv());
    const clean = await createImport(db, reference.id, { filePath: upload, fileName: 'clean.csv', options: { defaultCountry: 'CN' } }, new Date().toISOString());
    expect(await runImport(s.deps, clean.id)).toBe('done');
    // What the upload route does on PostgreSQL, then the node dies: its disk (and the file) is gone with it.
    writeFileSync(upload, csv());
    const job = await createImport(db, t.id, { filePath: upload, fileName: 'x.csv', options: { defaultCountry: 'CN' } }, new Date().toISOString());
    await storeImportFile(db, job.id, upload);
    await rm(upload);
    await db.updateTable('imports').set({ status: 'running', lease_until: new Date(Date.now() - 1000).toISOString() }).where('id', '=', job.id).execute();
    // Another node: the same database, a data directory of its own.
    const other = await buildDeps(loadConfig({}, { databaseUrl: s.config.databaseUrl, dataDir: await mkdtemp(path.join(tmpdir(), 'tidings-other-')), logLevel: 'silent', simulator: false }), { log: pino({ level: 'silent' }) });
    try {
      await resumeImports(other); // this node's own resumer may have taken it first: then wait for that one
      let resumed = await getImport(db, t.id, job.id);
      while (resumed!.status === 'running') { await new Promise((ok) => setTimeout(ok, 50)); resumed = await getImport(db, t.id, job.id); }
      const expected = await getImport(db, reference.id, clean.id);
      expect(resumed).toMatchObject({ status: 'done', total: expected!.total, imported: expected!.imported, invalid: expected!.invalid });
      expect(await countContacts(db, t.id)).toBe(expected!.imported);
      // ended: the database's copy is dropped
      expect(await db.selectFrom('import_file_chunks').select('seq').where('import_id', '=', job.id).execute()).toEqual([]);
      expect(await importFileStored(db, job.id)).toBe(false);
    } finally {
      await closeDeps(other);
    }
  });

  it('fails an import whose file neither this node nor the database holds, saying so', async () => {
    const t = await s.tenant();
    const job = await createImport(s.deps.store.db, t.id, { filePath: '/nonexistent/upload.csv', fileName: 'x.csv', options: {} }, new Date().toISOString());
    expect(await runImport(s.deps, job.id)).toBe('failed');
    expect((await getImport(s.deps.store.db, t.id, job.id))!.error).toMatch(/no longer available.*upload the file again/);
  });

  it('leaves an import held by a live worker alone', async () => {
    const t = await s.tenant();
    const job = await createImport(s.deps.store.db, t.id, { filePath: '/nonexistent', fileName: 'x.csv', options: {} }, new Date().toISOString());
    await s.deps.store.db.updateTable('imports').set({ status: 'running', lease_until: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', job.id).execute();
    expect(await runImport(s.deps, job.id)).toBe('busy');
  });

  it('rolls back a transaction left open by a failure and restores the connection as it was', async () => {
    const t = await s.tenant();
    const p = path.join(s.config.dataDir, 'fails.csv');
    writeFileSync(p, csv());
    const job = await createImport(s.deps.store.db, t.id, { filePath: p, fileName: 'fails.csv', options: { defaultCountry: 'CN' } }, new Date().toISOString());
    const sqlite = s.deps.store.sqlite;
    const pragmas = () => ['cache_size', 'temp_store', 'wal_autocheckpoint'].map((p) => sqlite!.pragma(p, { simple: true }));
    const before = sqlite && pragmas();
    // Commits at the end only, so the second batch fails inside the transaction the first one opened: the clock
    // fails once, at its 6th reading (claim 2, plan 1, first batch 2, second batch).
    let readings = 0;
    const deps: Deps = { ...s.deps, now: () => { if (++readings === 6) throw new Error('simulated failure'); return new Date(); } };
    importTuning.commitRows = 1_000_000;
    try {
      expect(await runImport(deps, job.id)).toBe('failed');
    } finally {
      importTuning.commitRows = importTuning.batchRows;
    }
    expect(await getImport(s.deps.store.db, t.id, job.id)).toMatchObject({ status: 'failed', imported: 0, cursorLine: 0 });
    expect(await countContacts(s.deps.store.db, t.id)).toBe(0);
    if (sqlite) expect(pragmas()).toEqual(before);
  });
});
