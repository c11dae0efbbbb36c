import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Deps } from '../../deps.ts';
import type { ContactsTable } from '../../store/database.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { coerceField, fieldKey, inferFieldType, suppressionHash, type FieldType, type FieldValue } from '../../domain/contacts.ts';
import { DomainError } from '../../domain/errors.ts';
import { contactRow, defineFields, listFields, writeContactBatch, addTagsBulk } from '../../store/repos/contacts.ts';
import { addMembersBulk, ensureGroup } from '../../store/repos/groups.ts';
import { suppressionHashes } from '../../store/repos/subjects.ts';
import {
  addRejects, checkpointImport, claimableImports, claimImport, finishImport,
  type ClaimedImport, type ImportCounters, type ImportReject,
} from '../../store/repos/imports.ts';
import { guessMapping, type ColumnMapping } from './columns.ts';
import { inspectSource, readRows, type Cell, type SourceRow } from './reader.ts';

const LEASE_MS = 120_000;
const BATCH_ROWS = 5000;

/** The outcome of asking to run an import: it ran to an end, or another worker holds it. */
export type ImportOutcome = 'done' | 'failed' | 'busy';

interface Plan {
  mapping: ColumnMapping;
  fields: { index: number; key: string; type: FieldType }[];
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
    mapping, fields: fields.map(({ index, key, type }) => ({ index, key, type })), groupIds, tags: [...new Set(opts.tags ?? [])],
    country: opts.defaultCountry as CountryCode | undefined, delimiter, erased: await suppressionHashes(db, job.tenantId),
  };
}

/** One pass over the file: normalise, dedupe and batch rows, writing each batch with its checkpoint. */
class ImportPass {
  /** Numbers seen so far, as numbers (E.164 has at most 15 digits): compact, and holding no slices of the file's text. */
  private readonly seen = new Set<number>();
  private pending: ContactsTable[] = [];
  private rejects: ImportReject[] = [];
  private lastLine: number;
  private readonly counters: ImportCounters;

  constructor(private readonly deps: Deps, private readonly job: ClaimedImport, private readonly plan: Plan) {
    this.counters = { total: job.total, imported: job.imported, updated: job.updated, duplicates: job.duplicates, invalid: job.invalid };
    this.lastLine = job.cursorLine;
  }

  private reject(row: SourceRow, reason: string, detail: string): void {
    this.counters.invalid++;
    this.rejects.push({ line: row.line, reason, detail, raw: row.cells.map(text).join(this.plan.delimiter).slice(0, 1000) });
  }

  async rows(batch: SourceRow[]): Promise<void> {
    const { mapping, country, fields } = this.plan;
    const cursor = this.job.cursorLine;
    const tenantId = this.job.tenantId;
    const now = this.deps.now().toISOString();
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
      const key = Number(phone.e164.slice(1));
      const known = this.seen.has(key);
      if (!known) this.seen.add(key);
      if (done) continue;
      this.counters.total++;
      this.lastLine = row.line;
      if (known) { this.counters.duplicates++; continue; }
      if (this.plan.erased.size > 0 && this.plan.erased.has(suppressionHash(tenantId, phone.e164))) {
        this.reject(row, 'erased', `${phone.e164} was erased at the subject's request and may not be imported again`);
        continue;
      }
      const values: Record<string, FieldValue> = {};
      for (const f of fields) {
        const v = coerceField(f.type, row.cells[f.index]);
        if (v !== null) values[f.key] = v;
      }
      const name = mapping.name === null ? '' : text(row.cells[mapping.name]).trim().slice(0, 200);
      this.pending.push(contactRow(tenantId, { phone: phone.e164, name: name || null, fields: values }, now));
      // Writing as soon as a batch is full lets rows die young instead of piling up in the old generation.
      if (this.pending.length >= BATCH_ROWS) await this.flush();
    }
    if (this.rejects.length >= BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<ImportCounters> {
    const { store, now } = this.deps;
    const at = now().toISOString();
    const lease = new Date(now().getTime() + LEASE_MS).toISOString();
    const { pending, rejects } = this;
    this.pending = [];
    this.rejects = [];
    pending.sort((a, b) => (a.phone < b.phone ? -1 : 1));
    await store.db.transaction().execute(async (trx) => {
      const t = { db: trx, dialect: store.dialect, sqlite: store.sqlite };
      const r = await writeContactBatch(t, this.job.tenantId, pending, this.job.options.existing ?? 'update', at);
      this.counters.imported += r.inserted;
      this.counters.updated += r.updated;
      this.counters.duplicates += r.skipped;
      if (this.plan.groupIds.length) await addMembersBulk(t, this.job.tenantId, this.plan.groupIds, r.ids, at);
      if (this.plan.tags.length) await addTagsBulk(t, this.job.tenantId, r.ids, this.plan.tags);
      await addRejects(t, this.job.id, rejects);
      await checkpointImport(trx, this.job.id, this.counters, this.lastLine, at, lease);
    });
    return this.counters;
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
    await pass.rows(first.value);
    for await (const batch of rows) await pass.rows(batch);
    const counters = await pass.flush();
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
