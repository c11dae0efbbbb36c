import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startHandsets, type Handsets } from './support/handsets.ts';
import type { TestServer, TestTenant } from './support/server.ts';
import { tidings } from './support/node.ts';
import type { Simulator } from '../src/channels/simulator/simulator.ts';
import { luhnDigit } from '../src/services/codes/rules.ts';
import { verifyAudit, type DrawAudit } from '../src/services/lottery/rules.ts';
import { serviceTimerRound } from '../src/services/engine.ts';

const SHARED = '10690003';
const ADDR = `${SHARED}66`;
const hour = 3_600_000;

describe.each(testDatabases)('SMS lottery and anti-counterfeit codes through SMPP and the virtual carrier on $name', (database) => {
  let rig: Handsets;
  let s: TestServer;
  let a: TestTenant;
  let sim: Simulator;
  let offsetMs = 0;
  let seq = 0;
  const nextPhone = () => `+86139${String(10_000_000 + (++seq) * 7 + (database.name === 'postgres' ? 300_000 : 0)).slice(0, 8)}`;
  const iso = (ms: number) => new Date(Date.now() + offsetMs + ms).toISOString();

  beforeAll(async () => {
    rig = await startHandsets(database, { shared: SHARED, code: '66', now: () => new Date(Date.now() + offsetMs) });
    ({ s, a, sim } = rig);
  }, 60_000);
  afterAll(async () => rig?.stop());

  const api: Handsets['api'] = (...args) => rig.api(...args);
  const live: Handsets['live'] = (input) => rig.live(input);
  const waitInbox: Handsets['waitInbox'] = (phone, total) => rig.waitInbox(phone, total);
  const say: Handsets['say'] = (phone, text, total) => rig.say(phone, text, total);
  const routedAll = (phones: string[]) => vi.waitFor(async () => {
    const rows = await s.deps.store.db.selectFrom('inbound_messages').select(['action']).where('tenant_id', '=', a.id).where('phone', 'in', phones).execute();
    if (rows.length < phones.length || rows.some((r) => r.action === 'pending')) throw new Error('not routed yet');
    return rows;
  }, { timeout: 20_000, interval: 25 });
  const quiet = () => new Promise((r) => setTimeout(r, 500));
  const exportCodes = async (batchId: string) => {
    const csv = await api('GET', `/api/v1/code-batches/${batchId}/export?format=csv`);
    expect(csv.status, csv.body).toBe(200);
    return csv.body.trim().split('\n').slice(1).map((l) => l.split(',')[1]);
  };

  let codesId = '';
  let drawLotteryId = '';
  let codes: string[] = [];

  it('generates a batch with Luhn check digits, exports it for the printer, and keeps only keyed hashes in the database', async () => {
    const bad = await api('POST', '/api/v1/code-batches', { product: '茅台', count: 5, length: 6 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/length/);
    const b = await api('POST', '/api/v1/code-batches', { product: '飞天茅台 500ml', name: '2026-12 批次', count: 40, length: 16 });
    expect(b.status, b.body).toBe(201);
    expect(b.json).toMatchObject({ count: 40, length: 16, source: 'generated' });
    codes = await exportCodes(b.json.id);
    expect(codes).toHaveLength(40);
    expect(new Set(codes).size).toBe(40);
    for (const c of codes) expect(luhnDigit(c.slice(0, -1))).toBe(c.slice(-1));
    expect(await exportCodes(b.json.id)).toEqual(codes);
    const xlsx = await s.app.inject({ url: `/api/v1/code-batches/${b.json.id}/export?format=xlsx`, headers: a.headers });
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const rows = await s.deps.store.db.selectFrom('codes').selectAll().where('tenant_id', '=', a.id).execute();
    expect(rows).toHaveLength(40);
    const stored = JSON.stringify(rows) + JSON.stringify(await s.deps.store.db.selectFrom('code_batches').selectAll().execute());
    for (const c of codes) expect(stored).not.toContain(c);
    if (database.name === 'sqlite') {
      const file = readFileSync(path.join(s.deps.config.dataDir, 'tidings.db')).toString('latin1');
      for (const c of codes) expect(file).not.toContain(c);
    }
    const imported = await api('POST', '/api/v1/code-batches/import', { product: '进口批次', length: 16, codes: [codes[0], '1234', `${'1'.repeat(15)}0`, '4539578763621486', '4539-5787-6362-1486'] });
    expect(imported.status, imported.body).toBe(201);
    expect(imported.json.batch.count).toBe(1);
    expect(imported.json.rejects.map((r: { line: number; reason: string }) => `${r.line}:${r.reason}`)).toEqual(['1:duplicate', '2:length', '3:check_digit', '5:duplicate']);
  }, 60_000);

  it('answers every result of a check from a tenant template: genuine first, again by you, checked N times before, check digit, length, not found', async () => {
    const lotteryFed = await live({
      type: 'lottery', name: '扫码抽奖', keywords: ['CJFW'],
      config: { mode: 'draw', opensAt: iso(-hour), closesAt: iso(10 * hour), drawAt: iso(100 * hour), keywordEntry: false, fedBy: [], prizes: [{ name: '一等奖', count: 1, points: 100 }] },
    });
    expect(lotteryFed.id).toBeTruthy();
    const svc = await live({ type: 'codes', name: '防伪查询', keywords: ['FW'], config: { length: 16, points: 10, slowAfter: 50, stopAfter: 60 } });
    codesId = svc.id;
    const [p1, p2, p3] = [nextPhone(), nextPhone(), nextPhone()];
    const c = codes[0];
    expect(await say(p1, c, 1)).toContain('正品防伪码，首次查询');
    expect(await say(p1, `FW ${c.slice(0, 4)}-${c.slice(4, 8)} ${c.slice(8)}`, 2)).toMatch(/已于\d{4}-\d\d-\d\d \d\d:\d\d由您查询过/);
    expect(await say(p2, c.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), 1)).toMatch(/此前已被查询2次，首次查询于\d{4}-/);
    const wrong = c.slice(0, -1) + String((Number(c.slice(-1)) + 1) % 10);
    expect(await say(p3, wrong, 1)).toContain('校验位');
    expect(await say(p3, '12345678', 2)).toContain('应为16位');
    expect(await say(p3, 'FW 4539578763621487', 3)).toContain('校验位');
    expect(await say(p3, '4111111111111111', 4)).toContain('查无此防伪码');
    expect(await say(p3, 'FW', 5)).toContain('16位防伪码');
    const credits = await s.deps.store.db.selectFrom('points_entries').select(['source_type', 'source_id', 'points']).where('tenant_id', '=', a.id).where('source_type', '=', 'code_check').execute();
    expect(credits).toHaveLength(1);
    expect(credits[0].points).toBe(10);
    const stats = await api('GET', `/api/v1/code-checks/stats?serviceId=${svc.id}`);
    const byResult = Object.fromEntries(stats.json.byResult.map((r: { key: string; n: number }) => [r.key, r.n]));
    expect(byResult).toMatchObject({ genuine: 1, again_same: 1, again_other: 1, check_digit: 2, length: 1, not_found: 1 });
    expect(stats.json.byProvince.length).toBeGreaterThan(0);
    expect(stats.json.byProduct.find((r: { key: string }) => r.key === '飞天茅台 500ml')).toBeTruthy();
  }, 60_000);

  it('decides the first check by one conditional update: 8 numbers sending one code at once get one "genuine"; one lottery entry and one credit; a re-delivered MO counts once', async () => {
    const lot = await live({
      type: 'lottery', name: '正品抽奖', keywords: ['ZPCJ'],
      config: { mode: 'draw', opensAt: iso(-hour), closesAt: iso(2 * hour), drawAt: iso(100 * hour), keywordEntry: false, fedBy: [codesId], prizes: [{ name: '一等奖', count: 3, points: 50 }] },
    });
    drawLotteryId = lot.id;
    const phones = Array.from({ length: 8 }, nextPhone);
    const c = codes[1];
    for (const p of phones) sim.sendMo({ from: p.slice(1), to: ADDR, text: c });
    await routedAll(phones);
    await quiet();
    const replies = (await Promise.all(phones.map((p) => waitInbox(p, 1)))).map((r) => r.join('\n'));
    const genuine = (r: string) => r.includes('正品防伪码，首次查询');
    expect(replies.filter(genuine)).toHaveLength(1);
    expect(replies.filter((r) => r.includes('谨防假冒'))).toHaveLength(7);
    const winner = phones[replies.findIndex(genuine)];
    expect(replies.find(genuine)).toContain('成功参加抽奖');
    expect(replies.filter((r) => r.includes('抽奖'))).toHaveLength(1);
    const entries = await s.deps.store.db.selectFrom('lottery_entries').selectAll().where('service_id', '=', lot.id).execute();
    expect(entries.map((e) => e.phone)).toEqual([winner]);
    expect(entries[0].source_type).toBe('codes');
    const hashRow = await s.deps.store.db.selectFrom('codes').select(['checks', 'first_phone']).where('tenant_id', '=', a.id).where('first_phone', '=', winner).executeTakeFirstOrThrow();
    expect(hashRow.checks).toBe(8);
    // the same MO again (a carrier's re-delivery) is one check, one reply
    const p = nextPhone();
    sim.sendMo({ from: p.slice(1), to: ADDR, text: codes[2] });
    sim.sendMo({ from: p.slice(1), to: ADDR, text: codes[2] });
    await vi.waitFor(async () => {
      const rows = await s.deps.store.db.selectFrom('inbound_messages').select('action').where('phone', '=', p).execute();
      if (rows.length < 2 || rows.some((r) => r.action === 'pending')) throw new Error('not routed');
      expect(rows.map((r) => r.action).sort()).toEqual(['duplicate', 'service']);
    }, { timeout: 20_000, interval: 25 });
    await quiet();
    // one reply to the check and one from the lottery it entered, once
    expect(sim.inbox(p).map((m) => m.text)).toEqual([expect.stringContaining('正品防伪码，首次查询'), expect.stringContaining('成功参加抽奖')]);
    const credits = await s.deps.store.db.selectFrom('points_entries').select('source_id').where('tenant_id', '=', a.id).where('source_type', '=', 'code_check').execute();
    expect(credits).toHaveLength(3);
    expect(new Set(credits.map((x) => x.source_id)).size).toBe(3);
  }, 60_000);

  it('slows a number trying codes in a loop, then tells it to stop once and stays silent', async () => {
    const svc = await s.deps.store.db.selectFrom('services').select('config').where('id', '=', codesId).executeTakeFirstOrThrow();
    expect(JSON.parse(svc.config).slowAfter).toBe(50);
    await live({ type: 'codes', name: '限流', keywords: ['XL'], number: ADDR, config: { length: 16, bare: false, slowAfter: 2, slowSeconds: 3600, stopAfter: 4 } });
    const p = nextPhone();
    const texts = [];
    for (let i = 0; i < 4; i++) texts.push(await say(p, `XL ${codes[10 + i]}`, i + 1));
    expect(texts.slice(0, 3).every((t) => t.includes('正品防伪码，首次查询'))).toBe(true);
    expect(texts[3]).toMatch(/过于频繁，请\d+秒后再试/);
    expect(await say(p, `XL ${codes[14]}`, 5)).toContain('不再受理');
    sim.sendMo({ from: p.slice(1), to: ADDR, text: `XL ${codes[15]}` });
    await quiet();
    await quiet();
    expect(sim.inbox(p)).toHaveLength(5);
    const firsts = await s.deps.store.db.selectFrom('codes').select('hash').where('first_phone', '=', p).execute();
    expect(firsts).toHaveLength(3);
  }, 60_000);

  it('lottery: texts before the window get their reply and no entry; one entry per number; rules frozen after opening; closed after the window', async () => {
    const lot = await live({
      type: 'lottery', name: '元旦抽奖', keywords: ['CJ'],
      config: { mode: 'draw', opensAt: iso(hour), closesAt: iso(3 * hour), drawAt: iso(200 * hour), prizes: [{ key: 'A', name: '一等奖', count: 1, points: 500 }, { key: 'B', name: '二等奖', count: 2 }] },
    });
    const p = nextPhone();
    expect(await say(p, 'CJ', 1)).toContain('尚未开始');
    const changed = await api('PATCH', `/api/v1/services/${lot.id}`, { config: { mode: 'draw', opensAt: iso(-hour), closesAt: iso(3 * hour), prizes: [{ name: 'x', count: 9 }] } });
    expect(changed.status).toBe(409);
    expect(changed.json.error.message).toMatch(/frozen/);
    const bad = await api('POST', '/api/v1/services', { type: 'lottery', name: 'x', keywords: ['CJBAD'], config: { opensAt: iso(hour), closesAt: iso(-hour), prizes: [{ name: 'a', count: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/closesAt/);
    const draws = (await api('GET', `/api/v1/services/${lot.id}/draws`)).json.draws;
    expect(draws).toHaveLength(1);
    expect(draws[0].seedHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await api('GET', `/api/v1/services/${lot.id}/draws/${draws[0].id}/audit`)).json.seed).toBeNull();
    offsetMs += 2 * hour;
    const phones = [p, ...Array.from({ length: 5 }, nextPhone)];
    for (const x of phones) sim.sendMo({ from: x.slice(1), to: ADDR, text: 'cj' });
    await vi.waitFor(async () => {
      const n = await s.deps.store.db.selectFrom('lottery_entries').select('id').where('service_id', '=', lot.id).execute();
      if (n.length < 6) throw new Error(`${n.length} entries`);
    }, { timeout: 20_000, interval: 25 });
    expect(await say(phones[1], 'CJ', 2)).toContain('已参加过');
    const early = await api('POST', `/api/v1/services/${lot.id}/draws/${draws[0].id}/run`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toMatch(/window is open/);
    offsetMs += 2 * hour;
    expect(await say(phones[2], 'CJ', 2)).toContain('已结束');
    expect(await s.deps.store.db.selectFrom('lottery_entries').select('id').where('service_id', '=', lot.id).execute()).toHaveLength(6);
    const run = await api('POST', `/api/v1/services/${lot.id}/draws/${draws[0].id}/run`);
    expect(run.status, run.body).toBe(200);
    expect(run.json.winners).toHaveLength(3);
    expect(run.json.allWin).toBe(false);
    expect(new Set(run.json.winners.map((w: { phone: string }) => w.phone)).size).toBe(3);
    expect((await api('POST', `/api/v1/services/${lot.id}/draws/${draws[0].id}/run`)).status).toBe(409);
    const audit = (await api('GET', `/api/v1/services/${lot.id}/draws/${draws[0].id}/audit`)).json as DrawAudit & { seedHash: string };
    expect(audit.seedHash).toBe(draws[0].seedHash);
    expect(audit.entries).toHaveLength(6);
    expect(verifyAudit(audit)).toMatchObject({ ok: true });
    // winners get an SMS with their claim code; the first prize's points go through the ledger
    const winners = (await api('GET', `/api/v1/services/${lot.id}/winners`)).json.winners;
    for (const w of winners) {
      await vi.waitFor(() => { if (!sim.inbox(w.phone).some((m) => m.text.includes(w.claimCode))) throw new Error(`no claim code SMS to ${w.phone}`); }, { timeout: 20_000, interval: 25 });
    }
    const credit = await s.deps.store.db.selectFrom('points_entries').select(['points', 'source_id']).where('tenant_id', '=', a.id).where('source_type', '=', 'lottery').execute();
    expect(credit).toEqual([{ points: 500, source_id: winners.find((w: { prize: string }) => w.prize === 'A').entryId }]);
    // the audit replayed offline by the CLI, and a changed list is a mismatch
    const file = path.join(s.deps.config.dataDir, 'audit.json');
    writeFileSync(file, JSON.stringify(audit));
    const env = { ...process.env, TIDINGS_DATA_DIR: s.deps.config.dataDir };
    expect(await tidings(env, 'lottery', 'verify', file)).toMatch(/^OK: hmac-sha256-ctr-rejection\/v1/);
    writeFileSync(file, JSON.stringify({ ...audit, entries: [...audit.entries.slice(0, -1), `${audit.entries[5].split(':')[0]}:+8613900000000`] }));
    const mismatch = await tidings(env, 'lottery', 'verify', file).then(() => '', (e: { stdout: string; code: number }) => `${e.code} ${e.stdout}`);
    expect(mismatch).toMatch(/^1 mismatch: the entry list does not hash/);
  }, 90_000);

  it('draws by itself at its time on the timer round; fewer entries than prizes: every entry wins, and the audit says so', async () => {
    const expected = await s.deps.store.db.selectFrom('lottery_entries').select('id').where('service_id', '=', drawLotteryId).execute();
    const draws = (await api('GET', `/api/v1/services/${drawLotteryId}/draws`)).json.draws;
    await serviceTimerRound(s.deps);
    expect((await api('GET', `/api/v1/services/${drawLotteryId}/draws/${draws[0].id}/audit`)).json.status).toBe('committed');
    offsetMs += 100 * hour;
    await serviceTimerRound(s.deps);
    const audit = (await api('GET', `/api/v1/services/${drawLotteryId}/draws/${draws[0].id}/audit`)).json;
    expect(audit.status).toBe('drawn');
    expect(audit.allWin).toBe(true);
    expect(audit.winners).toHaveLength(expected.length);
    expect(verifyAudit(audit)).toMatchObject({ ok: true });
  }, 60_000);

  it('instant win: 12 numbers entering at once never get more prizes than the stock', async () => {
    const lot = await live({
      type: 'lottery', name: '即开即中', keywords: ['JK'],
      config: { mode: 'instant', opensAt: iso(-20 * hour), closesAt: iso(30_000), winAgain: false, prizes: [{ name: '优惠券', count: 3 }] },
    });
    offsetMs += 20_000;
    const phones = Array.from({ length: 12 }, nextPhone);
    for (const p of phones) sim.sendMo({ from: p.slice(1), to: ADDR, text: 'JK' });
    await routedAll(phones);
    const texts = (await Promise.all(phones.map((p) => waitInbox(p, 1)))).map((t) => t[0]);
    expect(texts.filter((t) => t.includes('恭喜您中奖'))).toHaveLength(3);
    expect(texts.filter((t) => t.includes('未中奖'))).toHaveLength(9);
    const winners = await s.deps.store.db.selectFrom('lottery_winners').select('entry_id').where('service_id', '=', lot.id).execute();
    expect(winners).toHaveLength(3);
    offsetMs += 20_000;
    const draws = (await api('GET', `/api/v1/services/${lot.id}/draws`)).json.draws;
    const audit = (await api('GET', `/api/v1/services/${lot.id}/draws/${draws[0].id}/audit`)).json;
    expect(audit.moments).toHaveLength(3);
    expect(verifyAudit(audit)).toMatchObject({ ok: true });
  }, 60_000);
});
