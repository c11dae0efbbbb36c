import { afterEach, describe, expect, it } from 'vitest';
import { collect, until } from '../session/testing.ts';
import type { InboundMessage, InboundPart, Receipt } from '../channel.ts';
import { SendError } from '../errors.ts';
import { Simulator } from '../simulator/simulator.ts';
import { SmppChannel } from './client.ts';
import { parseSmppConfig, type SmppConfigInput } from './config.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(sim: ConstructorParameters<typeof Simulator>[0] = {}, cfg: Partial<SmppConfigInput> = {}) {
  const simulator = new Simulator(sim);
  const { port } = await simulator.start();
  cleanups.push(() => simulator.stop());
  return { simulator, port, channel: channelTo(port, cfg) };
}

/** A channel (stopped after the test) to the simulator on `port`. */
function channelTo(port: number, cfg: Partial<SmppConfigInput> = {}): SmppChannel {
  const channel = new SmppChannel(parseSmppConfig({
    name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret',
    reconnect: { minMs: 20, maxMs: 200 }, responseTimeoutMs: 2000, ...cfg,
  }));
  cleanups.push(() => channel.stop());
  return channel;
}

describe('SmppChannel against the simulator', () => {
  it('binds, submits, and matches receipts with a different id format', async () => {
    const { simulator, channel } = await setup(
      { idStyle: { radix: 16, upper: true, pad: 12 }, receiptIdStyle: { radix: 10 } },
      { idFormat: { submit: 'hex', receipt: 'decimal' } },
    );
    const receipts = collect<Receipt>(channel, 'receipt');
    await channel.start();
    expect(channel.state()).toMatchObject({ state: 'bound', binds: 1, boundBinds: 1 });
    const r = await channel.submit({ id: 'm1', from: '10690', to: '+8613800138000', text: 'Hello' });
    expect(r.segments).toBe(1);
    await until(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ channel: 'sim', carrierId: r.carrierIds[0], status: 'delivered', stat: 'DELIVRD' });
    expect(simulator.inbox('8613800138000')[0]).toMatchObject({ from: '10690', text: 'Hello' });
  });

  it('sends long UCS-2 text as UDH parts that the handset reassembles', async () => {
    const { simulator, channel } = await setup();
    await channel.start();
    const text = '你好，世界！'.repeat(30);
    const r = await channel.submit({ id: 'm2', from: '', to: '8613900000000', text });
    expect(r.segments).toBe(3);
    expect(new Set(r.carrierIds).size).toBe(3);
    expect(simulator.inbox('8613900000000')).toMatchObject([{ text, parts: 3, incomplete: false, dataCoding: 8 }]);
  });

  it('uses SAR TLVs instead of a UDH when configured, in transmitter+receiver mode', async () => {
    const { simulator, channel } = await setup({}, { concat: 'sar', bindMode: 'transmitter+receiver', binds: 2 });
    const receipts = collect<Receipt>(channel, 'receipt');
    await channel.start();
    await until(() => channel.state().boundBinds === 4);
    const text = 'A fairly long GSM message that needs more than one part. '.repeat(4);
    const r = await channel.submit({ id: 'm3', from: '', to: '15550001', text });
    expect(r.segments).toBe(2);
    expect(simulator.inbox('15550001')).toMatchObject([{ text, parts: 2 }]);
    await until(() => receipts.length === 2);
  });

  it('reports a permanent refusal and undelivered receipts by rule', async () => {
    const { channel } = await setup({ rules: [{ suffix: '0000', outcome: 'undelivered' }, { prefix: '999', submitStatus: 0x0b }] });
    const receipts = collect<Receipt>(channel, 'receipt');
    await channel.start();
    await expect(channel.submit({ id: 'bad', from: '', to: '9991', text: 'x' })).rejects.toMatchObject({ kind: 'permanent', code: 'ESME_RINVDSTADR (0x0b)' });
    await channel.submit({ id: 'u', from: '', to: '15550000', text: 'x' });
    await until(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ status: 'undelivered', stat: 'UNDELIV', err: '001' });
    expect(channel.counters()).toMatchObject({ submitted: 1, submitFailed: 1 });
  });

  it('receives MO messages, long UCS-2 ones reassembled', async () => {
    const { simulator, channel } = await setup();
    const inbound = collect<InboundMessage>(channel, 'inbound');
    await channel.start();
    simulator.sendMo({ from: '8613800138000', to: '10690', text: 'TD' });
    const long = 'Ответ: да, я приду завтра. '.repeat(6);
    expect(simulator.sendMo({ from: '8613800138001', to: '10690', text: long })).toBeGreaterThan(1);
    await until(() => inbound.length === 2);
    expect(inbound[0]).toMatchObject({ channel: 'sim', from: '8613800138000', to: '10690', text: 'TD', parts: 1, dataCoding: 0 });
    expect(inbound[1]).toMatchObject({ text: long, dataCoding: 8 });
    expect(inbound[1].parts).toBeGreaterThan(1);
  });

  it('acknowledges the parts of a long MO only once the whole message is stored', async () => {
    const { simulator, channel } = await setup();
    const stored: InboundMessage[] = [];
    let store = (): void => undefined;
    channel.setSink({
      receipt: async () => undefined,
      inbound: (m) => new Promise<void>((resolve) => (store = () => {
        stored.push(m);
        resolve();
      })),
    });
    await channel.start();
    const parts = simulator.sendMo({ from: '8613800138002', to: '10690', text: 'Part of a long reply that needs more than one segment. '.repeat(6) });
    expect(parts).toBeGreaterThan(2);
    await until(() => channel.counters().inbound === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(simulator.stats().receiptsAcked).toBe(0);
    store();
    await until(() => simulator.stats().receiptsAcked === parts);
    expect(stored).toHaveLength(1);
  });

  it('loses no part of a long MO when the channel dies before the message is stored', async () => {
    const { simulator, port, channel } = await setup();
    channel.setSink({ receipt: async () => undefined, inbound: () => new Promise<void>(() => undefined) });
    await channel.start();
    const text = 'A reply the first channel never manages to store, so the carrier keeps it. '.repeat(3);
    const parts = simulator.sendMo({ from: '8613800138003', to: '10690', text });
    await until(() => channel.counters().inbound === 1);
    simulator.dropAll(); // the crash: the connection goes before the store completes
    await channel.stop();
    const next = channelTo(port, { reassemblyTimeoutMs: 200 });
    const stored: InboundMessage[] = [];
    next.setSink({ receipt: async () => undefined, inbound: async (m) => void stored.push(m) });
    await next.start();
    await until(() => stored.length === 1 && simulator.stats().receiptsAcked === parts);
    await new Promise((r) => setTimeout(r, 300)); // past the reassembly timeout: nothing else turns up
    expect(stored).toMatchObject([{ text, parts, from: '8613800138003' }]);
    expect(stored[0].incomplete).toBeUndefined();
  });

  it('hands each part of a long MO to a sink that stores parts, acknowledging each one as soon as its store resolves', async () => {
    const { simulator, channel } = await setup();
    const parts: InboundPart[] = [];
    const whole: InboundMessage[] = [];
    channel.setSink({
      receipt: async () => undefined,
      inbound: async (m) => void whole.push(m),
      part: (p) => { parts.push(p); return p.seq === 1 ? Promise.resolve() : new Promise<void>(() => undefined); },
    });
    await channel.start();
    const text = 'A long reply whose parts are stored one by one, on whichever node they reach. '.repeat(3);
    const n = simulator.sendMo({ from: '8613800138004', to: '10690', text });
    await until(() => parts.length === n && simulator.stats().receiptsAcked === 1);
    const ordered = [...parts].sort((a, b) => a.seq - b.seq);
    expect(ordered.map((p) => p.text).join('')).toBe(text);
    expect(parts.every((p) => p.total === n && p.ref === parts[0].ref && p.from === '8613800138004' && p.timeoutMs > 0)).toBe(true);
    expect(whole).toHaveLength(0);
  });

  it('acknowledges an inbound message whose store is under way before it unbinds on stop (no redelivery, no duplicate)', async () => {
    const { simulator, channel } = await setup();
    const stored: InboundMessage[] = [];
    channel.setSink({ receipt: async () => undefined, inbound: (m) => new Promise<void>((resolve) => setTimeout(() => { stored.push(m); resolve(); }, 300)) });
    await channel.start();
    simulator.sendMo({ from: '8613800138005', to: '10690', text: 'stop while I am being stored' });
    await until(() => channel.counters().inbound === 1);
    await channel.stop();
    expect(stored).toHaveLength(1);
    expect(simulator.stats().receiptsAcked).toBe(1);
  });

  it('logs PDUs per message without secrets', async () => {
    const { channel } = await setup();
    const logs: string[] = [];
    channel.on('log', (e: { summary: string }) => logs.push(e.summary));
    await channel.start();
    await channel.submit({ id: 'm', from: '', to: '1555', text: 'hi' });
    expect(logs[0]).toMatch(/^submit_sm seq=\d+ to=1555/);
    expect(logs[1]).toMatch(/^submit_sm_resp/);
    expect(logs.join()).not.toContain('secret');
  });

  it('rejects with SendError only', async () => {
    const { channel } = await setup();
    await channel.start();
    await channel.stop();
    await expect(channel.submit({ id: 'late', from: '', to: '1', text: 'x' })).rejects.toBeInstanceOf(SendError);
    expect(channel.state().state).toBe('stopped');
  });
});
