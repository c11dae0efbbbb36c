import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { safeCell, sendTable, type ExportColumn } from './table-export.ts';

type Row = { n: number };
const failures: unknown[] = [];
const onUncaught = (e: unknown) => failures.push(e);

describe('spreadsheet cells', () => {
  it('escapes text a spreadsheet would run as a formula, and leaves the rest alone', () => {
    expect(safeCell('=1+1')).toBe("'=1+1");
    expect(safeCell('+86 138')).toBe("'+86 138");
    expect(safeCell('-2')).toBe("'-2");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('\tx')).toBe("'\tx");
    expect(safeCell('hello = world')).toBe('hello = world');
    expect(safeCell(-2)).toBe(-2);
    expect(safeCell(null)).toBeNull();
  });
});

describe('sendTable over a real socket', () => {
  let app: FastifyInstance;
  let url = '';
  let stopped = 0;
  let pagesRead = 0;

  /** Pages of 500 rows: `count` of them, or for ever unless the response ends them; `failAt` makes page N throw. */
  async function* pages(opts: { count?: number; failAt?: number } = {}): AsyncGenerator<Row[]> {
    const { count = Infinity, failAt } = opts;
    try {
      for (let p = 0; p < count; p++) {
        if (p === failAt) throw new Error('the database went away');
        pagesRead++;
        yield Array.from({ length: 500 }, (_, i) => ({ n: p * 500 + i }));
        await new Promise((r) => setImmediate(r));
      }
    } finally { stopped++; }
  }
  const columns: ExportColumn<Row>[] = [{ header: 'n', value: (r) => r.n }, { header: 'text', value: (r) => `行 ${r.n} ${'x'.repeat(200)}` }];
  // A value no cell can hold (a function, as a lookup of fields["constructor"] once returned).
  const badColumns = [...columns, { header: 'bad', value: (r: Row) => (r.n === 700 ? (Object.prototype.constructor as unknown as string) : null) }];

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    app = Fastify({ logger: false, forceCloseConnections: true });
    app.get<{ Querystring: { format: 'csv' | 'xlsx'; mode: string } }>('/export', async (request, reply) => {
      const { format, mode } = request.query;
      if (mode === 'fail') return sendTable(reply, format, 'x', columns, pages({ failAt: 3 }));
      if (mode === 'bad') return sendTable(reply, format, 'x', badColumns, pages({ failAt: 6 }));
      if (mode === 'small') return sendTable(reply, format, '导出', columns, pages({ count: 2 }));
      return sendTable(reply, format, 'x', columns, pages());
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });

  async function readAll(res: Response): Promise<{ bytes: number; error: unknown }> {
    let bytes = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      return { bytes, error: null };
    } catch (error) { return { bytes, error }; }
  }

  for (const format of ['csv', 'xlsx'] as const) {
    it(`${format}: a whole export arrives`, async () => {
      const res = await fetch(`${url}/export?format=${format}&mode=small`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('导出')}.${format}`);
      const body = Buffer.from(await res.arrayBuffer());
      if (format === 'csv') expect(body.toString('utf8').trim().split('\n')).toHaveLength(1001);
      else expect(body.subarray(0, 2).toString()).toBe('PK');
    });

    it(`${format}: a page that fails mid-export aborts that response only; the server goes on`, async () => {
      for (const mode of ['fail', 'bad']) {
        const before = stopped;
        const res = await fetch(`${url}/export?format=${format}&mode=${mode}`);
        expect(res.status).toBe(200);
        const { error } = await readAll(res);
        expect(error, `${mode}: the client learns the file is incomplete`).not.toBeNull();
        await expect.poll(() => stopped).toBe(before + 1);
      }
      expect((await readAll(await fetch(`${url}/export?format=${format}&mode=small`))).error).toBeNull();
      expect(failures).toEqual([]);
    });

    it(`${format}: a client that goes away mid-export stops the reading of pages`, async () => {
      const before = stopped;
      const controller = new AbortController();
      const res = await fetch(`${url}/export?format=${format}&mode=endless`, { signal: controller.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const readSoFar = pagesRead;
      controller.abort();
      for (let waited = 0; stopped === before; waited += 20) {
        expect(waited, 'the pages to stop being read').toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 20));
      }
      const after = pagesRead;
      await new Promise((r) => setTimeout(r, 100));
      expect(pagesRead).toBe(after);
      expect(after - readSoFar).toBeLessThan(200);
      expect((await readAll(await fetch(`${url}/export?format=${format}&mode=small`))).error).toBeNull();
      expect(failures).toEqual([]);
    });
  }
});
