import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { multipart } from './support/multipart.ts';
import { maxImportColumns } from '../src/worker/imports/reader.ts';

// Whatever a user types into a filter or uploads as a file gets a 2xx, or a 4xx with a stable code: never a 500.

const word = fc.oneof(fc.constantFrom('city', 'age', 'name', 'phone', 'carrier', 'constructor', '__proto__', 'toString', 'tag', 'group', 'opted_out', 'created', 'messaged', 'replied', 'within', 'and', 'or', 'not', 'in', 'contains', 'true', 'false'), fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/));
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true }).map(String), fc.constantFrom('1e308', '1e999', '-0', '99999999999999999999999', '0.5'), fc.nat().map(String));
const duration = fc.tuple(fc.oneof(fc.nat(), fc.constantFrom(200_000_000, 2 ** 53, 1e21)), fc.constantFrom('h', 'd', 'w')).map(([n, u]) => `${n}${u}`);
const text = fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s));
const token = fc.oneof(word, number, duration, text, fc.constantFrom('=', '!=', '<', '<=', '>', '>=', '(', ')', ',', ':', '"', '“', '”', "'"));
const filter = fc.oneof(
  fc.array(token, { minLength: 1, maxLength: 12 }).map((t) => t.join(' ')),
  fc.tuple(fc.constantFrom('created', 'messaged', 'replied'), duration).map(([a, d]) => `${a} within ${d}`),
  fc.string({ maxLength: 60 }),
);

describe.each(testDatabases)('bad input never gives 500 on $name', (database) => {
  let s: TestServer;
  let t: TestTenant;

  beforeAll(async () => {
    s = await startTestServer(database);
    t = await s.tenant('bad-input');
  });
  afterAll(async () => { await s?.close(); });

  function expectHandled(res: { statusCode: number; body: string }, what: string): void {
    expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
    if (res.statusCode >= 400) expect(JSON.parse(res.body).error.code, what).toMatch(/^[a-z_]+$/);
  }

  it('a duration out of range is a 400 naming the position, in counts, pre-flight and start', async () => {
    const count = await s.app.inject({ method: 'POST', url: '/api/v1/segments/count', headers: t.headers, payload: { filter: 'created within 200000000d' } });
    expect(count.statusCode).toBe(400);
    expect(count.json().error).toMatchObject({ code: 'filter_syntax', details: { position: 16 } });
    const c = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name: 'far', category: 'notification', text: 'hi', audience: { filter: 'messaged within 200000000d' } } });
    expectHandled(c, 'create');
    if (c.statusCode < 300) {
      for (const action of ['preflight', 'start']) {
        const r = await s.app.inject({ method: action === 'start' ? 'POST' : 'GET', url: `/api/v1/campaigns/${c.json().id}/${action}`, headers: t.headers });
        expect(r.statusCode, `${action}: ${r.body}`).toBe(400);
        expect(r.json().error.code).toBe('filter_syntax');
      }
    }
  });

  it('every filter gets 200 or a coded 4xx (property-based)', async () => {
    await fc.assert(fc.asyncProperty(filter, async (f) => {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/segments/count', headers: t.headers, payload: { filter: f } });
      expectHandled(res, `filter ${JSON.stringify(f)}`);
    }), { numRuns: 300 });
  });

  it(`refuses a file with more than ${maxImportColumns} columns at upload, naming the count`, async () => {
    const header = Array.from({ length: 1_000_001 }, (_, i) => `c${i}`).join(',');
    const m = multipart({ name: 'wide.csv', content: Buffer.from(`phone,${header}\n13800138000\n`) });
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/contacts/import', headers: { ...t.headers, ...m.headers }, payload: m.payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('1000002 columns');
    expect(res.json().error.details).toEqual({ columns: 1_000_002, limit: maxImportColumns });
    const edge = multipart({ name: 'edge.csv', content: Buffer.from(`phone,${Array.from({ length: maxImportColumns - 1 }, (_, i) => `c${i}`).join(',')}\n13800138000\n`) });
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/contacts/import', headers: { ...t.headers, ...edge.headers }, payload: edge.payload })).statusCode).toBe(202);
  });

  it('every uploaded file gets 202 or a coded 4xx, and its import ends (property-based)', async () => {
    const cell = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('13800138000', '+8613900139000', '=1+1', '"', '\r', '\n', ',;\t', '\u0000'), fc.integer().map(String));
    const csv = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }).map((rows) => rows.map((r) => r.join(',')).join('\n'));
    const file = fc.oneof(csv.map((c) => Buffer.from(c)), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.constant(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), fc.constant(Buffer.alloc(0)));
    await fc.assert(fc.asyncProperty(file, fc.constantFrom('a.csv', 'a.xlsx', 'a.txt'), async (content, name) => {
      const m = multipart({ name, content });
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/contacts/import', headers: { ...t.headers, ...m.headers }, payload: m.payload });
      expectHandled(res, `upload of ${JSON.stringify(content.toString('latin1').slice(0, 80))}`);
      if (res.statusCode !== 202) return;
      for (let i = 0; ; i++) {
        const job = await s.app.inject({ url: `/api/v1/imports/${res.json().id}`, headers: t.headers });
        expect(job.statusCode).toBe(200);
        if (!['queued', 'running'].includes(job.json().status)) break;
        expect(i, 'the import to end').toBeLessThan(400);
        await new Promise((r) => setTimeout(r, 25));
      }
    }), { numRuns: 40 });
  });
});
