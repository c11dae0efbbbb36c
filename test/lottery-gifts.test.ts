import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startHandsets, type Handsets } from './support/handsets.ts';
import { awardPrizes, type FrozenPrize } from '../src/services/lottery/prizes.ts';
import { verifyAudit } from '../src/services/lottery/rules.ts';
import { ensureContactId } from '../src/store/repos/contacts.ts';
import { newId } from '../src/domain/ids.ts';

const SHARED = '10690004';
const hour = 3_600_000;

describe.each(testDatabases)('lottery gift prizes from the gift catalogue on $name', (database) => {
  let rig: Handsets;
  let offsetMs = 0;
  let seq = 0;
  const nextPhone = () => `+86136${String(30_000_000 + (++seq) * 11 + (database.name === 'postgres' ? 400_000 : 0)).slice(0, 8)}`;
  const iso = (ms: number) => new Date(Date.now() + offsetMs + ms).toISOString();
  const db = () => rig.s.deps.store.db;

  beforeAll(async () => {
    rig = await startHandsets(database, { shared: SHARED, code: '77', now: () => new Date(Date.now() + offsetMs) });
  }, 60_000);
  afterAll(async () => rig?.stop());

  const gift = async (code: string, stock: number) => {
    const g = await rig.api('POST', '/api/v1/gifts', { code, name: `礼品${code}`, points: 900, stock });
    expect(g.status, g.body).toBe(201);
    return g.json as { id: string; code: string };
  };
  const stockOf = async (id: string) => (await rig.api('GET', `/api/v1/gifts/${id}`)).json.stock as number;
  const lotteryRedemptions = async (giftId: string) => (await rig.api('GET', '/api/v1/redemptions?limit=1000')).json.redemptions
    .filter((r: { giftId: string; channel: string }) => r.giftId === giftId && r.channel === 'lottery');

  it('refuses a prize that is points and a gift at once, substitute points without a gift, and an unknown gift at open (the lottery stays a draft, no draw)', async () => {
    const both = await rig.api('POST', '/api/v1/services', { type: 'lottery', name: 'x', keywords: ['GBAD1'], config: { opensAt: iso(-hour), closesAt: iso(hour), prizes: [{ name: 'a', count: 1, points: 5, gift: 'G1' }] } });
    expect(both.status).toBe(400);
    expect(both.json.error.message).toMatch(/^config\.prizes\.0\.points: a prize is either points or a gift/);
    const sub = await rig.api('POST', '/api/v1/services', { type: 'lottery', name: 'x', keywords: ['GBAD2'], config: { opensAt: iso(-hour), closesAt: iso(hour), prizes: [{ name: 'a', count: 1, substitutePoints: 5 }] } });
    expect(sub.status).toBe(400);
    expect(sub.json.error.message).toMatch(/substitutePoints applies only to a gift prize/);
    const created = await rig.api('POST', '/api/v1/services', { type: 'lottery', name: 'x', keywords: ['GBAD3'], config: { opensAt: iso(-hour), closesAt: iso(hour), prizes: [{ name: '积分', count: 1, points: 5 }, { name: '神秘礼品', count: 1, gift: 'nope' }] } });
    expect(created.status, created.body).toBe(201);
    const open = await rig.api('POST', `/api/v1/services/${created.json.id}/open`);
    expect(open.status).toBe(400);
    expect(open.json.error.message).toBe('config.prizes.1.gift: there is no gift with code NOPE in the catalogue (prize "神秘礼品")');
    expect((await rig.api('GET', `/api/v1/services/${created.json.id}`)).json.status).toBe('draft');
    expect((await rig.api('GET', `/api/v1/services/${created.json.id}/draws`)).json.draws).toEqual([]);
  });

  it('instant win: two numbers winning at the same moment compete for the last unit; one redemption (no points charged), the other the frozen substitute points', async () => {
    const g = await gift('LAST1', 1);
    const lot = await rig.live({
      type: 'lottery', name: '最后一件', keywords: ['ZH'],
      config: { mode: 'instant', opensAt: iso(-20 * hour), closesAt: iso(30_000), prizes: [{ name: '保温杯', count: 2, gift: 'last1', substitutePoints: 30 }] },
    });
    // the gift is pinned when the lottery opens: a later change of its code does not lose the prize
    expect((await rig.api('PATCH', `/api/v1/gifts/${g.id}`, { code: 'LAST1B' })).status).toBe(200);
    offsetMs += 20_000;
    const phones = [nextPhone(), nextPhone()];
    for (const p of phones) rig.sim.sendMo({ from: p.slice(1), to: rig.address, text: 'ZH' });
    const texts = (await Promise.all(phones.map((p) => rig.waitInbox(p, 1)))).map((t) => t[0]);
    expect(texts.filter((t) => /^恭喜您中奖：保温杯！兑奖码：[2-9A-Z]{8}。$/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /^恭喜您中奖：保温杯！该奖品已发完，已为您改赠30积分。兑奖码：[2-9A-Z]{8}。$/.test(t))).toHaveLength(1);
    expect(await stockOf(g.id)).toBe(0);
    const winners = (await rig.api('GET', `/api/v1/services/${lot.id}/winners`)).json.winners as Array<{ phone: string; award: string; points: number; redemptionId: string | null; claimCode: string; giftId: string }>;
    expect(winners.map((w) => w.award).sort()).toEqual(['gift', 'substitute']);
    const got = winners.find((w) => w.award === 'gift')!;
    const sub = winners.find((w) => w.award === 'substitute')!;
    expect(got).toMatchObject({ points: 0, giftId: g.id });
    expect(sub).toMatchObject({ points: 30, redemptionId: null });
    const [r] = await lotteryRedemptions(g.id);
    expect(r).toMatchObject({ id: got.redemptionId, status: 'reserved', points: 0, phone: got.phone, giftCode: 'LAST1B' });
    expect(r.note).toContain(got.claimCode);
    // no points moved for the gift; the substitute went through the ledger, once, with the entry as its source
    const ledger = await db().selectFrom('points_entries').select(['source_type', 'points']).where('tenant_id', '=', rig.a.id).where('source_type', 'in', ['lottery', 'redemption']).execute();
    expect(ledger).toEqual([{ source_type: 'lottery', points: 30 }]);
    expect((await rig.api('GET', `/api/v1/services/${lot.id}/winners?claimCode=${got.claimCode.toLowerCase()}`)).json.winners.map((w: { phone: string }) => w.phone)).toEqual([got.phone]);
    // cancelling the prize's redemption returns the unit and refunds nothing (it cost nothing)
    const cancelled = await rig.api('PATCH', `/api/v1/redemptions/${r.id}`, { status: 'cancelled' });
    expect(cancelled.status, cancelled.body).toBe(200);
    expect(await stockOf(g.id)).toBe(1);
    expect(await db().selectFrom('points_entries').select('id').where('tenant_id', '=', rig.a.id).where('kind', '=', 'refund').execute()).toEqual([]);
    offsetMs += 20_000;
    const draw = (await rig.api('GET', `/api/v1/services/${lot.id}/draws`)).json.draws[0];
    const audit = (await rig.api('GET', `/api/v1/services/${lot.id}/draws/${draw.id}/audit`)).json;
    expect(audit.prizes[0]).toMatchObject({ name: '保温杯', gift: { id: g.id, code: 'LAST1' }, substitutePoints: 30 });
    expect(verifyAudit(audit)).toMatchObject({ ok: true });
  }, 60_000);

  it('two winners awarded in concurrent transactions take the last unit once: the stock never goes below zero', async () => {
    const g = await gift('LAST2', 1);
    const lot = await rig.live({ type: 'lottery', name: '并发', keywords: ['BF'], config: { opensAt: iso(-hour), closesAt: iso(hour), drawAt: iso(100 * hour), prizes: [{ key: 'G', name: '保温杯', count: 2, gift: 'LAST2' }] } });
    const prizes = JSON.parse((await db().selectFrom('lottery_draws').select('prizes').where('service_id', '=', lot.id).executeTakeFirstOrThrow()).prizes) as FrozenPrize[];
    const now = new Date(Date.now() + offsetMs);
    const entrants = await Promise.all([nextPhone(), nextPhone()].map(async (phone) => {
      const id = newId();
      await db().insertInto('lottery_entries').values({ id, tenant_id: rig.a.id, service_id: lot.id, period: 'once', phone, contact_id: await ensureContactId(db(), rig.a.id, phone, now.toISOString()), source_type: 'keyword', source_id: id, created_at: now.toISOString() }).execute();
      return { entryId: id, phone };
    }));
    const awarded = await Promise.all(entrants.map((e) => db().transaction().execute((trx) => awardPrizes(trx, rig.a.id, lot.id, null, prizes, [{ ...e, contactId: null, prize: 'G' }], now))));
    expect(awarded.map(([w]) => w.award).sort()).toEqual(['gift', 'out_of_stock']);
    expect(await stockOf(g.id)).toBe(0);
    expect(await lotteryRedemptions(g.id)).toHaveLength(1);
  }, 30_000);

  it('draw: stock short of the winners gives the gift to the first drawn, tells the others it ran out, credits points prizes; fulfilled as any redemption', async () => {
    const g = await gift('CUP', 1);
    const lot = await rig.live({
      type: 'lottery', name: '年终抽奖', keywords: ['NZ'],
      config: { mode: 'draw', opensAt: iso(-hour), closesAt: iso(hour), drawAt: iso(100 * hour), prizes: [{ key: 'A', name: '保温杯', count: 2, gift: 'cup' }, { key: 'B', name: '积分奖', count: 1, points: 20 }] },
    });
    const phones = [nextPhone(), nextPhone(), nextPhone()];
    for (const p of phones) expect(await rig.say(p, 'NZ', 1)).toContain('成功参加抽奖');
    offsetMs += 2 * hour;
    const draw = (await rig.api('GET', `/api/v1/services/${lot.id}/draws`)).json.draws[0];
    const run = await rig.api('POST', `/api/v1/services/${lot.id}/draws/${draw.id}/run`);
    expect(run.status, run.body).toBe(200);
    expect(verifyAudit(run.json)).toMatchObject({ ok: true });
    const winners = (await rig.api('GET', `/api/v1/services/${lot.id}/winners`)).json.winners as Array<{ phone: string; prize: string; award: string; points: number; redemptionId: string | null; claimCode: string }>;
    // the first drawn for A gets the unit (prizes are given in the draw's order)
    const order = run.json.winners.map((w: { phone: string }) => w.phone);
    expect(winners.map((w) => [w.phone, w.prize, w.award])).toEqual([[order[0], 'A', 'gift'], [order[1], 'A', 'out_of_stock'], [order[2], 'B', 'points']]);
    expect(await stockOf(g.id)).toBe(0);
    const texts = await Promise.all(winners.map((w) => rig.waitInbox(w.phone, 2).then((t) => t[1])));
    expect(texts[0]).toBe(`恭喜您中奖：保温杯！兑奖码：${winners[0].claimCode}。`);
    expect(texts[1]).toBe('恭喜您中奖：保温杯！很抱歉，该奖品已发完（送完即止），感谢您的参与。');
    expect(texts[2]).toBe(`恭喜您中奖：积分奖！兑奖码：${winners[2].claimCode}。`);
    expect(await db().selectFrom('points_entries').select(['source_id', 'points']).where('tenant_id', '=', rig.a.id).where('source_type', '=', 'lottery').where('points', '=', 20).execute()).toHaveLength(1);
    const results = (await rig.api('GET', `/api/v1/services/${lot.id}/results`)).json.view;
    expect(results.byAward).toEqual({ gift: 1, out_of_stock: 1, points: 1 });
    const fulfilled = await rig.api('PATCH', `/api/v1/redemptions/${winners[0].redemptionId}`, { status: 'fulfilled', note: '已寄出' });
    expect(fulfilled.status, fulfilled.body).toBe(200);
    expect(fulfilled.json).toMatchObject({ status: 'fulfilled', channel: 'lottery', points: 0, note: '已寄出' });
    expect((await rig.api('PATCH', `/api/v1/redemptions/${winners[0].redemptionId}`, { status: 'cancelled' })).status).toBe(409);
  }, 60_000);
});
