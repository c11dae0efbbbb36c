import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { waitFor, withCarrier } from './support/carrier.ts';
import type { InboundPart } from '../src/channels/channel.ts';
import { storeInboundPart, sweepInboundParts } from '../src/worker/inbound-parts.ts';

describe.each(testDatabases)('long inbound messages joined from stored parts on $name', (database) => {
  const rig = withCarrier(database);
  let ref = 0;

  const part = (from: string, total: number, seq: number, text: string, timeoutMs = 60_000): InboundPart =>
    ({ channel: 'sim', from, to: '10690001', ref, total, seq, text, dataCoding: 8, receivedAt: new Date(), timeoutMs });
  const inbound = (from: string) => rig.s.deps.store.db.selectFrom('inbound_messages').selectAll().where('raw_from', '=', from).execute();
  const leftover = async () => Number((await rig.s.deps.store.db.selectFrom('inbound_parts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())!.n);

  it('joins the parts once the last arrives, in any order and from any node, and a part offered twice counts once', async () => {
    ref = 7;
    const from = '8613800138301';
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, part(from, 3, 3, '三。'));
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, part(from, 3, 1, '第一，'));
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, part(from, 3, 1, '第一，'));
    expect(await inbound(from)).toHaveLength(0);
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, part(from, 3, 2, '第二，'));
    const [m] = await inbound(from);
    expect(m).toMatchObject({ text: '第一，第二，三。', parts: 3, incomplete: 0, to_number: '10690001', data_coding: 8 });
    expect(await leftover()).toBe(0);
  });

  it('keeps the octets of every part when one of them did not decode, and none when all did', async () => {
    ref = 10;
    const from = '8613800138305';
    // 你好 in GBK, then a lead octet without a valid trail: part 2 did not decode
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, { ...part(from, 2, 1, '你好'), dataCoding: 15, octets: 'c4e3bac3' });
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, { ...part(from, 2, 2, '\ufffd ok'), dataCoding: 15, octets: '81206f6b', raw: '81206f6b' });
    expect(await inbound(from)).toMatchObject([{ text: '你好\ufffd ok', parts: 2, raw_content: 'c4e3bac381206f6b' }]);
    ref = 11;
    const clean = '8613800138306';
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, { ...part(clean, 2, 2, '好'), octets: '597d' });
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, { ...part(clean, 2, 1, '你'), octets: '4f60' });
    expect(await inbound(clean)).toMatchObject([{ text: '你好', raw_content: null }]);
  });

  it('stores what arrived, marked incomplete, once the wait for the missing parts is over', async () => {
    ref = 8;
    const from = '8613800138302';
    await storeInboundPart(rig.s.deps, rig.carrier.channelId, part(from, 2, 1, 'only the first half', 1));
    await new Promise((r) => setTimeout(r, 20));
    expect(await sweepInboundParts(rig.s.deps)).toBeGreaterThanOrEqual(1);
    expect(await inbound(from)).toMatchObject([{ text: 'only the first half', parts: 1, incomplete: 1 }]);
  });

  it('joins a complete group a stopped node left behind, on the next sweep', async () => {
    ref = 9;
    const from = '8613800138303';
    const at = new Date().toISOString();
    await rig.s.deps.store.db.insertInto('inbound_parts').values([1, 2].map((seq) => ({
      channel_id: rig.carrier.channelId, source: from, destination: '10690001', ref, total: 2, seq, text: seq === 1 ? 'left ' : 'behind',
      channel: 'sim', data_coding: 0, received_at: at, expires_at: new Date(Date.now() + 60_000).toISOString(),
    }))).execute();
    await sweepInboundParts(rig.s.deps);
    expect(await inbound(from)).toMatchObject([{ text: 'left behind', parts: 2, incomplete: 0 }]);
  });

  it('a long MO from a handset reaches the inbox whole through the carrier and the worker', async () => {
    const from = '8613800138304';
    const text = '您好，我想咨询一下会员卡积分兑换的规则，以及本周末门店的营业时间和停车安排，谢谢！请尽快回复我，我周六上午就要过去，另外想问问有没有适合老人的体检套餐和价格。';
    expect(rig.carrier.simulator.sendMo({ from, to: '10690001', text })).toBeGreaterThan(1);
    const stored = await waitFor(async () => { const r = await inbound(from); return r.length > 0 ? r : null; }, 'the joined message');
    expect(stored).toMatchObject([{ text, incomplete: 0 }]);
    expect(await leftover()).toBe(0);
  });
});
