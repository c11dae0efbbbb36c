import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { startCarrier, type TestCarrier } from './support/carrier.ts';
import type { Simulator } from '../src/channels/simulator/simulator.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { createWebhook } from '../src/store/repos/webhooks.ts';

const SHARED = '10690003';
const ADDR = `${SHARED}66`;

describe.each(testDatabases)('points, gifts and refer-a-friend through SMPP and the virtual carrier on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let sim: Simulator;
  let carrier: TestCarrier;
  let offsetMs = 0;
  let phoneSeq = 0;
  const nextPhone = () => `+86137${String(30_000_000 + (++phoneSeq) + (database.name === 'postgres' ? 500_000 : 0)).slice(0, 8)}`;

  beforeAll(async () => {
    s = await startTestServer(database, { webhookAllowPrivate: true }, { now: () => new Date(Date.now() + offsetMs) });
    a = await s.tenant();
    carrier = await startCarrier(s, { config: { keepInbox: true }, price: 0 });
    sim = carrier.simulator;
    const now = new Date().toISOString();
    await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
    await setTenantCode(s.deps.store.db, a.id, '66', now);
    await createWebhook(s.deps.store.db, a.id, { url: 'http://127.0.0.1:9/hook', events: ['points.redemption'] }, now);
  }, 60_000);
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const r = await s.app.inject({ method, url, headers: { ...a.headers, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: r.statusCode, json: String(r.headers['content-type']).includes('json') ? r.json() : undefined, body: r.body };
  };
  const live = async (input: Record<string, unknown>) => {
    const c = await api('POST', '/api/v1/services', input);
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    expect((await api('POST', `/api/v1/services/${c.json.id}/open`)).status).toBe(200);
    return c.json as { id: string };
  };
  const member = async (name: string | null = null) => {
    const phone = nextPhone();
    const c = await api('POST', '/api/v1/contacts', { phone, ...(name ? { name } : {}) });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    return { phone, id: c.json.id as string };
  };
  const credit = async (contactId: string, points: number, key: string) => expect((await api('POST', `/api/v1/points/${contactId}/entries`, { points }, { 'idempotency-key': key })).status).toBe(201);
  const balance = async (contactId: string) => (await api('GET', `/api/v1/points/${contactId}`)).json.balance as number;
  /** Texts from a handset and waits for the handset to hold `total` messages in all; returns the last. */
  const say = async (phone: string, text: string, total: number) => {
    sim.sendMo({ from: phone.slice(1), to: ADDR, text });
    await vi.waitFor(() => { if (sim.inbox(phone).length < total) throw new Error(`${phone} has ${sim.inbox(phone).length} of ${total} messages`); }, { timeout: 20_000, interval: 25 });
    return sim.inbox(phone)[total - 1].text;
  };
  const routedAll = async (phone: string, n: number) => vi.waitFor(async () => {
    const rows = await s.deps.store.db.selectFrom('inbound_messages').select('action').where('phone', '=', phone).execute();
    if (rows.length < n || rows.some((r) => r.action === 'pending')) throw new Error('not routed');
    return rows.map((r) => r.action).sort();
  }, { timeout: 20_000, interval: 25 });
  const quiet = () => new Promise((r) => setTimeout(r, 400));

  it('JF answers the balance, DH <code> redeems (points and stock reserved), bad codes and empty stock get their replies and write nothing', async () => {
    await live({ type: 'points', name: '会员积分', config: {} });
    const g1 = await api('POST', '/api/v1/gifts', { code: 'g01', name: '保温杯', points: 80, stock: 5 });
    expect(g1.status, JSON.stringify(g1.json)).toBe(201);
    expect(g1.json.code).toBe('G01');
    expect((await api('POST', '/api/v1/gifts', { code: 'G01', name: 'dup', points: 1, stock: 1 })).status).toBe(409);
    expect((await api('POST', '/api/v1/gifts', { code: 'ZERO', name: '雨伞', points: 10, stock: 0 })).status).toBe(201);
    expect((await api('POST', '/api/v1/gifts', { code: 'BAD', name: 'x', points: 0, stock: 1 })).status).toBe(400);
    const m = await member();
    await credit(m.id, 100, 'seed-1');
    expect(await say(m.phone, 'JF', 1)).toMatch(/^您当前可用积分100分。可兑换：G01 保温杯\(80分\)/);
    expect(await say(m.phone, 'DH', 2)).toContain('DH+礼品代码');
    expect(await say(m.phone, 'DH NOPE', 3)).toContain('没有代码为NOPE的礼品');
    expect(await say(m.phone, 'DH ZERO', 4)).toBe('很抱歉，礼品雨伞已兑完。');
    expect(await say(m.phone, 'dh ｇ01', 5)).toBe('兑换成功：保温杯，扣除80积分，剩余20分。我们将尽快为您发放。');
    expect(await say(m.phone, 'DH G01', 6)).toBe('积分不足：保温杯需要80积分，您当前有20分。');
    expect(await balance(m.id)).toBe(20);
    const gifts = (await api('GET', '/api/v1/gifts')).json.gifts as Array<{ code: string; stock: number }>;
    expect(gifts.find((g) => g.code === 'G01')?.stock).toBe(4);
    expect(gifts.find((g) => g.code === 'ZERO')?.stock).toBe(0);
    const list = (await api('GET', `/api/v1/redemptions?contactId=${m.id}`)).json.redemptions;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ giftCode: 'G01', points: 80, status: 'reserved', channel: 'sms', phone: m.phone });
    // an unknown sender has no points: nothing is reserved
    const stranger = nextPhone();
    expect(await say(stranger, 'DH G01', 1)).toBe('积分不足：保温杯需要80积分，您当前有0分。');
    // the API refuses a gift with zero stock with a reason, and writes nothing
    const zero = await api('POST', '/api/v1/redemptions', { contactId: m.id, giftCode: 'zero' });
    expect(zero.status).toBe(409);
    expect(zero.json.error.details.reason).toBe('out_of_stock');
    expect(await balance(m.id)).toBe(20);
  }, 60_000);

  it('two DH at once that the balance covers once: exactly one redemption; a re-delivered DH redeems once', async () => {
    await api('POST', '/api/v1/gifts', { code: 'C1', name: '毛巾', points: 60, stock: 10 });
    await api('POST', '/api/v1/gifts', { code: 'C2', name: '水杯', points: 60, stock: 10 });
    const m = await member();
    await credit(m.id, 100, 'seed-2');
    sim.sendMo({ from: m.phone.slice(1), to: ADDR, text: 'DH C1' });
    sim.sendMo({ from: m.phone.slice(1), to: ADDR, text: 'DH C2' });
    sim.sendMo({ from: m.phone.slice(1), to: ADDR, text: 'DH C2' });
    expect(await routedAll(m.phone, 3)).toEqual(['duplicate', 'service', 'service']);
    await vi.waitFor(() => { if (sim.inbox(m.phone).length < 2) throw new Error('replies'); }, { timeout: 20_000, interval: 25 });
    await quiet();
    const texts = sim.inbox(m.phone).map((x) => x.text);
    expect(texts).toHaveLength(2);
    expect(texts.filter((t) => t.startsWith('兑换成功'))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('积分不足'))).toHaveLength(1);
    expect(await balance(m.id)).toBe(40);
    expect((await api('GET', `/api/v1/redemptions?contactId=${m.id}`)).json.redemptions).toHaveLength(1);
    const stock = ((await api('GET', '/api/v1/gifts')).json.gifts as Array<{ code: string; stock: number }>).filter((g) => g.code === 'C1' || g.code === 'C2').map((g) => g.stock);
    expect(stock.reduce((x, y) => x + y)).toBe(19);
  }, 60_000);

  it('fulfilment: reserved → fulfilled, or cancelled with the points refunded and the stock back; a points.redemption event each time', async () => {
    await api('POST', '/api/v1/gifts', { code: 'F1', name: '靠枕', points: 30, stock: 2 });
    const m = await member();
    await credit(m.id, 100, 'seed-3');
    const r1 = await api('POST', '/api/v1/redemptions', { contactId: m.id, giftCode: 'F1' });
    const r2 = await api('POST', '/api/v1/redemptions', { contactId: m.id, giftCode: 'F1' });
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect((await api('POST', '/api/v1/redemptions', { contactId: m.id, giftCode: 'F1' })).json.error.details.reason).toBe('out_of_stock');
    expect(await balance(m.id)).toBe(40);
    const done = await api('PATCH', `/api/v1/redemptions/${r1.json.redemption.id}`, { status: 'fulfilled', note: '顺丰 SF123' });
    expect(done.json).toMatchObject({ status: 'fulfilled', note: '顺丰 SF123' });
    const cancel = await api('PATCH', `/api/v1/redemptions/${r2.json.redemption.id}`, { status: 'cancelled' });
    expect(cancel.json.status).toBe('cancelled');
    expect(await balance(m.id)).toBe(70);
    expect(((await api('GET', '/api/v1/gifts')).json.gifts as Array<{ code: string; stock: number }>).find((g) => g.code === 'F1')?.stock).toBe(1);
    const again = await api('PATCH', `/api/v1/redemptions/${r2.json.redemption.id}`, { status: 'cancelled' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('cancelled');
    expect(await balance(m.id)).toBe(70);
    const ledger = (await api('GET', `/api/v1/points/${m.id}`)).json.entries as Array<{ kind: string; points: number; source: { type: string } }>;
    expect(ledger.map((e) => `${e.kind}:${e.points}`)).toEqual(['refund:30', 'debit:-30', 'debit:-30', 'credit:100']);
    const events = await s.deps.store.db.selectFrom('webhook_deliveries').select(['event', 'payload']).where('tenant_id', '=', a.id).where('event', '=', 'points.redemption').execute();
    const mine = events.map((e) => JSON.parse(e.payload) as { id: string; status: string }).filter((p) => p.id === r1.json.redemption.id || p.id === r2.json.redemption.id);
    expect(mine.map((p) => p.status).sort()).toEqual(['cancelled', 'fulfilled', 'reserved', 'reserved']);
    const csv = await api('GET', '/api/v1/redemptions/export?format=csv&lang=zh-CN');
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('礼品');
    expect(csv.body).toContain('F1 靠枕');
    expect(csv.body).toContain('已取消');
    expect(csv.body).toContain(',API,顺丰 SF123'); // the channel by its label ('api' → API), then the note
  }, 60_000);

  it('refer-a-friend: one invitation naming the member, 加入 rewards both once (a re-delivered 加入 too); refusals send no invitation', async () => {
    await live({ type: 'referral', name: '推荐有礼', config: { dailyLimit: 2, validDays: 3, referrerPoints: 100, friendPoints: 50 } });
    const m = await member('王小明');
    const friend = nextPhone();
    expect(await say(m.phone, `推荐 ${friend.slice(3)}`, 1)).toBe(`已向${friend.slice(3)}发送邀请，好友3天内回复“加入”后您将获得100积分。`);
    await vi.waitFor(() => { if (!sim.inbox(friend).length) throw new Error('no invitation'); }, { timeout: 20_000, interval: 25 });
    expect(sim.inbox(friend)[0].text).toBe('您的好友王小明邀请您加入会员，3天内回复“加入”即可获得50积分。');
    // the friend accepts; the carrier delivers the reply twice
    sim.sendMo({ from: friend.slice(1), to: ADDR, text: '加入' });
    sim.sendMo({ from: friend.slice(1), to: ADDR, text: '加入' });
    expect(await routedAll(friend, 2)).toEqual(['duplicate', 'service']);
    await vi.waitFor(() => { if (sim.inbox(friend).length < 2 || sim.inbox(m.phone).length < 2) throw new Error('no rewards'); }, { timeout: 20_000, interval: 25 });
    expect(sim.inbox(friend)[1].text).toBe('欢迎加入！50积分已到账。');
    expect(sim.inbox(m.phone)[1].text).toBe(`您推荐的好友${friend.slice(3)}已加入，100积分已到账。`);
    expect(await say(friend, '加入！', 3)).toBe('您已经加入，无需重复回复。');
    const friendId = (await s.deps.store.db.selectFrom('contacts').select('id').where('tenant_id', '=', a.id).where('phone', '=', friend).executeTakeFirstOrThrow()).id;
    expect(await balance(friendId)).toBe(50);
    expect(await balance(m.id)).toBe(100);
    const entries = (await api('GET', `/api/v1/points/${m.id}`)).json.entries;
    expect(entries).toHaveLength(1);
    expect(entries[0].source.type).toBe('referral');
    await quiet();
    expect(sim.inbox(friend)).toHaveLength(3);

    // refusals: no invitation at all
    const optedOut = nextPhone();
    const blocked = nextPhone();
    expect((await api('POST', '/api/v1/contacts', { phone: optedOut })).status).toBe(201);
    await s.deps.store.db.updateTable('contacts').set({ opted_out_at: new Date().toISOString() }).where('tenant_id', '=', a.id).where('phone', '=', optedOut).execute();
    expect((await api('POST', '/api/v1/blocklist', { phones: [blocked] })).status).toBe(200);
    const other = await member();
    let n = 1;
    expect(await say(m.phone, `推荐 ${m.phone.slice(3)}`, 2 + n++)).toBe('不能推荐您自己的号码哦。');
    expect(await say(m.phone, `推荐 ${other.phone.slice(3)}`, 2 + n++)).toBe(`${other.phone.slice(3)}已经是会员了，感谢您的推荐。`);
    expect(await say(m.phone, `推荐 ${optedOut.slice(3)}`, 2 + n++)).toBe(`很抱歉，无法向${optedOut.slice(3)}发送邀请。`);
    expect(await say(m.phone, `推荐 ${blocked.slice(3)}`, 2 + n++)).toBe(`很抱歉，无法向${blocked.slice(3)}发送邀请。`);
    expect(await say(m.phone, '推荐 12345', 2 + n++)).toBe('“12345”不是有效的手机号码，请核对后重试。');
    expect(await say(m.phone, '推荐 010-88886666', 2 + n++)).toBe('1088886666是固定电话，无法接收邀请短信，请推荐好友的手机号码。');
    expect(await say(m.phone, '推荐', 2 + n++)).toBe('请回复“推荐+好友手机号”，例如 推荐 13900001111。');
    // a joined friend is a member now
    expect(await say(other.phone, `推荐 ${friend.slice(3)}`, 1)).toBe(`${friend.slice(3)}已经是会员了，感谢您的推荐。`);
    // the daily limit (2): the member's second invitation today passes, the third is refused
    const f2 = nextPhone();
    const f3 = nextPhone();
    expect(await say(m.phone, `推荐 ${f2.slice(3)}`, 2 + n++)).toContain('已向');
    expect(await say(m.phone, `推荐 ${f3.slice(3)}`, 2 + n)).toBe('您今天已推荐2位好友，请明天再来。');
    // a friend someone referred first: a polite refusal
    expect(await say(other.phone, `推荐 ${f2.slice(3)}`, 2)).toBe(`${f2.slice(3)}已被其他会员推荐过，感谢您的支持。`);
    await quiet();
    for (const p of [optedOut, blocked, other.phone, f3]) expect(sim.inbox(p).filter((x) => x.text.includes('邀请您'))).toHaveLength(0);
    expect(sim.inbox(f2)).toHaveLength(1);
    // not a member: no invitation either
    const stranger = nextPhone();
    expect(await say(stranger, `推荐 ${f3.slice(3)}`, 1)).toBe('推荐好友仅限会员参加。');
    // the invitation of f2 runs out after 3 days
    offsetMs = 4 * 86_400_000;
    expect(await say(f2, '加入', 2)).toBe('很抱歉，邀请已过期。');
    offsetMs = 0;
    const listed = (await api('GET', `/api/v1/referrals?referrer=${encodeURIComponent(m.phone)}`)).json.referrals as Array<{ friendPhone: string; status: string }>;
    expect(Object.fromEntries(listed.map((r) => [r.friendPhone, r.status]))).toEqual({ [friend]: 'joined', [f2]: 'expired' });
    const expired = (await api('GET', `/api/v1/referrals?status=expired&referrer=${encodeURIComponent(m.phone)}`)).json.referrals as Array<{ friendPhone: string }>;
    expect(expired.map((r) => r.friendPhone)).toEqual([f2]);
  }, 120_000);

  it('two members refer the same friend at once: exactly one invitation', async () => {
    const [x, y] = [await member(), await member()];
    const friend = nextPhone();
    sim.sendMo({ from: x.phone.slice(1), to: ADDR, text: `推荐${friend.slice(3)}` });
    sim.sendMo({ from: y.phone.slice(1), to: ADDR, text: `推荐 ${friend.slice(3)}` });
    await vi.waitFor(() => { if (sim.inbox(x.phone).length + sim.inbox(y.phone).length < 2) throw new Error('replies'); }, { timeout: 20_000, interval: 25 });
    await quiet();
    const replies = [...sim.inbox(x.phone), ...sim.inbox(y.phone)].map((m) => m.text);
    expect(replies.filter((t) => t.startsWith('已向'))).toHaveLength(1);
    expect(replies.filter((t) => t.includes('已被其他会员推荐过'))).toHaveLength(1);
    expect(sim.inbox(friend)).toHaveLength(1);
  }, 60_000);

  it('three referrals of one member at once with a daily limit of 2: exactly two invitations', async () => {
    const z = await member();
    const friends = [nextPhone(), nextPhone(), nextPhone()];
    for (const f of friends) sim.sendMo({ from: z.phone.slice(1), to: ADDR, text: `推荐 ${f.slice(3)}` });
    await vi.waitFor(() => { if (sim.inbox(z.phone).length < 3) throw new Error('replies'); }, { timeout: 20_000, interval: 25 });
    await quiet();
    const replies = sim.inbox(z.phone).map((m) => m.text);
    expect(replies.filter((t) => t.startsWith('已向'))).toHaveLength(2);
    expect(replies.filter((t) => t.startsWith('您今天已推荐2位好友'))).toHaveLength(1);
    expect(friends.map((f) => sim.inbox(f).length).sort()).toEqual([0, 1, 1]);
    expect(await s.deps.store.db.selectFrom('referrals').select('id').where('referrer_phone', '=', z.phone).execute()).toHaveLength(2);
  }, 60_000);
});
