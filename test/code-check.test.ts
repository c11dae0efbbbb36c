import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import type { Deps } from '../src/deps.ts';
import { closeNodes, secondNode } from './support/second-node.ts';
import { batchCodes, exportableBatch, generateBatch } from '../src/services/codes/batches.ts';
import { codeHash } from '../src/services/codes/rules.ts';
import { serviceSecret } from '../src/services/secret.ts';
import { checkCode } from '../src/store/repos/codes.ts';
import { creditOnce, debitPoints, pointsBalance } from '../src/store/repos/points.ts';
import { createContact } from '../src/store/repos/contacts.ts';
import { bulkOn } from '../src/store/bulk.ts';

// The code check and its credit as an MO's transaction runs them, on two nodes at once (two pools on PostgreSQL;
// SQLite has one writer process: the same node twice). Through SMPP: test/lottery-codes.test.ts.
describe.each(testDatabases)('code checks and their credits on two nodes on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let other: Deps;
  let seq = 0;
  const phone = () => `+86137${String(10_000_000 + ++seq)}`;
  const codesOf = async (tenantId: string, input: { count: number; expiresAt?: string }) => {
    const batch = await generateBatch(s.deps, tenantId, { product: '茶叶', length: 16, ...input });
    const out: string[] = [];
    for await (const page of batchCodes(s.deps, await exportableBatch(s.deps, tenantId, batch.id))) out.push(...page.map((r) => r.code));
    return out.map((c) => codeHash(serviceSecret(s.deps.config), tenantId, c));
  };
  /** One check as the codes service makes it: in its own transaction, crediting on the first check. */
  const check = (d: Deps, tenantId: string, hash: string, from: string, contactId: string, at = new Date()) => d.store.db.transaction().execute(async (trx) => {
    const hit = await checkCode(bulkOn(d.store, trx), tenantId, hash, from, at.toISOString());
    if (hit?.first) await creditOnce(bulkOn(d.store, trx), tenantId, { contactId, points: 5, source: { type: 'code_check', id: hash }, note: hit.product }, at);
    return hit;
  });

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant();
    b = await s.tenant();
    other = await secondNode(s, database);
  }, 60_000);
  afterAll(() => closeNodes(s, other));

  it('one code sent at once by 8 numbers on two nodes: exactly one first check and one credit; every check counted', async () => {
    const [hash] = await codesOf(a.id, { count: 3 });
    const phones = Array.from({ length: 8 }, phone);
    const contacts = await Promise.all(phones.map(async (p) => (await createContact(s.deps.store.db, a.id, { phone: p }, new Date().toISOString())).id));
    const hits = await Promise.all(phones.map((p, i) => check(i % 2 ? other : s.deps, a.id, hash, p, contacts[i])));
    expect(hits.filter((h) => h?.first)).toHaveLength(1);
    const winner = hits.findIndex((h) => h?.first);
    expect(hits.map((h) => h!.checks).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(hits.every((h) => h!.firstPhone === phones[winner] && h!.product === '茶叶')).toBe(true);
    const credits = await s.deps.store.db.selectFrom('points_entries').select(['account_id', 'points']).where('tenant_id', '=', a.id).where('source_id', '=', hash).execute();
    expect(credits).toHaveLength(1);
    expect(await pointsBalance(s.deps.store.db, a.id, contacts[winner])).toBe(5);
    // the same credit again (the MO re-delivered) changes nothing; the balance stays the sum of the ledger
    expect(await s.deps.store.db.transaction().execute((trx) => creditOnce(bulkOn(s.deps.store, trx), a.id, { contactId: contacts[winner], points: 5, source: { type: 'code_check', id: hash } }, new Date()))).toBe(false);
    const acc = await s.deps.store.db.selectFrom('points_accounts').select('balance').where('contact_id', '=', contacts[winner]).executeTakeFirstOrThrow();
    expect(Number(acc.balance)).toBe(5);
    // another tenant does not hold the code
    expect(await check(s.deps, b.id, hash, phones[0], contacts[0])).toBeNull();
  });

  it('credits of many codes to one account at once on two nodes: the cached balance equals the sum; a debit then spends them', async () => {
    const hashes = await codesOf(a.id, { count: 6 });
    const p = phone();
    const c = (await createContact(s.deps.store.db, a.id, { phone: p }, new Date().toISOString())).id;
    const hits = await Promise.all(hashes.map((h, i) => check(i % 2 ? other : s.deps, a.id, h, p, c)));
    expect(hits.every((h) => h?.first)).toBe(true);
    const acc = await s.deps.store.db.selectFrom('points_accounts').select(['id', 'balance']).where('contact_id', '=', c).executeTakeFirstOrThrow();
    const sum = await s.deps.store.db.selectFrom('points_entries').select((eb) => eb.fn.sum<string | number>('points').as('s')).where('account_id', '=', acc.id).executeTakeFirstOrThrow();
    expect([Number(acc.balance), Number(sum.s)]).toEqual([30, 30]);
    expect(await debitPoints(s.deps.store.db, a.id, { contactId: c, points: 30, source: { type: 'manual', id: 'spend' } })).toMatchObject({ created: true, balance: 0 });
  });

  it('a code of an expired batch is never claimed, counted or credited; an unknown hash is null', async () => {
    const [hash] = await codesOf(a.id, { count: 1, expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const p = phone();
    const c = (await createContact(s.deps.store.db, a.id, { phone: p }, new Date().toISOString())).id;
    for (const d of [s.deps, other]) expect(await check(d, a.id, hash, p, c)).toMatchObject({ first: false, firstCheckedAt: null, firstPhone: null, checks: 0, product: '茶叶' });
    expect(await s.deps.store.db.selectFrom('points_entries').select('id').where('source_id', '=', hash).execute()).toHaveLength(0);
    expect(await check(s.deps, a.id, 'f'.repeat(64), p, c)).toBeNull();
  });
});
