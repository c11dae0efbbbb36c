// Contact imports: upload a CSV or XLSX file (streamed from disk when given a path), then follow the job's progress.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { Tidings } from './client.ts';
import { unwrap } from './client.ts';
import { wait } from './polling.ts';
import type { ImportJob } from './types.ts';

/** The form fields of an import besides the file. */
export interface ImportFields {
  /** Put every imported contact in this group (created if missing). */
  group?: string;
  /** Tags for every imported contact, comma-separated. */
  tags?: string;
  /** Default country for national numbers (e.g. `CN`). */
  defaultCountry?: string;
  /** What to do with numbers already in the phonebook (default `update`). */
  existing?: 'update' | 'skip';
  /** The phone column (header or 1-based index) when the guess is wrong. */
  phoneColumn?: string;
  /** The name column (header or 1-based index) when the guess is wrong. */
  nameColumn?: string;
}

/** A file to import: a path on disk, or its bytes (then give `fileName`). */
export type ImportFile = string | Blob | Uint8Array;

/** Options of `run`: the fields, the file name for bytes, and progress. */
export interface ImportRunOptions extends ImportFields {
  /** The file's name when bytes are given (its extension tells CSV from XLSX). */
  fileName?: string;
  /** Called with the job whenever its counts or status change. */
  onProgress?: (job: ImportJob) => void;
  /** Milliseconds between polls (default 500). */
  intervalMs?: number;
  /** Stops waiting (the upload itself is not retried). */
  signal?: AbortSignal;
}

const finished = new Set(['done', 'failed']);

/** `tidings.imports`: upload and follow contact imports. */
export class Imports {
  constructor(private readonly t: Tidings) {}

  /** Uploads the file (multipart) and answers the new import's id; the import then runs on the server. */
  async start(file: ImportFile, options: ImportFields & { fileName?: string; signal?: AbortSignal } = {}): Promise<{ id: string }> {
    const form = new FormData();
    const { fileName, signal, ...fields } = options;
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, String(v));
    if (typeof file === 'string') form.append('file', await openAsBlob(file), fileName ?? basename(file));
    else form.append('file', file instanceof Blob ? file : new Blob([file]), fileName ?? 'contacts.csv');
    return this.t.request('POST', '/api/v1/contacts/import', { body: form, signal }) as Promise<{ id: string }>;
  }

  /** An import job with its counts. */
  async get(id: string): Promise<ImportJob> {
    return unwrap(await this.t.api.GET('/api/v1/imports/{id}', { params: { path: { id } } }));
  }

  /** Polls an import, yielding the job whenever it changes, until it is done or failed (the last value yielded). */
  async *watch(id: string, options: { intervalMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<ImportJob, ImportJob, undefined> {
    let last = '';
    while (true) {
      const job = await this.get(id);
      const key = JSON.stringify(job);
      if (key !== last) yield job;
      last = key;
      if (finished.has(job.status)) return job;
      await wait(options.intervalMs ?? 500, options.signal);
    }
  }

  /** Uploads a file and waits for its import to finish, reporting progress; answers the finished job (check `status`). */
  async run(file: ImportFile, options: ImportRunOptions = {}): Promise<ImportJob> {
    const { onProgress, intervalMs, signal, ...rest } = options;
    const { id } = await this.start(file, { ...rest, signal });
    let job: ImportJob | undefined;
    for await (const j of this.watch(id, { intervalMs, signal })) {
      job = j;
      onProgress?.(j);
    }
    return job!;
  }

  /** The rejected rows of an import as CSV bytes (line, reason, detail, row). */
  async report(id: string): Promise<Uint8Array> {
    return this.t.request('GET', `/api/v1/imports/${encodeURIComponent(id)}/report`, { raw: true }) as Promise<Uint8Array>;
  }
}
