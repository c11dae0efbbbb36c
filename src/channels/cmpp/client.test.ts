import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, until } from '../session/testing.ts';
import type { InboundMessage, Receipt } from '../channel.ts';
import { ReceiptMatcher } from '../receipt-matcher.ts';
import { CmppSimulator, type CmppSimulatorOptions } from '../simulator/cmpp.ts';
import type { SimulatorConfig } from '../simulator/config.ts';
import { CmppChannel } from './client.ts';
import { encodePdu } from './codec.ts';
import { parseCmppConfig, type CmppConfigInput } from './config.ts';
import { Cmd, Version } from './pdus.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ACCOUNT = { systemId: '901234', password: 's3cret' };

async function setup(sim: Partial<SimulatorConfig> = {}, opts: Partial<CmppSimulatorOptions> = {}, cfg: Partial<CmppConfigInput> = {}) {
  const simulator = new CmppSimulator({ accounts: [ACCOUNT], ...sim }, opts);
  const { port } = await simulator.start();
  cleanups.push(() => simulator.stop());
  return { simulator, port, channel: channelTo(port, cfg) };
}

/** A channel (stopped after the test) to a gateway on `port`. */
function channelTo(port: number, cfg: Partial<CmppConfigInput> = {}): CmppChannel {
  const channel = new CmppChannel(parseCmppConfig({
    name: 'cm', type: 'cmpp', host: '127.0.0.1', port, spId: ACCOUNT.systemId, sharedSecret: ACCOUNT.password,
    serviceId: 'MJS0019905', serviceNumber: '1065712345', reconnect: { minMs: 20, maxMs: 200 }, responseTimeoutMs: 2000, ...cfg,
  }));
  cleanups.push(() => channel.stop());
  return channel;
}

for (const [label, version] of [['3.0', Version.v30], ['2.0', Version.v20]] as const) {
  describe(`CmppChannel (CMPP ${label}) against the virtual ISMG`, () => {
    it('logs in, submits from the service number + extension, and matches the report on the exact 64-bit Msg_Id', async () => {
      const { simulator, channel } = await setup({}, {}, { version });
      const receipts = collect<Receipt>(channel, 'receipt');
      await channel.start();
      expect(channel.state()).toMatchObject({ state: 'bound', boundBinds: 1 });
      const r = await channel.submit({ id: 'm1', from: '10657123450123', to: '+8613800138000', text: 'Hello CMPP' });
      expect(r.segments).toBe(1);
      expect(r.carrierIds[0]).toMatch(/^\d{15,20}$/);
      expect(BigInt(r.carrierIds[0]) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      await until(() => receipts.length === 1);
      expect(receipts[0]).toMatchObject({ channel: 'cm', carrierId: r.carrierIds[0], status: 'delivered', stat: 'DELIVRD', err: null });
      expect(simulator.inbox('13800138000')[0]).toMatchObject({ from: '10657123450123', text: 'Hello CMPP', dataCoding: 0 });
    });

    it('sends long Chinese text as UCS-2 parts with TP_udhi + UDH that the handset joins, one Msg_Id per part', async () => {
      const { simulator, channel } = await setup({ outcomes: { undelivered: 1 } }, {}, { version });
      const receipts = collect<Receipt>(channel, 'receipt');
      await channel.start();
      const text = '尊敬的客户，您好！'.repeat(10);
      const r = await channel.submit({ id: 'm2', from: '', to: '13900000001', text });
      expect(r.segments).toBe(2);
      expect(new Set(r.carrierIds).size).toBe(2);
      await until(() => receipts.length === 2);
      expect(receipts.map((x) => x.status)).toEqual(['undelivered', 'undelivered']);
      expect(receipts.map((x) => x.carrierId).sort()).toEqual([...r.carrierIds].sort());
      expect(simulator.inbox('13900000001')[0]).toMatchObject({ from: '1065712345', text, parts: 2, dataCoding: 8 });
    });

    it('joins a long MO and keeps the service number + extension it was sent to', async () => {
      const { simulator, channel } = await setup({}, {}, { version });
      const inbound = collect<InboundMessage>(channel, 'inbound');
      await channel.start();
      const text = '我要订阅每日天气预报，请把上海和北京的都发给我。'.repeat(4);
      expect(simulator.sendMo({ from: '13800138000', to: '106571234501', text })).toBe(2);
      await until(() => inbound.length === 1);
      expect(inbound[0]).toMatchObject({ channel: 'cm', from: '13800138000', to: '106571234501', text, parts: 2, dataCoding: 8 });
    });
  });
}

describe('CmppChannel LinkID (点播 replies)', () => {
  it('CMPP 3.0: an MO\'s LinkID comes with it, a reply carries its own LinkID per message, others the channel\'s', async () => {
    const { simulator, channel } = await setup({}, {}, { linkId: 'CHANNEL-LINK' });
    const inbound = collect<InboundMessage>(channel, 'inbound');
    await channel.start();
    simulator.sendMo({ from: '13800138000', to: '1065712345', text: '点播 天气', linkId: '0123456789ABCDEF0123' });
    simulator.sendMo({ from: '13800138001', to: '1065712345', text: 'no link' });
    await until(() => inbound.length === 2);
    const mo = inbound.find((m) => m.from === '13800138000')!;
    expect(mo.linkId).toBe('0123456789ABCDEF0123');
    expect(inbound.find((m) => m.from === '13800138001')!.linkId).toBeUndefined();
    // the reply to the MO and a long one carry its LinkID in every part; a message without one carries the channel's
    await channel.submit({ id: 'r1', from: '', to: '13800138000', text: '晴', linkId: mo.linkId });
    await channel.submit({ id: 'r2', from: '', to: '13800138002', text: '多云转晴，'.repeat(20), linkId: 'LONG-REPLY' });
    await channel.submit({ id: 'r3', from: '', to: '13800138003', text: 'plain' });
    await until(() => simulator.inbox('13800138003').length === 1);
    expect(simulator.inbox('13800138000')[0]).toMatchObject({ text: '晴', linkId: '0123456789ABCDEF0123' });
    expect(simulator.inbox('13800138002')[0]).toMatchObject({ parts: 2, linkId: 'LONG-REPLY' });
    expect(simulator.inbox('13800138003')[0]).toMatchObject({ text: 'plain', linkId: 'CHANNEL-LINK' });
    // longer than the field's 20 octets: refused for good, nothing sent
    await expect(channel.submit({ id: 'r4', from: '', to: '13800138004', text: 'x', linkId: 'L'.repeat(21) })).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('CMPP 2.0 has Reserve where 3.0 has LinkID: none is sent', async () => {
    const { simulator, channel } = await setup({}, {}, { version: Version.v20, linkId: 'CHANNEL-LINK' });
    await channel.start();
    await channel.submit({ id: 'r1', from: '', to: '13800138000', text: 'hi', linkId: 'PER-MESSAGE' });
    await until(() => simulator.inbox('13800138000').length === 1);
    expect(simulator.inbox('13800138000')[0].linkId).toBeUndefined();
  });
});

describe('CmppChannel texts and faults', () => {
  it('sends GBK (Msg_Fmt 15) when the channel asks for it, and UCS-2 for what GBK cannot hold', async () => {
    const { simulator, channel } = await setup({}, {}, { chineseFormat: 'gbk' });
    await channel.start();
    await channel.submit({ id: 'g1', from: '', to: '13800000001', text: '验证码 123456，五分钟内有效。' });
    await channel.submit({ id: 'g2', from: '', to: '13800000002', text: '生日快乐 🎂' });
    await until(() => simulator.inbox('13800000002').length === 1);
    expect(simulator.inbox('13800000001')[0]).toMatchObject({ text: '验证码 123456，五分钟内有效。', dataCoding: 15 });
    expect(simulator.inbox('13800000002')[0]).toMatchObject({ text: '生日快乐 🎂', dataCoding: 8 });
  });

  it('goes down with "the gateway refused the login: status 3 (authentication)" on a wrong secret, without a reconnect storm', async () => {
    const { channel } = await setup({}, {}, { sharedSecret: 'wrong', configRetryMs: 60_000 });
    await expect(channel.start()).rejects.toMatchObject({ kind: 'config', message: 'the gateway refused the login: status 3 (authentication)' });
    await new Promise((r) => setTimeout(r, 300));
    expect(channel.state()).toMatchObject({ state: 'down', reason: 'the gateway refused the login: status 3 (authentication)' });
    expect(channel.bindAttempts).toBe(1);
  });

  it('refuses a gateway whose AuthenticatorISMG does not prove the shared secret', async () => {
    const { channel } = await setup({}, { ismgSecret: 'other' });
    await expect(channel.start()).rejects.toMatchObject({ kind: 'config', code: 'cmpp-ismg' });
  });

  it('refuses a gateway that answers with another version, saying which', async () => {
    const { channel } = await setup({}, { answerVersion: 0x20 });
    await expect(channel.start()).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('answered version 0x20') });
  });

  it('treats Result 8 (flow control) as throttled: the same parts are retried, nothing lost or doubled', async () => {
    const { simulator, channel } = await setup({ throttleEvery: 3 });
    await channel.start();
    const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => channel.submit({ id: `t${i}`, from: '', to: `1380000${String(i).padStart(4, '0')}`, text: `n${i}` })));
    expect(sent).toHaveLength(12);
    expect(channel.counters().throttled).toBeGreaterThan(0);
    expect(simulator.stats()).toMatchObject({ uniqueMessages: 12, duplicates: 0 });
  });

  it('matches a report that arrives before its submit response once the Msg_Id is stored', async () => {
    const { channel } = await setup({}, { reportBeforeResponse: true });
    const matcher = new ReceiptMatcher<Receipt>();
    const early: (string | undefined)[] = [];
    channel.on('receipt', (r: Receipt) => early.push(matcher.receipt(r)));
    await channel.start();
    const r = await channel.submit({ id: 'early', from: '', to: '13800138000', text: 'race' });
    expect(early).toEqual([undefined]);
    expect(matcher.submitted('cm', r.carrierIds[0], 'early').map((x) => x.carrierId)).toEqual(r.carrierIds);
  });

  it('answers the gateway\'s ACTIVE_TEST, reconnects after its TERMINATE, and ignores an unknown command', async () => {
    const { simulator, channel } = await setup({}, { activeTestMs: 30 });
    await channel.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(simulator.stats().bound).toBe(1);
    expect(channel.counters().reconnects).toBe(0);
    simulator.injectGarbage(encodePdu({ commandId: 0x00000099, sequence: 7 }, Version.v30));
    await until(() => channel.unknownCommands === 1);
    simulator.terminateAll();
    await until(() => channel.counters().reconnects === 1);
    await until(() => channel.state().state === 'bound');
    await channel.submit({ id: 'after', from: '', to: '13800138000', text: 'still here' });
  });

  it('drops a bind whose gateway leaves N ACTIVE_TESTs unanswered, and one that sends an absurd length', async () => {
    let connects = 0;
    let activeTests = 0;
    const server = net.createServer((socket) => {
      connects++;
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        for (let off = 0; off + 12 <= chunk.length; off += chunk.readUInt32BE(off)) {
          const cmd = chunk.readUInt32BE(off + 4);
          const seq = chunk.readUInt32BE(off + 8);
          if (cmd === Cmd.active_test) activeTests++;
          if (cmd !== Cmd.connect) continue;
          // log in without checking (verifyIsmg is off for this gateway), then go silent, or send garbage on the second login
          socket.write(encodePdu({ commandId: Cmd.connect_resp, sequence: seq, status: 0, authenticatorIsmg: Buffer.alloc(16), version: 0x30 }, Version.v30));
          if (connects === 2) socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 5]));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const channel = channelTo((server.address() as net.AddressInfo).port, { verifyIsmg: false, activeTestSeconds: 0.03, responseTimeoutMs: 40, activeTestMisses: 3 });
    const states: string[] = [];
    channel.on('state', (s: { state: string; reason?: string }) => states.push(`${s.state}:${s.reason ?? ''}`));
    await channel.start();
    await until(() => connects >= 3, 8000);
    expect(activeTests).toBeGreaterThanOrEqual(3);
    expect(states.some((s) => s.includes('did not answer 3 keepalives'))).toBe(true);
    expect(states.some((s) => s.includes('frame length'))).toBe(true);
  });
});
