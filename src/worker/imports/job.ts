import { existsSync } from 'node:fs';
import type { ControlledTransaction } from 'kysely';
import type { Database, Db } from '../../store/database.ts';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { Deps } from '../../deps.ts';
import type { CountryCode } from '../../domain/phone.ts';
import { fieldKey, inferFieldType } from '../../domain/contacts.ts';
import { DomainError } from '../../domain/errors.ts';
import { defineFields, listFields, writeContactBatch, addTagsBulk } from '../../store/repos/contacts.ts';
import { addMembersBulk, ensureGroup } from '../../store/repos/groups.ts';
import { suppressionHashes } from '../../store/repos/subjects.ts';
import {
  addRejects, checkpointImport, claimableImports, claimImport, finishImport,
  type ClaimedImport, type ImportCounters,
} from '../../store/repos/imports.ts';
import { dropImportFile, restoreImportFile } from '../../store/repos/import-files.ts';
import { guessMapping } from './columns.ts';
import { checkColumnCount, inspectSource, type SourceRow } from './reader.ts';
import { preparedBatches, type PreparedBatch, type ReadStart, type RowPlan } from './preparer.ts';
import { preparedInThread } from './preparer-thread.ts';
import { startRounds, type Rounds } from '../rounds.ts';

const LEASE_MS = 120_000;
/**
 * Batching of an import: rows are normalised and written `batchRows` at a time (short-lived in memory), into a
 * transaction committed with its checkpoint every `commitRows` rows or `commitMs`, whichever comes first. Bigger
 * commits rewrite the randomly-ordered phone index less often; on SQLite they also hold the one connection longer.
 * Exported so tests can make commits small.
 */
export const importTuning = {
  batchRows: 5000,
  /**
   * Contacts sorted by number together (a run, see BatchPreparer) and written one after another: a run of 50,000
   * sweeps the (tenant, phone) index in one ordered pass, where batches of 5,000 each jumped about all of it — ~35%
   * less writing CPU in the bench. Commits fall between runs.
   */
  runRows: 50_000,
  commitRows: 50_000,
  commitMs: 2000,
  /**
   * SQLite page cache during an import, in KiB (see withImportPragmas). Sorted runs visit each index page about once
   * per run, so the cache matters less than it did (48 MB: ~0.1–0.3 s less writing CPU per million rows, and the
   * writing thread now waits for the reading one anyway); 24 MB keeps the bench's peak RSS, with the reading thread,
   * well under 400 MB.
   */
  cacheKb: 24_576,
  /**
   * WAL pages after which a commit copies the log back into the database (SQLite's default is 1000): a commit rewrites
   * most pages of the phone index, so copying after every second or third commit instead of each one writes each page
   * back once for several commits. The WAL file grows to about this size (512 MB with 16 KiB pages) plus one commit.
   */
  walPages: 32_768,
  /** Files of at least this many bytes are read on a thread of their own (preparer-thread.ts); smaller ones here, without a thread's start-up. */
  threadBytes: 4 << 20,
  /**
   * Batches the reading thread may prepare ahead of the writer: more than a run's worth (runRows / batchRows = 10),
   * since a run's batches all come at once when it is sorted. With 4, the threads took turns more than they overlapped
   * (~10% slower).
   */
  readAhead: 12,
  /**
   * The reading thread's heap (V8 sizes, MB). It keeps ~30 MB alive (besides the number set, whose array lives outside
   * the heap), but left to V8's defaults its heap grows to ~150 MB of garbage between full collections; a ceiling makes
   * V8 collect sooner (peak RSS ~345 instead of 400–450 MB). A 24 MB young generation (16 before) spends a little less
   * on minor collections (101–103k rows/s, peak RSS 360–367 MB alone); 32 MB went over 400 MB once. An XLSX file, whose shared strings the reader keeps, is
   * read without the old-space ceiling.
   */
  threadHeap: { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 256 },
};

/**
 * On SQLite, runs `work` with a larger page cache, temporary storage in memory and a longer WAL between copies back
 * (importTuning.walPages, the checkpoint thread paused). The unique (tenant_id, phone) index is written in random order: with the default 2 MB cache
 * nearly every insert reads a page back from the file and every commit rewrites thousands of pages. Each multi-row insert inside the open transaction keeps a statement
 * journal of the pages it changes (so it alone can be undone); in a file, that is a write system call per page.
 * The pragmas are set while holding Kysely's one connection, so no other transaction is open on it (temp_store may
 * not change inside one); the previous values are restored and the cache memory released afterwards.
 */
async function withImportPragmas<T>(deps: Deps, work: () => Promise<T>): Promise<T> {
  const { sqlite, db } = deps.store;
  if (!sqlite) return work();
  const set = (pragmas: string[]) => db.connection().execute(async () => { for (const p of pragmas) sqlite.pragma(p); });
  const before = [`cache_size = ${sqlite.pragma('cache_size', { simple: true }) as number}`,
    `temp_store = ${sqlite.pragma('temp_store', { simple: true }) as number}`,
    `wal_autocheckpoint = ${sqlite.pragma('wal_autocheckpoint', { simple: true }) as number}`];
  await set([`cache_size = ${-Math.max(2000, importTuning.cacheKb)}`, 'temp_store = MEMORY', `wal_autocheckpoint = ${importTuning.walPages}`]);
  // the checkpoint thread would copy the pages of the long WAL back many times over (see checkpoints.ts)
  deps.store.checkpoints?.pause();
  try {
    return await work();
  } finally {
    deps.store.checkpoints?.resume();
    await set([...before, 'shrink_memory']);
  }
}

/** The outcome of asking to run an import: it ran to an end, or another worker holds it. */
export type ImportOutcome = 'done' | 'failed' | 'busy';

/** What the writing side adds to the reading side's plan: the groups and tags every imported contact gets. */
interface Plan { rows: RowPlan; groupIds: string[]; tags: string[] }

async function plan(deps: Deps, job: ClaimedImport, sample: SourceRow[], delimiter: string): Promise<Plan> {
  const db = deps.store.db;
  const now = deps.now().toISOString();
  const opts = job.options;
  const mapping = guessMapping(sample, { phone: opts.phoneColumn, name: opts.nameColumn });
  if (!mapping) throw new DomainError('invalid_request', 'no column looks like phone numbers; name the phone column (phoneColumn)');
  checkColumnCount(mapping.fields.length + 2);
  const defined = new Map((await listFields(db, job.tenantId)).map((f) => [f.key, f.type]));
  const data = sample.filter((r) => !r.error && r.line !== mapping.headerLine);
  const fields = mapping.fields.map((f) => {
    const key = fieldKey(f.key);
    return { index: f.index, key, label: f.key, type: defined.get(key) ?? inferFieldType(data.map((r) => r.cells[f.index] ?? null)) };
  });
  await defineFields(db, job.tenantId, fields.filter((f) => !defined.has(f.key)).map(({ key, label, type }) => ({ key, label, type })), now);
  const groupIds = opts.group ? [(await ensureGroup(db, job.tenantId, opts.group, now)).id] : [];
  return {
    rows: {
      tenantId: job.tenantId, mapping, fields: fields.map(({ index, key, type }) => ({ index, key, type, json: `${JSON.stringify(key)}:` })),
      distinctKeys: new Set(fields.map((f) => f.key)).size === fields.length,
      country: opts.defaultCountry as CountryCode | undefined, delimiter, erased: await suppressionHashes(db, job.tenantId),
    },
    groupIds, tags: [...new Set(opts.tags ?? [])],
  };
}

/** The writing half of an import: writes prepared batches with their checkpoint, in transactions committed as importTuning says. */
class ImportWriter {
  /** Contacts the database already had and that were skipped, since this run started (counted as duplicates). */
  private skipped = 0;
  private readonly counters: ImportCounters;
  /** The transaction the batches are written in, committed as importTuning says. */
  private trx: ControlledTransaction<Database> | null = null;
  private trxStarted = 0;
  private trxRows = 0;

  constructor(private readonly deps: Deps, private readonly job: ClaimedImport, private readonly plan: () => Plan) {
    this.counters = { total: job.total, imported: job.imported, updated: job.updated, duplicates: job.duplicates, invalid: job.invalid };
  }

  /**
   * Writes a batch's contacts into the open transaction (beginning one if needed). At the end of a run, writes its
   * rejects and checkpoint too and commits when `commit` is set or the transaction has grown past importTuning's
   * limits: fewer, larger commits rewrite each page of the randomly-ordered phone index less often. Commits fall
   * only between runs, so a resumed job never finds part of a run already written.
   */
  async write(batch: PreparedBatch, commit: boolean): Promise<ImportCounters> {
    const { store, now } = this.deps;
    const { groupIds, tags } = this.plan();
    const at = now().toISOString();
    const lease = new Date(now().getTime() + LEASE_MS).toISOString();
    if (!this.trx) {
      this.trx = await store.db.startTransaction().execute();
      this.trxStarted = Date.now();
      this.trxRows = 0;
    }
    const trx = this.trx;
    const t = { db: trx as Db, dialect: store.dialect, sqlite: store.sqlite };
    const r = await writeContactBatch(t, this.job.tenantId, batch.contacts, this.job.options.existing ?? 'update', at, this.job.id);
    this.skipped += r.skipped;
    this.counters.imported += r.inserted;
    this.counters.updated += r.updated;
    if (groupIds.length) await addMembersBulk(t, this.job.tenantId, groupIds, r.ids, at);
    if (tags.length) await addTagsBulk(t, this.job.tenantId, r.ids, tags);
    this.trxRows += r.ids.length;
    const { end } = batch;
    if (!end) return this.counters;
    Object.assign(this.counters, end.counts);
    this.counters.duplicates += this.skipped;
    await addRejects(t, this.job.id, end.rejects);
    await checkpointImport(trx, this.job.id, this.counters, end.lastLine, at, lease);
    this.trxRows += end.rejects.length;
    if (commit || this.trxRows >= importTuning.commitRows || Date.now() - this.trxStarted >= importTuning.commitMs) {
      this.trx = null;
      await trx.commit().execute();
    }
    return this.counters;
  }

  /** Rolls back the open transaction, if any (after a failure, before the job is marked failed). */
  async abort(): Promise<void> {
    const trx = this.trx;
    this.trx = null;
    if (trx) await trx.rollback().execute();
  }
}

/**
 * The imports of this process run one after another: each reads on a thread of its own with a large page cache, so
 * several at once would multiply the memory (and on SQLite they share one connection anyway).
 */
let importQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs (or resumes) one import: claims it with a lease, streams the file, and commits contacts, counters, rejected
 * rows and the line reached in one transaction per batch, so a restart continues where the last batch ended. Waits for
 * the imports of this process started before it.
 */
export function runImport(deps: Deps, importId: string): Promise<ImportOutcome> {
  const turn = importQueue.then(() => runImportNow(deps, importId));
  importQueue = turn.catch(() => undefined);
  return turn;
}

/** Where this node restores an import's stored file when it does not have the uploaded one. */
function restoredPath(deps: Deps, job: ClaimedImport): string {
  return join(deps.config.dataDir, 'imports', `${job.id}-restored${extname(job.filePath)}`);
}

/**
 * The import's file on this node: the uploaded one where this node received it, else the copy the database holds
 * (PostgreSQL), restored to this node's data directory — so any node can resume an import whose node died.
 */
async function localFile(deps: Deps, job: ClaimedImport): Promise<string> {
  if (existsSync(job.filePath)) return job.filePath;
  const path = restoredPath(deps, job);
  if (existsSync(path)) await rm(path);
  await mkdir(dirname(path), { recursive: true });
  if (await restoreImportFile(deps.store.db, job.id, path)) return path;
  throw new DomainError('unavailable', 'the uploaded file is no longer available (neither on this node nor in the database): upload the file again');
}

/** Removes an ended import's file: the upload, a restored copy and the database's copy. */
async function removeFile(deps: Deps, job: ClaimedImport): Promise<void> {
  await rm(job.filePath, { force: true });
  await rm(restoredPath(deps, job), { force: true });
  await dropImportFile(deps.store.db, job.id);
}

/** Runs one import job now (see runImport). */
async function runImportNow(deps: Deps, importId: string): Promise<ImportOutcome> {
  const { db } = deps.store;
  const job = await claimImport(db, importId, deps.now().toISOString(), new Date(deps.now().getTime() + LEASE_MS).toISOString());
  if (!job) return 'busy';
  try {
    const path = await localFile(deps, job);
    const info = await inspectSource(path, deps.config.importMaxBytes);
    const start: ReadStart = {
      path, info, cursorLine: job.cursorLine, batchRows: importTuning.batchRows, runRows: importTuning.runRows,
      counts: { total: job.total, duplicates: job.duplicates, invalid: job.invalid },
    };
    let planned: Plan | undefined;
    const planFor = async (sample: SourceRow[]) => (planned = await plan(deps, job, sample, info.delimiter ?? ',')).rows;
    const writer = new ImportWriter(deps, job, () => planned!);
    const counters = await withImportPragmas(deps, async () => {
      const batches = info.bytes >= importTuning.threadBytes
        // an XLSX file's shared strings stay in memory while it is read: its thread gets V8's default old space
        ? preparedInThread(start, planFor, importTuning.readAhead, info.format === 'xlsx' ? { maxYoungGenerationSizeMb: importTuning.threadHeap.maxYoungGenerationSizeMb } : importTuning.threadHeap)
        : preparedBatches(start, planFor);
      try {
        // The last batch covers the rest of the file: it is written and committed after the others.
        let last: PreparedBatch | undefined;
        for await (const batch of batches) {
          if (last) await writer.write(last, false);
          last = batch;
        }
        return await writer.write(last!, true);
      } catch (e) {
        // Rows of the open transaction are not kept: a resumed import starts again after the last commit. Rolled back
        // here, inside the pragma scope, since restoring the pragmas needs the connection the transaction holds.
        await writer.abort().catch((err: unknown) => deps.log.error({ err, importId: job.id }, 'rolling back an import failed'));
        throw e;
      }
    });
    await finishImport(db, job.id, { status: 'done', counters }, deps.now().toISOString());
    await removeFile(deps, job);
    deps.log.info({ importId: job.id, ...counters }, 'import done');
    return 'done';
  } catch (e) {
    const message = e instanceof DomainError ? e.message : `internal error: ${(e as Error).message}`;
    if (!(e instanceof DomainError)) deps.log.error({ err: e, importId: job.id }, 'import failed');
    await finishImport(db, job.id, { status: 'failed', error: message }, deps.now().toISOString());
    await removeFile(deps, job);
    return 'failed';
  }
}

/**
 * Runs, one after another, the imports whose node died (lease expired, or queued for over a minute) and whose file
 * is on this node's disk or in the database; returns how many ran. The route starts new imports itself.
 */
export async function resumeImports(deps: Deps): Promise<number> {
  const now = deps.now();
  let ran = 0;
  for (const job of await claimableImports(deps.store.db, now.toISOString(), new Date(now.getTime() - 60_000).toISOString())) {
    if (!job.fileStored && !existsSync(job.filePath)) continue;
    if ((await runImport(deps, job.id)) !== 'busy') ran++;
  }
  return ran;
}

/** Resumes interrupted imports now and every `everyMs` (never two rounds at once) until stopped. */
export function startImportResumer(deps: Deps, everyMs = 30_000): Rounds {
  return startRounds(everyMs, () => resumeImports(deps), (err) => deps.log.error({ err }, 'resuming imports failed'), true);
}
