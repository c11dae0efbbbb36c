import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { approvedSignature } from './support/signatures.ts';
import { SendBatcher, type Send } from '../src/api/send-batcher.ts';
import { findTenant } from '../src/store/repos/tenants.ts';

// API sends are grouped (src/api/send-batcher.ts): these prove each send still gets exactly its own answer.
describe.each(testDatabases)('grouped API sends on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { price: 5 });
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const post = (t: TestTenant, payload: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: t.headers, payload });
  const balanceOf = async (t: TestTenant) => (await s.app.inject({ url: '/api/v1/tenant', headers: t.headers })).json().balance as string;
  const reserves = async (t: TestTenant) => ((await s.app.inject({ url: '/api/v1/ledger', headers: t.headers })).json().entries as { kind: string; amount: string; note: string }[])
    .filter((e) => e.kind === 'reserve').map((e) => ({ amount: e.amount, note: e.note }));
  /** A batcher that stores a group only once `size` sends wait, so the grouping is certain. */
  const groupOf = (size: number, maxRecipients = 10_000) => new SendBatcher(s.deps, { waitMs: 3_600_000, maxSends: size, maxRecipients });
  const send = async (t: TestTenant, to: string, extra: Partial<Send> = {}): Promise<Send> =>
    ({ tenant: (await findTenant(s.deps.store.db, t.id))!, recipients: [{ phone: to }], text: 'grouped', category: 'notification', channel: null, notBefore: null, ...extra });

  it('answers concurrent sends each with its own messages; a number in two sends is sent twice, twice in one send once', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 1000);
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => post(a, { to: `138001${String(38100 + i)}`, text: `code ${i}` })),
      post(a, { to: '13800138100', text: 'code 0' }),
      post(a, { to: ['13800138199', '+86 138 0013 8199'], text: 'twice' }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual(Array(14).fill(202));
    const messages = results.map((r) => r.json().messages as { id: string | null; to: string; status: string; reason: string | null }[]);
    expect(messages.slice(0, 13).map((m) => m.length)).toEqual(Array(13).fill(1));
    expect(messages[12][0]).toMatchObject({ to: '+8613800138100', status: 'queued' });
    expect(messages[0][0]).toMatchObject({ to: '+8613800138100', status: 'queued' });
    expect(messages[13].map((m) => m.reason)).toEqual([null, 'duplicate']);
    const ids = messages.flat().flatMap((m) => (m.id ? [m.id] : []));
    expect(new Set(ids).size).toBe(14);
    for (const [i, m] of messages.slice(0, 12).entries()) {
      const stored = (await s.app.inject({ url: `/api/v1/messages/${m[0].id}`, headers: a.headers })).json();
      expect(stored).toMatchObject({ to: `+86138001${38100 + i}`, text: expect.stringContaining(`code ${i}`) });
    }
    expect(await balanceOf(a)).toBe(String(1000 - 14 * 5));
  });

  it('reserves a group with one ledger movement when the balance covers it; a number repeated across sends is sent each time', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 100);
    const batch = groupOf(3);
    const sends = await Promise.all(['13800138201', '13800138202', '+8613800138201'].map((to) => send(a, to)));
    const sent = await Promise.all(sends.map((x) => batch.send(x)));
    expect(sent.map((m) => m[0].status)).toEqual(['queued', 'queued', 'queued']);
    expect(await reserves(a)).toEqual([{ amount: '-15', note: '3 api sends' }]);
    expect(await balanceOf(a)).toBe('85');
  });

  it('pre-flights sends with different texts together, each message with its own text, handed to this process\'s dispatcher', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 100);
    const batch = groupOf(3);
    const hand = vi.spyOn(carrier.worker.dispatcher, 'hand');
    try {
      const sends = await Promise.all([['13800138301', 'code 1'], ['13800138302', 'code 2'], ['+8613800138301', 'code 3']].map(([to, text]) => send(a, to, { text })));
      const sent = await Promise.all(sends.map((x) => batch.send(x)));
      expect(sent.map((m) => m[0].status)).toEqual(['queued', 'queued', 'queued']);
      const ids = sent.map((m) => m[0].id);
      expect(hand.mock.calls.flat(2).map((m) => m.id).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      for (const [i, id] of ids.entries()) {
        const m = await waitFor(async () => { const x = (await s.app.inject({ url: `/api/v1/messages/${id}`, headers: a.headers })).json(); return x.submittedAt && x; }, 'the submit');
        expect(m.text).toContain(`code ${i + 1}`);
      }
    } finally {
      hand.mockRestore();
    }
  });

  it('keeps a group within its recipient limit: sends that would pass it go in the next group', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 100);
    const batch = groupOf(10, 3);
    const sends = [await send(a, '13800138701'), await send(a, '13800138702')].map((x) => ({ ...x, recipients: [...x.recipients, { phone: '13800138700' }] }));
    const sent = await Promise.all(sends.map((x) => batch.send(x)));
    expect(sent.map((m) => m.map((x) => x.status))).toEqual([['queued', 'queued'], ['queued', 'queued']]);
    expect(await reserves(a)).toEqual([{ amount: '-10', note: 'api send' }, { amount: '-10', note: 'api send' }]);
  });

  it('refuses exactly the sends the balance cannot cover and stores nothing for them', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 10);
    const batch = groupOf(3);
    const sends = await Promise.all(['13800138301', '13800138302', '13800138303'].map((to) => send(a, to)));
    const results = await Promise.allSettled(sends.map((x) => batch.send(x)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'insufficient_balance', details: { cost: '5' } });
    expect(await balanceOf(a)).toBe('0');
    expect(await reserves(a)).toHaveLength(2);
    const listed = (await s.app.inject({ url: '/api/v1/messages', headers: a.headers })).json().messages as { to: string }[];
    expect(listed.map((m) => m.to).sort()).toEqual(['+8613800138301', '+8613800138302']);
  });

  it('fails only the send that fails: an unknown channel, or a row the database refuses', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 100);
    const db = s.deps.store.db;
    const poison = '+8613800138666';
    if (s.deps.store.dialect === 'sqlite') {
      await sql`create trigger refuse_poison before insert on messages when new.phone = ${sql.lit(poison)} begin select raise(abort, 'refused by test trigger'); end`.execute(db);
    } else {
      await sql`create function refuse_poison() returns trigger language plpgsql as $$ begin if new.phone = ${sql.lit(poison)} then raise exception 'refused by test trigger'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_poison before insert on messages for each row execute function refuse_poison()`.execute(db);
    }
    try {
      const batch = groupOf(4);
      const sends = [await send(a, '13800138401'), await send(a, poison), await send(a, '13800138402', { channel: 'nope' }), await send(a, '13800138403')];
      const results = await Promise.allSettled(sends.map((x) => batch.send(x)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/refused by test trigger/);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_request', details: { field: 'channel' } });
      expect(await balanceOf(a)).toBe('90');
      const listed = (await s.app.inject({ url: '/api/v1/messages', headers: a.headers })).json().messages as { to: string }[];
      expect(listed.map((m) => m.to).sort()).toEqual(['+8613800138401', '+8613800138403']);
    } finally {
      await sql`drop trigger refuse_poison${sql.raw(s.deps.store.dialect === 'sqlite' ? '' : ' on messages')}`.execute(db);
    }
  });

  it('stores an Idempotency-Key answer with its messages, and forgets the key of a refused send so it can be retried', async () => {
    const a = await s.tenant();
    const h = { ...a.headers, 'idempotency-key': 'retry-me' };
    const payload = { to: ['13800138601', '13800138602'], text: 'order shipped' };
    const [refused, other] = await Promise.all([
      s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload }),
      s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { ...a.headers, 'idempotency-key': 'other' }, payload: { to: 'x', text: 'only excluded' } }),
    ]);
    expect(refused.statusCode).toBe(402);
    expect(other.statusCode).toBe(202);
    await credit(s, carrier, a, 10);
    const first = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload });
    expect(first.statusCode).toBe(202);
    const replay = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { ...a.headers, 'idempotency-key': 'other' }, payload: { to: 'x', text: 'only excluded' } })).json()).toEqual(other.json());
    expect(await balanceOf(a)).toBe('0');
  });

  it('takes a revoked key and a suspended tenant out at once, though both are cached', async () => {
    const a = await s.tenant();
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: a.headers, payload: { name: 'short-lived', role: 'operator' } });
    const key = created.json();
    const headers = { authorization: `Bearer ${key.key}` };
    expect((await s.app.inject({ url: '/api/v1/tenant', headers })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/apikeys/${key.prefix}`, headers: a.headers })).statusCode).toBe(200);
    const refused = await s.app.inject({ url: '/api/v1/tenant', headers });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/revoked/);
    await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${a.id}`, headers: carrier.platform, payload: { status: 'suspended' } });
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: a.headers })).statusCode).toBe(403);
  });

  it('uses changed tenant settings for the next send', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 100);
    expect((await post(a, { to: '13800138501', text: 'before' })).statusCode).toBe(202);
    await approvedSignature(s, a, '【新签名】');
    expect((await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { signature: '【新签名】' } })).statusCode).toBe(200);
    const id = (await post(a, { to: '13800138502', text: 'after' })).json().messages[0].id;
    expect((await s.app.inject({ url: `/api/v1/messages/${id}`, headers: a.headers })).json().text).toContain('【新签名】');
  });
});
