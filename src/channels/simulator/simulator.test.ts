import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, Receipt } from '../channel.ts';
import { SmppChannel } from '../smpp/client.ts';
import { decodePdu, encodePdu } from '../smpp/codec.ts';
import { parseSmppConfig } from '../smpp/config.ts';
import { Cmd, Status, type Pdu } from '../smpp/pdus.ts';
import { forkSimulator, type SimulatorChild } from './child.ts';
import { pickOutcome, renderId, seededRandom, type SimulatorConfig } from './config.ts';
import { runSimulatorProcess } from './process.ts';
import { Simulator } from './simulator.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(config: Partial<SimulatorConfig> = {}) {
  const sim = new Simulator(config);
  const { port } = await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, port };
}

async function channelFor(port: number, extra: Record<string, unknown> = {}, listen?: (c: SmppChannel) => void) {
  const channel = new SmppChannel(parseSmppConfig({ name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', ...extra }));
  cleanups.push(() => channel.stop());
  listen?.(channel);
  await channel.start();
  return channel;
}

/** One raw request/response over a fresh socket, with our codec. */
function exchange(port: number, pdus: Pdu[]): Promise<Pdu[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const got: Pdu[] = [];
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        got.push(decodePdu(buf.subarray(0, len)));
        buf = buf.subarray(len);
      }
      if (got.length >= pdus.length) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat(pdus.map(encodePdu))));
  });
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Simulator', () => {
  it('checks credentials and bind state', async () => {
    const { sim, port } = await start();
    const bind = (systemId: string, password: string): Pdu => ({ commandId: Cmd.bind_transmitter, status: 0, sequence: 1, systemId, password });
    expect((await exchange(port, [bind('tidings', 'nope')]))[0].status).toBe(Status.ESME_RINVPASWD);
    expect((await exchange(port, [bind('nobody', 'secret')]))[0].status).toBe(Status.ESME_RINVSYSID);
    const [, submitBeforeBind] = await exchange(port, [{ commandId: Cmd.enquire_link, status: 0, sequence: 1 }, { commandId: Cmd.submit_sm, status: 0, sequence: 2 }]);
    expect(submitBeforeBind).toMatchObject({ commandId: Cmd.submit_sm_resp, status: Status.ESME_RINVBNDSTS });
    const [ok, again, unknown] = await exchange(port, [bind('tidings', 'secret'), { ...bind('tidings', 'secret'), sequence: 2 }, { commandId: Cmd.query_sm, status: 0, sequence: 3 }]);
    expect(ok).toMatchObject({ commandId: Cmd.bind_transmitter_resp, status: 0, systemId: 'TIDINGSIM' });
    expect(again.status).toBe(Status.ESME_RALYBND);
    expect(unknown).toMatchObject({ commandId: Cmd.generic_nack, status: Status.ESME_RINVCMDID, sequence: 3 });
    expect(sim.stats()).toMatchObject({ bindAttempts: 4, bindCount: 1 });
  });

  it('follows the outcome mix and number rules, with ids in the configured styles', async () => {
    const { sim, port } = await start({
      outcomes: { delivered: 0.5, undelivered: 0.3, expired: 0.2 }, rules: [{ suffix: '0000', outcome: 'undelivered' }],
      idStyle: { radix: 16, upper: true, pad: 10 }, receiptIdStyle: { radix: 10 }, receiptDelayMs: 1,
    });
    const channel = await channelFor(port, { idFormat: { submit: 'hex', receipt: 'decimal' } });
    const receipts: Receipt[] = [];
    channel.on('receipt', (r: Receipt) => receipts.push(r));
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => channel.submit({ id: `${i}`, from: '', to: `1555${String(i).padStart(4, '0')}`, text: `t${i}` })));
    await until(() => receipts.length === 400);
    const byId = new Map(receipts.map((r) => [r.carrierId, r]));
    expect(results.every((r) => byId.has(r.carrierIds[0]))).toBe(true);
    expect(byId.get(results[0].carrierIds[0])?.status).toBe('undelivered');
    const counts = { delivered: 0, undelivered: 0, expired: 0 } as Record<string, number>;
    for (const r of receipts) counts[r.status]++;
    expect(counts.delivered).toBeGreaterThan(150);
    expect(counts.undelivered).toBeGreaterThan(80);
    expect(counts.expired).toBeGreaterThan(40);
    expect(sim.stats()).toMatchObject({ parts: 400, uniqueMessages: 400, duplicates: 0, receiptsSent: 400 });
    await until(() => sim.stats().receiptsAcked === 400);
  });

  it('renders ids and rolls dice deterministically', () => {
    expect(renderId(255, { radix: 16 })).toBe('ff');
    expect(renderId(255, { radix: 16, upper: true, pad: 6 })).toBe('0000FF');
    expect(renderId(255, { radix: 10, pad: 5 })).toBe('00255');
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(pickOutcome({ expired: 1 }, Math.random)).toBe('expired');
  });

  it('counts a resubmitted part as a duplicate', async () => {
    const { sim, port } = await start();
    const submit = (sequence: number): Pdu => ({ commandId: Cmd.submit_sm, status: 0, sequence, destinationAddr: '1555', shortMessage: Buffer.from('same') });
    await exchange(port, [{ commandId: Cmd.bind_transmitter, status: 0, sequence: 1, systemId: 'tidings', password: 'secret' }, submit(2), submit(3)]);
    expect(sim.stats()).toMatchObject({ parts: 2, uniqueMessages: 1, duplicates: 1 });
  });

  it('delivers MO to a bound receiver, long UCS-2 MO concatenated, and receipts queued while none is bound', async () => {
    const { sim, port } = await start({ receiptDelayMs: 0 });
    expect(() => sim.sendMo({ from: '1', to: '2', text: 'x' })).toThrow(/no bound receiver/);
    const tx = await channelFor(port, { bindMode: 'transmitter+receiver' });
    const inbound: InboundMessage[] = [];
    const receipts: Receipt[] = [];
    tx.on('inbound', (m: InboundMessage) => inbound.push(m));
    tx.on('receipt', (r: Receipt) => receipts.push(r));
    await until(() => tx.state().boundBinds === 2);
    const long = '请回复Y确认参加明天的活动，回复N取消。谢谢您的支持！'.repeat(4);
    expect(sim.sendMo({ from: '8613800138000', to: '106900001', text: long })).toBe(2);
    sim.sendMo({ from: '8613800138000', to: '106900001', text: 'Y' });
    await until(() => inbound.length === 2);
    expect(inbound[0]).toMatchObject({ text: long, parts: 2, dataCoding: 8, from: '8613800138000', to: '106900001' });
    expect(inbound[1]).toMatchObject({ text: 'Y', parts: 1, dataCoding: 0 });
    await tx.submit({ id: 'x', from: '', to: '1555', text: 'hi' });
    await until(() => receipts.length === 1);
  });

  it('keeps receipts for an account until a receiver binds', async () => {
    const { sim, port } = await start({ receiptDelayMs: 0 });
    const tx = await channelFor(port, { bindMode: 'transceiver' });
    sim.configure({ receiptDelayMs: 50 });
    await tx.submit({ id: 'x', from: '', to: '1555', text: 'hi' });
    await tx.stop();
    await new Promise((r) => setTimeout(r, 100));
    const receipts: Receipt[] = [];
    await channelFor(port, {}, (rx) => rx.on('receipt', (r: Receipt) => receipts.push(r)));
    await until(() => receipts.length === 1);
  });

  it('runs as a child process with stats over IPC', async () => {
    const child: SimulatorChild = await forkSimulator({ config: { keepInbox: false } });
    cleanups.push(() => child.stop());
    expect(child.port).toBeGreaterThan(0);
    const channel = await channelFor(child.port);
    await channel.submit({ id: '1', from: '', to: '1555', text: 'hello from the parent' });
    expect(await child.stats()).toMatchObject({ parts: 1, uniqueMessages: 1, bound: 1 });
    const inbound: InboundMessage[] = [];
    channel.on('inbound', (m: InboundMessage) => inbound.push(m));
    expect(await child.sendMo({ from: '1555', to: '10690', text: 'reply' })).toBe(1);
    await until(() => inbound.length === 1);
  });

  it('offers an HTTP control endpoint', async () => {
    const running = await runSimulatorProcess({ controlPort: 0 });
    cleanups.push(() => running.stop());
    const stats = await (await fetch(`http://127.0.0.1:${running.controlPort}/stats`)).json();
    expect(stats).toMatchObject({ submits: 0, bound: 0 });
    const missing = await fetch(`http://127.0.0.1:${running.controlPort}/nope`);
    expect(missing.status).toBe(404);
    const mo = await fetch(`http://127.0.0.1:${running.controlPort}/mo`, { method: 'POST', body: JSON.stringify({ from: '1', to: '2', text: 'x' }) });
    expect(mo.status).toBe(400);
  });
});
