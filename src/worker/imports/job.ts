import { existsSync } from 'node:fs';
import type { ControlledTransaction } from 'kysely';
import type { Database, Db } from '../../store/database.ts';
import { rm } from 'node:fs/promises';
import type { Deps } from '../../deps.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { coerceField, fieldKey, inferFieldType, suppressionHash, type FieldType, type FieldValue } from '../../domain/contacts.ts';
import { DomainError } from '../../domain/errors.ts';
import { defineFields, listFields, writeContactBatch, addTagsBulk, type ImportedContact } from '../../store/repos/contacts.ts';
import { addMembersBulk, ensureGroup } from '../../store/repos/groups.ts';
import { suppressionHashes } from '../../store/repos/subjects.ts';
import {
  addRejects, checkpointImport, claimableImports, claimImport, finishImport,
  type ClaimedImport, type ImportCounters, type ImportReject,
} from '../../store/repos/imports.ts';
import { guessMapping, type ColumnMapping } from './columns.ts';
import { inspectSource, readRows, type Cell, type SourceRow } from './reader.ts';
import { NumberSet } from './number-set.ts';

const LEASE_MS = 120_000;
/**
 * Batching of an import: rows are normalised and written `batchRows` at a time (short-lived in memory), into a
 * transaction committed with its checkpoint every `commitRows` rows or `commitMs`, whichever comes first. Bigger
 * commits rewrite the randomly-ordered phone index less often; on SQLite they also hold the one connection longer.
 * Exported so tests can make commits small.
 */
export const importTuning = {
  batchRows: 5000,
  commitRows: 50_000,
  commitMs: 2000,
  /** SQLite page cache during an import, in KiB (see withImportPragmas): 48 MB keeps the bench's peak RSS under 400 MB. */
  cacheKb: 49_152,
  /**
   * WAL pages after which a commit copies the log back into the database (SQLite's default is 1000): a commit rewrites
   * most pages of the phone index, so copying after every second or third commit instead of each one writes each page
   * back once for several commits. The WAL file grows to about this size (128 MB) plus one commit.
   */
  walPages: 32_768,
};

/**
 * On SQLite, runs `work` with a larger page cache, temporary storage in memory and a longer WAL between copies back
 * (importTuning.walPages). The unique (tenant_id, phone) index is written in random order: with the default 2 MB cache
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
  try {
    return await work();
  } finally {
    await set([...before, 'shrink_memory']);
  }
}

/** The outcome of asking to run an import: it ran to an end, or another worker holds it. */
export type ImportOutcome = 'done' | 'failed' | 'busy';

interface Plan {
  mapping: ColumnMapping;
  /** Custom field columns; `json` is the key as JSON text with its colon (`"城市":`), for writing rows' fields. */
  fields: { index: number; key: string; type: FieldType; json: string }[];
  /** Whether the field keys are distinct, so fields can be written as JSON text directly (else later keys win, via an object). */
  distinctKeys: boolean;
  groupIds: string[];
  tags: string[];
  country: CountryCode | undefined;
  delimiter: string;
  /** Hashes of numbers erased at their owner's request: such rows are rejected, never re-added. */
  erased: Set<string>;
}

function text(c: Cell | undefined): string {
  return c === null || c === undefined ? '' : String(c);
}

async function plan(deps: Deps, job: ClaimedImport, sample: SourceRow[], delimiter: string): Promise<Plan> {
  const db = deps.store.db;
  const now = deps.now().toISOString();
  const opts = job.options;
  const mapping = guessMapping(sample, { phone: opts.phoneColumn, name: opts.nameColumn });
  if (!mapping) throw new DomainError('invalid_request', 'no column looks like phone numbers; name the phone column (phoneColumn)');
  const defined = new Map((await listFields(db, job.tenantId)).map((f) => [f.key, f.type]));
  const data = sample.filter((r) => !r.error && r.line !== mapping.headerLine);
  const fields = mapping.fields.map((f) => {
    const key = fieldKey(f.key);
    return { index: f.index, key, label: f.key, type: defined.get(key) ?? inferFieldType(data.map((r) => r.cells[f.index] ?? null)) };
  });
  await defineFields(db, job.tenantId, fields.filter((f) => !defined.has(f.key)).map(({ key, label, type }) => ({ key, label, type })), now);
  const groupIds = opts.group ? [(await ensureGroup(db, job.tenantId, opts.group, now)).id] : [];
  return {
    mapping, fields: fields.map(({ index, key, type }) => ({ index, key, type, json: `${JSON.stringify(key)}:` })),
    distinctKeys: new Set(fields.map((f) => f.key)).size === fields.length, groupIds, tags: [...new Set(opts.tags ?? [])],
    country: opts.defaultCountry as CountryCode | undefined, delimiter, erased: await suppressionHashes(db, job.tenantId),
  };
}

/** One pass over the file: normalise, dedupe and batch rows, writing each batch with its checkpoint. */
class ImportPass {
  /** Numbers seen so far, as numbers (E.164 has at most 15 digits): compact, and holding no slices of the file's text. */
  private readonly seen = new NumberSet(1 << 16);
  private pending: ImportedContact[] = [];
  private rejects: ImportReject[] = [];
  private lastLine: number;
  private readonly counters: ImportCounters;
  /** The transaction the batches are written in, committed as importTuning says. */
  private trx: ControlledTransaction<Database> | null = null;
  private trxStarted = 0;
  private trxRows = 0;
  /** Attribution keys stored by the open transaction or committed ones (see writeContactBatch). */
  private attributions = new Set<string>();

  constructor(private readonly deps: Deps, private readonly job: ClaimedImport, private readonly plan: Plan) {
    this.counters = { total: job.total, imported: job.imported, updated: job.updated, duplicates: job.duplicates, invalid: job.invalid };
    this.lastLine = job.cursorLine;
  }

  private reject(row: SourceRow, reason: string, detail: string): void {
    this.counters.invalid++;
    this.rejects.push({ line: row.line, reason, detail, raw: row.cells.map(text).join(this.plan.delimiter).slice(0, 1000) });
  }

  async rows(batch: SourceRow[]): Promise<void> {
    const { mapping, country } = this.plan;
    const cursor = this.job.cursorLine;
    const tenantId = this.job.tenantId;
    for (const row of batch) {
      if (row.line === mapping.headerLine) continue;
      const done = row.line <= cursor;
      if (row.error) {
        if (!done) { this.counters.total++; this.reject(row, 'unreadable', row.error); this.lastLine = row.line; }
        continue;
      }
      const phone = normalizePhone(row.cells[mapping.phone] as string | number | null, country);
      if (!phone.ok) {
        if (!done) { this.counters.total++; this.reject(row, phone.reason, phone.detail); this.lastLine = row.line; }
        continue;
      }
      const known = !this.seen.add(Number(phone.e164.slice(1)));
      if (done) continue;
      this.counters.total++;
      this.lastLine = row.line;
      if (known) { this.counters.duplicates++; continue; }
      if (this.plan.erased.size > 0 && this.plan.erased.has(suppressionHash(tenantId, phone.e164))) {
        this.reject(row, 'erased', `${phone.e164} was erased at the subject's request and may not be imported again`);
        continue;
      }
      const name = mapping.name === null ? '' : text(row.cells[mapping.name]).trim().slice(0, 200);
      this.pending.push({ phone: phone.e164, name: name || null, fields: this.fieldsJson(row.cells) });
      // Writing as soon as a batch is full lets rows die young instead of piling up in the old generation.
      if (this.pending.length >= importTuning.batchRows) await this.flush();
    }
    if (this.rejects.length >= importTuning.batchRows) await this.flush();
  }

  /** The row's custom fields as JSON text (empty values left out), written directly rather than through an object per row. */
  private fieldsJson(cells: Cell[]): string {
    const { fields, distinctKeys } = this.plan;
    if (!distinctKeys) {
      const values: Record<string, FieldValue> = {};
      for (const f of fields) {
        const v = coerceField(f.type, cells[f.index]);
        if (v !== null) values[f.key] = v;
      }
      return JSON.stringify(values);
    }
    let json = '';
    for (const f of fields) {
      const v = coerceField(f.type, cells[f.index]);
      if (v === null) continue;
      json += (json === '' ? '{' : ',') + f.json
        + (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' && !Number.isFinite(v) ? 'null' : String(v));
    }
    return json === '' ? '{}' : `${json}}`;
  }

  /**
   * Writes the pending rows, rejects and checkpoint into the open transaction (beginning one if needed), and commits
   * it when `commit` is set or it has grown past importTuning's limits: small batches keep rows short-lived
   * in memory, while fewer, larger commits rewrite each page of the randomly-ordered phone index less often.
   */
  async flush(commit = false): Promise<ImportCounters> {
    const { store, now } = this.deps;
    const at = now().toISOString();
    const lease = new Date(now().getTime() + LEASE_MS).toISOString();
    const { pending, rejects } = this;
    this.pending = [];
    this.rejects = [];
    if (!this.trx) {
      this.trx = await store.db.startTransaction().execute();
      this.trxStarted = Date.now();
      this.trxRows = 0;
    }
    const trx = this.trx;
    const t = { db: trx as Db, dialect: store.dialect, sqlite: store.sqlite };
    const r = await writeContactBatch(t, this.job.tenantId, pending, this.job.options.existing ?? 'update', at, this.attributions);
    this.counters.imported += r.inserted;
    this.counters.updated += r.updated;
    this.counters.duplicates += r.skipped;
    if (this.plan.groupIds.length) await addMembersBulk(t, this.job.tenantId, this.plan.groupIds, r.ids, at);
    if (this.plan.tags.length) await addTagsBulk(t, this.job.tenantId, r.ids, this.plan.tags);
    await addRejects(t, this.job.id, rejects);
    await checkpointImport(trx, this.job.id, this.counters, this.lastLine, at, lease);
    this.trxRows += pending.length + rejects.length;
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
 * Runs (or resumes) one import: claims it with a lease, streams the file, and commits contacts, counters, rejected
 * rows and the line reached in one transaction per batch, so a restart continues where the last batch ended.
 */
export async function runImport(deps: Deps, importId: string): Promise<ImportOutcome> {
  const { db } = deps.store;
  const job = await claimImport(db, importId, deps.now().toISOString(), new Date(deps.now().getTime() + LEASE_MS).toISOString());
  if (!job) return 'busy';
  try {
    const info = await inspectSource(job.filePath, deps.config.importMaxBytes);
    const rows = readRows(job.filePath, info);
    const first = await rows.next();
    if (first.done) throw new DomainError('invalid_request', 'the file is empty');
    const pass = new ImportPass(deps, job, await plan(deps, job, first.value.slice(0, 500), info.delimiter ?? ','));
    const counters = await withImportPragmas(deps, async () => {
      try {
        await pass.rows(first.value);
        for await (const batch of rows) await pass.rows(batch);
        return await pass.flush(true);
      } catch (e) {
        // Rows of the open transaction are not kept: a resumed import starts again after the last commit. Rolled back
        // here, inside the pragma scope, since restoring the pragmas needs the connection the transaction holds.
        await pass.abort().catch((err: unknown) => deps.log.error({ err, importId: job.id }, 'rolling back an import failed'));
        throw e;
      }
    });
    await finishImport(db, job.id, { status: 'done', counters }, deps.now().toISOString());
    await rm(job.filePath, { force: true });
    deps.log.info({ importId: job.id, ...counters }, 'import done');
    return 'done';
  } catch (e) {
    const message = e instanceof DomainError ? e.message : `internal error: ${(e as Error).message}`;
    if (!(e instanceof DomainError)) deps.log.error({ err: e, importId: job.id }, 'import failed');
    await finishImport(db, job.id, { status: 'failed', error: message }, deps.now().toISOString());
    await rm(job.filePath, { force: true });
    return 'failed';
  }
}

/**
 * Runs, one after another, the imports whose node died (lease expired, or queued for over a minute) and whose file
 * is on this node's disk; returns how many ran. The route starts new imports itself.
 */
export async function resumeImports(deps: Deps): Promise<number> {
  const now = deps.now();
  let ran = 0;
  for (const job of await claimableImports(deps.store.db, now.toISOString(), new Date(now.getTime() - 60_000).toISOString())) {
    if (!existsSync(job.filePath)) continue;
    if ((await runImport(deps, job.id)) !== 'busy') ran++;
  }
  return ran;
}

/** Resumes interrupted imports now and every `everyMs` (never two rounds at once) until stopped. */
export function startImportResumer(deps: Deps, everyMs = 30_000): { stop(): Promise<void> } {
  let round: Promise<unknown> = Promise.resolve();
  const tick = () => {
    round = round.then(() => resumeImports(deps)).catch((err: unknown) => deps.log.error({ err }, 'resuming imports failed'));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { async stop() { clearInterval(timer); await round; } };
}
