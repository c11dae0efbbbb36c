import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { testDatabases } from './support/databases.ts';
import { spawnNode, type SpawnedNode } from './support/node.ts';
import { waitFor } from './support/carrier.ts';
import { fieldKey } from '../src/domain/contacts.ts';

// Names users give columns, fields and variables that are also properties of every plain object: a lookup of
// fields["constructor"] on a plain object finds a function, and a CSV export of it used to take the process down.
const prototypeNames = Object.getOwnPropertyNames(Object.prototype);

describe.each(testDatabases)('names of Object.prototype properties on $name (a real node process)', (database) => {
  let node: SpawnedNode;
  let drop: () => Promise<void>;
  let headers: Record<string, string>;
  let round = 0;

  beforeAll(async () => {
    const created = await database.create();
    drop = created.drop;
    node = await spawnNode({ ...process.env, TIDINGS_DATABASE_URL: created.url, TIDINGS_DATA_DIR: created.dataDir, TIDINGS_ADMIN_PASSWORD: 'proto-keys-pw' });
    headers = { authorization: `Bearer ${(await node.cli('apikey', 'create', '--tenant', 'demo')).trim()}` };
  }, 90_000);
  afterAll(async () => {
    await node?.stop();
    await drop?.();
  });

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${node.url}${path}`, {
      method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(500);
    const health = await fetch(`${node.url}/healthz`);
    expect(health.status, `/healthz after ${method} ${path}`).toBe(200);
    expect(node.alive()).toBe(true);
    return res;
  }

  async function xlsxRows(res: Response): Promise<string[][]> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const rows: string[][] = [];
    book.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    return rows;
  }

  /** Imports contacts with these column names, then exports, renders and filters on them; the node must stay up throughout. */
  async function roundTrip(names: string[]): Promise<void> {
    round += 1;
    const phones = [0, 1, 2].map((i) => `1391${String(round).padStart(3, '0')}${String(i).padStart(4, '0')}`);
    const valueOf = (name: string, i: number) => `v${i}-${name.length}`;
    // The last contact leaves every field empty: it has none of them, so a lookup falls through to Object.prototype.
    const blank = `1392${String(round).padStart(3, '0')}0000`;
    const csv = stringify([['phone', 'name', ...names], ...phones.map((p, i) => [p, `客户${i}`, ...names.map((n) => valueOf(n, i))]), [blank, '空白', ...names.map(() => '')]]);
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'proto.csv');
    form.append('group', `proto-${round}`);
    const upload = await fetch(`${node.url}/api/v1/contacts/import`, { method: 'POST', headers, body: form });
    expect(upload.status).toBe(202);
    const { id } = await upload.json() as { id: string };
    const job = await waitFor(async () => { const j = await (await call('GET', `/api/v1/imports/${id}`)).json() as { status: string }; return !['queued', 'running'].includes(j.status) && j; }, 'the import');
    expect(job).toMatchObject({ status: 'done' });

    // Names that make the same field key (case, punctuation) share one field: check the values of the unambiguous ones.
    const keyOf = new Map(names.map((n) => [n, fieldKey(n)]));
    const unambiguous = names.filter((n) => names.filter((o) => keyOf.get(o) === keyOf.get(n)).length === 1);
    for (const format of ['csv', 'xlsx'] as const) {
      const res = await call('GET', `/api/v1/contacts/export?format=${format}`);
      expect(res.status).toBe(200);
      const rows = format === 'csv' ? (await res.text()).replace(/^\ufeff/, '').split(/\r?\n/) : (await xlsxRows(res)).map((r) => r.join(','));
      const mine = rows.find((r) => r.includes(phones[0].slice(-8)));
      expect(mine, `contact ${phones[0]} in the ${format} export`).toBeDefined();
      // A field's cell holds what was imported, never a function's source text.
      expect(rows.join('\n')).not.toMatch(/function|native code|\[object/);
      expect(rows.some((r) => r.includes(blank.slice(-8)))).toBe(true);
      for (const n of unambiguous) expect(mine).toContain(valueOf(n, 0));
    }

    const keys = [...new Set(keyOf.values())];
    const text = `尊敬的{{name}} ${[...keys, ...prototypeNames].map((k) => `${k}={{${k}|-}}`).join(' ')}`;
    const preview = await (await call('POST', '/api/v1/templates/preview', { text, phone: phones[0], category: 'notification' })).json() as { text: string };
    expect(preview.text).not.toMatch(/function|native code|\[object/);
    for (const n of unambiguous) expect(preview.text).toContain(`${keyOf.get(n)}=${valueOf(n, 0)}`);
    for (const p of prototypeNames) if (!keys.includes(p)) expect(preview.text).toContain(`${p}=-`);

    for (const key of keys) {
      for (const filter of [`${key} = "${valueOf(names[0], 0)}"`, `${key} contains "v"`, `${key} > 3`, `not ${key} in ("a", 1, true)`]) {
        const res = await call('POST', '/api/v1/segments/count', { filter });
        if (res.status !== 200) expect((await res.json() as { error: { code: string } }).error.code).toMatch(/filter|invalid/);
      }
    }

    const campaign = await (await call('POST', '/api/v1/campaigns', { name: `proto ${round}`, category: 'notification', text, audience: { groups: [`proto-${round}`] } })).json() as { id: string };
    expect((await call('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${campaign.id}`)).json()) as { stats: { total: number } }).stats.total === 4, 'the campaign to materialise');
    for (const format of ['csv', 'xlsx'] as const) {
      const body = format === 'csv' ? await (await call('GET', `/api/v1/campaigns/${campaign.id}/export?format=csv`)).text() : (await xlsxRows(await call('GET', `/api/v1/campaigns/${campaign.id}/export?format=xlsx`))).join('\n');
      expect(body).toContain(phones[1].slice(-8));
      expect(body).not.toMatch(/function|native code|\[object/);
    }

    await call('POST', '/api/v1/simulator/mo', { from: `86${phones[2]}`, to: '10690000', text: `${names[0]} 你好` });
    await waitFor(async () => (await (await call('GET', `/api/v1/inbox?q=${phones[2].slice(-8)}`)).json() as { conversations: unknown[] }).conversations.length > 0, 'the MO in the inbox');
    for (const format of ['csv', 'xlsx'] as const) {
      const res = await call('GET', `/api/v1/inbox/export?format=${format}`);
      expect(res.status).toBe(200);
      const body = format === 'csv' ? await res.text() : (await xlsxRows(res)).join('\n');
      expect(body).toContain('你好');
    }
  }

  it('imports, exports (contacts, messages, inbox; CSV and XLSX), renders and filters columns named after every Object.prototype property', async () => {
    await roundTrip(prototypeNames);
  }, 120_000);

  it('does the same for random column names mixed with them (property-based)', async () => {
    const name = fc.oneof(fc.constantFrom(...prototypeNames), fc.string({ minLength: 1, maxLength: 10 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }))
      .filter((n) => n.trim() !== '' && !['phone', 'name'].includes(n.trim().toLowerCase()));
    await fc.assert(fc.asyncProperty(fc.uniqueArray(name, { minLength: 1, maxLength: 5 }), roundTrip), { numRuns: 3, endOnFailure: true });
  }, 240_000);
});
