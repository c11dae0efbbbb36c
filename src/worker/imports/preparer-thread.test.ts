import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../domain/errors.ts';
import { guessMapping } from './columns.ts';
import { inspectSource, type SourceRow } from './reader.ts';
import { preparedBatches, type PreparedBatch, type ReadStart, type RowPlan } from './preparer.ts';
import { preparedInThread } from './preparer-thread.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'tidings-preparer-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function start(name: string, content: string, runRows = 4, batchRows = 2): Promise<ReadStart> {
  const path = join(dir, name);
  await writeFile(path, content);
  return { path, info: await inspectSource(path, 1 << 20), cursorLine: 0, counts: { total: 0, duplicates: 0, invalid: 0 }, batchRows, runRows };
}

function planFor(sample: SourceRow[]): Promise<RowPlan> {
  const mapping = guessMapping(sample)!;
  return Promise.resolve({
    tenantId: 't', mapping, fields: mapping.fields.map((f) => ({ index: f.index, key: f.key, type: 'text' as const, json: `${JSON.stringify(f.key)}:` })),
    distinctKeys: true, country: 'CN', delimiter: ',', erased: new Set<string>(),
  });
}

async function all(batches: AsyncGenerator<PreparedBatch>): Promise<PreparedBatch[]> {
  const out: PreparedBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

const csv = ['phone,name,city', '13800138000,王五,北京', '139 0013 9000,,上海', 'bad,x,y', '13800138000,dup,z',
  '13700137000,"nul\0inside",广州', '+86 136 0013 6000,"李""四""",深圳', '13500135000,e,'].join('\n');

describe('preparedInThread', () => {
  it('gives the batches preparedBatches gives in line, names with NUL, empty names and runs of several batches included', async () => {
    const s = await start('mixed.csv', csv);
    const inline = await all(preparedBatches(s, planFor));
    const threaded = await all(preparedInThread(s, planFor, 2, { maxOldGenerationSizeMb: 64 }));
    expect(threaded).toEqual(inline);
    // A run of four contacts in two batches, sorted by number, then the rest.
    expect(inline.map((b) => b.end === null)).toEqual([true, false, false]);
    expect(inline.flatMap((b) => b.contacts.names)).toEqual(['李"四"', 'nul\0inside', '王五', null, 'e']);
    expect(inline.at(-1)!.end).toMatchObject({ counts: { total: 7, duplicates: 1, invalid: 1 }, lastLine: 8 });
  });

  it('ends a run every 4 × runRows lines even when the lines add no contact (a file of duplicates still checkpoints)', async () => {
    const dupes = ['phone', '13800138000', ...Array.from({ length: 40 }, () => '13800138000')].join('\n');
    const batches = await all(preparedBatches(await start('dupes.csv', dupes), planFor));
    const ends = batches.filter((b) => b.end).map((b) => b.end!.counts.total);
    expect(ends).toEqual([16, 32, 41]);
  });

  it('passes on a domain error with its code, and an empty file ends in one', async () => {
    const s = await start('empty.csv', '');
    const failure = await all(preparedInThread(s, planFor, 2, {})).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'invalid_request', message: 'the file is empty' });
  });

  it('stops the thread when the caller stops early, and fails when planning fails', async () => {
    const s = await start('plan.csv', csv);
    const batches = preparedInThread(s, planFor, 1, {});
    expect((await batches.next()).done).toBe(false);
    await batches.return(undefined);
    await expect(all(preparedInThread(s, () => Promise.reject(new Error('no plan')), 1, {}))).rejects.toThrow('no plan');
  });
});
