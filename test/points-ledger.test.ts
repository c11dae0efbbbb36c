import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import type { Deps } from '../src/deps.ts';
import { closeNodes, secondNode } from './support/second-node.ts';
import { creditPoints, debitPoints, expirePoints, pointsBalance, refundDebit } from '../src/store/repos/points.ts';
import { createContact } from '../src/store/repos/contacts.ts';
import { createGift } from '../src/store/repos/gifts.ts';
import { redeemGift } from '../src/store/repos/redemptions.ts';

describe.each(testDatabases)('points ledger on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let other: Deps;
  let seq = 0;
  const contact = async (t: TestTenant = a) => (await createContact(s.deps.store.db, t.id, { phone: `+86139${String(10_000_000 + ++seq)}` }, new Date().toISOString())).id;
  const api = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}, t: TestTenant = a) => {
    const r = await s.app.inject({ method, url, headers: { ...t.headers, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: r.statusCode, json: r.json() };
  };
  /** The account's cached balance and the sum of its entries, straight from the tables. */
  const sums = async (contactId: string) => {
    const db = s.deps.store.db;
    const acc = await db.selectFrom('points_accounts').select(['id', 'balance']).where('contact_id', '=', contactId).executeTakeFirstOrThrow();
    const sum = await db.selectFrom('points_entries').select((eb) => eb.fn.sum<string | number>('points').as('s')).where('account_id', '=', acc.id).executeTakeFirst();
    return { cached: Number(acc.balance), sum: Number(sum?.s ?? 0) };
  };

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant();
    b = await s.tenant();
    other = await secondNode(s, database);
  }, 60_000);
  afterAll(() => closeNodes(s, other));

  it('credits once per source: the same Idempotency-Key again returns the first entry; no key is a 400', async () => {
    const c = await contact();
    const none = await api('POST', `/api/v1/points/${c}/entries`, { points: 10 });
    expect(none.status).toBe(400);
    expect(none.json.error.message).toMatch(/Idempotency-Key/);
    const first = await api('POST', `/api/v1/points/${c}/entries`, { points: 10, note: '开卡礼' }, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ created: true, balance: 10, entry: { kind: 'credit', points: 10, source: { type: 'api', id: 'k1' } } });
    const again = await api('POST', `/api/v1/points/${c}/entries`, { points: 10, note: '开卡礼' }, { 'idempotency-key': 'k1' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ created: false, balance: 10, entry: { id: first.json.entry.id } });
    const asDebit = await api('POST', `/api/v1/points/${c}/entries`, { kind: 'debit', points: 1 }, { 'idempotency-key': 'k1' });
    expect(asDebit.status).toBe(409);
    const zero = await api('POST', `/api/v1/points/${c}/entries`, { points: 0 }, { 'idempotency-key': 'k2' });
    expect(zero.status).toBe(400);
    const past = await api('POST', `/api/v1/points/${c}/entries`, { points: 5, expiresAt: '2020-01-01T00:00:00Z' }, { 'idempotency-key': 'k3' });
    expect(past.status).toBe(400);
    expect(past.json.error.message).toMatch(/past/);
    const view = await api('GET', `/api/v1/points/${c}`);
    expect(view.json).toMatchObject({ balance: 10 });
    expect(view.json.entries).toHaveLength(1);
    // another tenant neither sees nor credits this contact
    expect((await api('POST', `/api/v1/points/${c}/entries`, { points: 10 }, { 'idempotency-key': 'k9' }, b)).status).toBe(404);
    expect((await api('GET', `/api/v1/points/${c}`, undefined, {}, b)).json).toMatchObject({ balance: 0, entries: [] });
  });

  it('the same credit sent at once from two nodes is one entry', async () => {
    const c = await contact();
    const source = { type: 'code_check' as const, id: 'check-1' };
    const results = await Promise.all([s.deps, other, s.deps, other].map((d) => creditPoints(d.store.db, a.id, { contactId: c, points: 7, source })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(await pointsBalance(s.deps.store.db, a.id, c)).toBe(7);
    expect(await sums(c)).toEqual({ cached: 7, sum: 7 });
  });

  it('two debits at once that the balance covers once: exactly one succeeds (two nodes, real concurrent requests)', async () => {
    const c = await contact();
    await creditPoints(s.deps.store.db, a.id, { contactId: c, points: 100, source: { type: 'manual', id: 'seed' } });
    const results = await Promise.all([s.deps, other].map((d, i) => debitPoints(d.store.db, a.id, { contactId: c, points: 80, source: { type: 'api', id: `d${i}` } })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const http = await Promise.all([1, 2, 3].map((i) => api('POST', `/api/v1/points/${c}/entries`, { kind: 'debit', points: 15 }, { 'idempotency-key': `h${i}` })));
    expect(http.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await pointsBalance(s.deps.store.db, a.id, c)).toBe(5);
    expect(await sums(c)).toEqual({ cached: 5, sum: 5 });
  });

  it('spends the earliest-expiring points first, expires the rest with an entry, refunds a debit', async () => {
    const c = await contact();
    const db = s.deps.store.db;
    const t0 = new Date();
    const day = 86_400_000;
    const at = (d: number) => new Date(t0.getTime() + d * day);
    await creditPoints(db, a.id, { contactId: c, points: 50, source: { type: 'manual', id: 'forever' } }, t0);
    await creditPoints(db, a.id, { contactId: c, points: 30, source: { type: 'service', id: 'promo90' }, expiresAt: at(90).toISOString() }, t0);
    await creditPoints(db, a.id, { contactId: c, points: 20, source: { type: 'lottery', id: 'promo10' }, expiresAt: at(10).toISOString() }, t0);
    const spent = await debitPoints(db, a.id, { contactId: c, points: 25, source: { type: 'redemption', id: 'r1' } }, at(1));
    expect(spent?.balance).toBe(75);
    const remaining = Object.fromEntries((await db.selectFrom('points_entries').select(['source_id', 'remaining']).where('kind', '=', 'credit').where('tenant_id', '=', a.id).execute())
      .filter((r) => ['forever', 'promo90', 'promo10'].includes(r.source_id)).map((r) => [r.source_id, Number(r.remaining)]));
    expect(remaining).toEqual({ forever: 50, promo90: 25, promo10: 0 });
    // day 91: the 90-day promotion's 25 unspent points expire; the balance read before the round already leaves them out
    expect(await pointsBalance(db, a.id, c, at(91))).toBe(50);
    expect(await expirePoints(s.deps.store.db, at(91))).toBeGreaterThanOrEqual(1);
    expect(await expirePoints(s.deps.store.db, at(91))).toBe(0);
    expect(await sums(c)).toEqual({ cached: 50, sum: 50 });
    const expiry = await db.selectFrom('points_entries').selectAll().where('kind', '=', 'expiry').where('tenant_id', '=', a.id).execute();
    expect(expiry.map((e) => Number(e.points))).toContain(-25);
    // cancel the redemption: 25 points back (once), expiring with the latest credit they came from (already past: at once)
    const refund = await refundDebit(db, a.id, { contactId: c, debit: { type: 'redemption', id: 'r1' } }, at(91));
    expect(refund).toMatchObject({ created: true, balance: 75, entry: { kind: 'refund', points: 25, expiresAt: at(90).toISOString() } });
    expect(await pointsBalance(db, a.id, c, at(91))).toBe(50);
    expect(await expirePoints(s.deps.store.db, at(91))).toBe(1);
    expect((await refundDebit(db, a.id, { contactId: c, debit: { type: 'redemption', id: 'r1' } }, at(91))).created).toBe(false);
    expect(await sums(c)).toEqual({ cached: 50, sum: 50 });
    // a refund before the credits' expiry is spendable again
    await debitPoints(db, a.id, { contactId: c, points: 10, source: { type: 'redemption', id: 'r2' } }, at(92));
    const back = await refundDebit(db, a.id, { contactId: c, debit: { type: 'redemption', id: 'r2' } }, at(93));
    expect(back).toMatchObject({ balance: 50, entry: { expiresAt: null } });
    expect(await sums(c)).toEqual({ cached: 50, sum: 50 });
  });

  it('two redemptions at once on two nodes that the balance covers once: one reserved, the other refused, stock and points exact', async () => {
    const db = s.deps.store.db;
    const c = await contact();
    const now = new Date().toISOString();
    await createGift(db, a.id, { code: 'N1', name: '茶具', points: 70, stock: 3 }, now);
    await createGift(db, a.id, { code: 'N2', name: '茶叶', points: 70, stock: 1 }, now);
    await creditPoints(db, a.id, { contactId: c, points: 100, source: { type: 'manual', id: 'seed' } });
    const results = await Promise.all([[s.deps, 'N1'], [other, 'N2'], [s.deps, 'N2'], [other, 'N1']].map(([d, code]) => redeemGift((d as Deps).store.db, a.id, { contactId: c, code: code as string, channel: 'api' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason).every((x) => x === 'insufficient_points' || x === 'out_of_stock')).toBe(true);
    const stock = await db.selectFrom('gifts').select(['code', 'stock']).where('tenant_id', '=', a.id).where('code', 'in', ['N1', 'N2']).execute();
    expect(stock.reduce((x, g) => x + Number(g.stock), 0)).toBe(3);
    expect(await pointsBalance(db, a.id, c)).toBe(30);
    expect(await sums(c)).toEqual({ cached: 30, sum: 30 });
    expect(await db.selectFrom('redemptions').select('id').where('contact_id', '=', c).execute()).toHaveLength(1);
  });
});
