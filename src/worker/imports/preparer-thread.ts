import { Worker, parentPort, workerData, type ResourceLimits } from 'node:worker_threads';
import { DomainError } from '../../domain/errors.ts';
import { preparedBatches, type PreparedBatch, type ReadStart, type RowPlan } from './preparer.ts';
import type { SourceRow } from './reader.ts';
import type { ContactBatch } from '../../store/repos/contacts.ts';

// An import reads, parses, normalises, dedupes and attributes rows on a thread of its own (preparedBatches), while
// the calling thread writes the batches: the two halves of the work overlap on two cores.

/**
 * A batch as it crosses between threads, its columns joined into one string each (cloning one string costs far less
 * than cloning thousands of small ones): numbers and attribution keys by spaces, which they never hold; fields
 * (JSON text, which escapes control characters) and names by NUL, names with null as '' (a name is never empty) —
 * unless a name holds a NUL itself, when the names go as they are.
 */
interface PackedBatch extends Omit<PreparedBatch, 'contacts'> {
  contacts: Omit<ContactBatch, 'phones' | 'keys' | 'fields' | 'names'> & {
    phones: string; keys: string; fields: string; names: string | (string | null)[];
  };
}

function pack(b: PreparedBatch): PackedBatch {
  const c = b.contacts;
  const names = c.names.join('\0');
  // Joining n names gives n - 1 separators; more means some name held a NUL.
  let nuls = 0;
  for (let i = names.indexOf('\0'); i >= 0; i = names.indexOf('\0', i + 1)) nuls++;
  return { ...b, contacts: { ...c, phones: c.phones.join(' '), keys: c.keys.join(' '), fields: c.fields.join('\0'),
    names: nuls === Math.max(0, c.names.length - 1) ? names : c.names } };
}

function unpack(b: PackedBatch): PreparedBatch {
  const c = b.contacts;
  if (c.phones === '') return { ...b, contacts: { ...c, phones: [], keys: [], fields: [], names: [] } };
  const names = typeof c.names === 'string' ? c.names.split('\0').map((x) => x || null) : c.names;
  return { ...b, contacts: { ...c, phones: c.phones.split(' '), keys: c.keys.split(' '), fields: c.fields.split('\0'), names } };
}

/** What the reading thread says: the rows to plan from, a batch, the end, or why it stopped. */
type FromThread =
  | { type: 'sample'; rows: SourceRow[] }
  | { type: 'batch'; batch: PackedBatch }
  | { type: 'end' }
  | { type: 'failed'; code: string | null; message: string; stack?: string };

/** What the reading thread is told: the plan, or that one more batch may be sent. */
type ToThread = { type: 'plan'; plan: RowPlan } | { type: 'next' };

interface ThreadData { start: ReadStart; window: number }

/**
 * preparedBatches run on a worker thread: the same batches, read ahead by at most `window` batches not yet taken
 * (bounded memory), the thread's heap sized by `limits`. `planFor` runs here, on the calling thread. Ending the
 * iteration early stops the thread.
 */
export async function* preparedInThread(start: ReadStart, planFor: (sample: SourceRow[]) => Promise<RowPlan>, window: number,
  limits: ResourceLimits): AsyncGenerator<PreparedBatch> {
  const data: ThreadData = { start, window };
  const worker = new Worker(new URL('./preparer-entry.js', import.meta.url), { workerData: data, resourceLimits: limits });
  const inbox: FromThread[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  worker.on('message', (m: FromThread) => { inbox.push(m); notify(); });
  worker.on('error', (e: Error) => { failure ??= e; notify(); });
  worker.on('exit', (code) => { failure ??= new Error(`the import's reading thread exited early (code ${code})`); notify(); });
  try {
    for (;;) {
      while (inbox.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((ok) => { wake = ok; });
      }
      const m = inbox.shift()!;
      if (m.type === 'sample') worker.postMessage({ type: 'plan', plan: await planFor(m.rows) } satisfies ToThread);
      else if (m.type === 'batch') {
        worker.postMessage({ type: 'next' } satisfies ToThread);
        yield unpack(m.batch);
      } else if (m.type === 'failed') {
        const e = m.code === null ? new Error(m.message) : new DomainError(m.code, m.message);
        if (m.stack) e.stack = m.stack;
        throw e;
      } else return;
    }
  } finally {
    await worker.terminate();
  }
}

/** The reading thread's body (see preparer-entry.js): runs preparedBatches, sending each batch when the window allows. */
export async function serveThread(): Promise<void> {
  const port = parentPort!;
  const { start, window } = workerData as ThreadData;
  let credit = window;
  let wake: (() => void) | null = null;
  let planned: ((plan: RowPlan) => void) | null = null;
  port.on('message', (m: ToThread) => {
    if (m.type === 'plan') planned?.(m.plan);
    else { credit++; const w = wake; wake = null; w?.(); }
  });
  const planFor = (rows: SourceRow[]) => new Promise<RowPlan>((ok) => {
    planned = ok;
    port.postMessage({ type: 'sample', rows } satisfies FromThread);
  });
  try {
    for await (const batch of preparedBatches(start, planFor)) {
      while (credit === 0) await new Promise<void>((ok) => { wake = ok; });
      credit--;
      port.postMessage({ type: 'batch', batch: pack(batch) } satisfies FromThread);
    }
    port.postMessage({ type: 'end' } satisfies FromThread);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: 'failed', code: e instanceof DomainError ? e.code : null, message: err.message, stack: err.stack } satisfies FromThread);
  }
}
