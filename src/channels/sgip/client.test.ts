import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, Receipt } from '../channel.ts';
import { ReceiptMatcher } from '../receipt-matcher.ts';
import { SgipSimulator, type SgipSimulatorConfig } from '../simulator/sgip.ts';
import { SgipChannel } from './client.ts';
import { parseSgipConfig, type SgipConfigInput } from './config.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const LISTEN = { listenHost: '127.0.0.1', listenPort: 0, listenLoginName: 'unicom', sharedSecret: 'back-secret' };

async function smg(config: Partial<SgipSimulatorConfig> = {}): Promise<{ sim: SgipSimulator; port: number }> {
  const sim = new SgipSimulator({ accounts: [{ systemId: 'sp1', password: 'secret' }], ...config });
  const { port } = await sim.start();
  closers.push(() => sim.stop());
  return { sim, port };
}

function channel(port: number, extra: Partial<SgipConfigInput> = {}): SgipChannel {
  const ch = new SgipChannel(parseSgipConfig({
    name: 'cu', type: 'sgip', host: '127.0.0.1', port, loginName: 'sp1', password: 'secret', nodeId: 3057112345, spNumber: '10655001',
    corpId: '12345', serviceType: 'TIDINGS', ...LISTEN, reconnect: { minMs: 20, maxMs: 100 }, responseTimeoutMs: 2000, ...extra,
  }));
  closers.push(() => ch.stop());
  return ch;
}

/** Starts a channel and points the SMG at its listener. */
async function started(sim: SgipSimulator, ch: SgipChannel, callback: Partial<SgipSimulatorConfig['callback']> = {}): Promise<void> {
  await ch.start();
  sim.configure({ callback: { host: '127.0.0.1', port: ch.listenPort, loginName: LISTEN.listenLoginName, password: LISTEN.sharedSecret, ...callback } });
}

/** Polls until `ok` holds, for at most `ms`. */
async function waitUntil(ok: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !ok() && Date.now() < end;) await sleep(20);
}

const receiptsOf = (ch: SgipChannel, n: number) => new Promise<Receipt[]>((resolve) => {
  const got: Receipt[] = [];
  ch.on('receipt', (r) => {
    got.push(r);
    if (got.length === n) resolve(got);
  });
});

describe('SgipChannel against the virtual SMG', () => {
  it('submits short and long text and gets every Report back through our listener, matched to the Submit\'s sequence', async () => {
    const { sim, port } = await smg({ outcomes: { delivered: 1 }, rules: [{ suffix: '99', outcome: 'expired' }] });
    const ch = channel(port);
    const receipts = receiptsOf(ch, 3);
    await started(sim, ch);
    const short = await ch.submit({ id: 'a', from: '1065500101', to: '+8613012345678', text: 'hello' });
    const long = '联通短信测试，'.repeat(12);
    const multi = await ch.submit({ id: 'b', from: '', to: '8613012345699', text: long });
    expect(multi.segments).toBe(2);
    for (const id of [...short.carrierIds, ...multi.carrierIds]) expect(id).toMatch(/^3057112345-\d{9,10}-\d+$/);
    const got = await receipts;
    const byId = new Map(got.map((r) => [r.carrierId, r]));
    expect(byId.get(short.carrierIds[0])).toMatchObject({ status: 'delivered', stat: 'DELIVRD', err: '0' });
    for (const id of multi.carrierIds) expect(byId.get(id)).toMatchObject({ status: 'expired', stat: 'EXPIRED', err: '25' });
    expect(sim.inbox('8613012345678')[0]).toMatchObject({ from: '1065500101', text: 'hello', dataCoding: 0 });
    expect(sim.inbox('8613012345699')[0]).toMatchObject({ from: '10655001', text: long, parts: 2, dataCoding: 8 });
    expect(ch.listener.binds).toBeGreaterThanOrEqual(1);
    await sleep(50);
    expect(sim.stats().receiptsAcked).toBe(3);
  });

  it('takes MO (a long one joined) over several binds back at once, with the number it was sent to', async () => {
    const { sim, port } = await smg();
    const ch = channel(port);
    const inbound: InboundMessage[] = [];
    const three = new Promise<void>((resolve) => ch.on('inbound', (m) => {
      inbound.push(m);
      if (inbound.length === 3) resolve();
    }));
    await started(sim, ch, { binds: 2 });
    const text = '查询余额，谢谢。'.repeat(10);
    sim.sendMo({ from: '8613000000003', to: '1065500103', text: 'CX' });
    // traffic makes the SMG open its second connection back; then two MO at once go round-robin over both
    for (let i = 0; i < 50 && ch.listener.bound < 2; i++) await sleep(20);
    sim.sendMo({ from: '8613000000001', to: '1065500101', text });
    sim.sendMo({ from: '8613000000002', to: '1065500102', text: 'TD' });
    await three;
    const byFrom = new Map(inbound.map((m) => [m.from, m]));
    expect(byFrom.get('8613000000001')).toMatchObject({ to: '1065500101', text, parts: 2 });
    expect(byFrom.get('8613000000002')).toMatchObject({ to: '1065500102', text: 'TD' });
    expect(sim.callbackBinds).toBe(2);
    expect(ch.listener.bound).toBe(2);
  });

  it('a wrong password marks the channel down with the SMG\'s result, without a reconnect storm', async () => {
    const { sim, port } = await smg();
    const ch = channel(port, { password: 'wrong' });
    await expect(ch.start()).rejects.toMatchObject({ kind: 'config', message: 'the SMG refused the bind: result 1 (illegal login)' });
    await sleep(200);
    expect(ch.state()).toMatchObject({ state: 'down', reason: 'the SMG refused the bind: result 1 (illegal login)' });
    expect(sim.stats().bindAttempts).toBe(1);
  });

  it('a listener port already taken marks the channel down with a readable reason', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (blocker.listening ? blocker.close(() => resolve()) : resolve())));
    const { port } = await smg();
    const ch = channel(port, { listenPort: (blocker.address() as net.AddressInfo).port, configRetryMs: 50 });
    await expect(ch.start()).rejects.toMatchObject({ kind: 'config', code: 'listen' });
    expect(ch.state().state).toBe('down');
    expect(ch.state().reason).toMatch(/cannot listen on 127\.0\.0\.1:\d+ for the SMG's connections: .*EADDRINUSE/);
    // once the port is free, the channel listens and binds by itself
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await waitUntil(() => ch.state().state === 'bound', 2000);
    expect(ch.listener.bound).toBe(0);
  });

  it('the SMG closing our idle connection is not a failure: the next submit goes on a new bind', async () => {
    const { sim, port } = await smg();
    const ch = channel(port);
    await started(sim, ch);
    await ch.submit({ id: 'x', from: '', to: '8613012345678', text: 'one' });
    sim.dropAll();
    const again = await ch.submit({ id: 'y', from: '', to: '8613012345679', text: 'two' });
    expect(again.carrierIds).toHaveLength(1);
    expect(sim.stats().uniqueMessages).toBe(2);
  });

  it('retries a busy answer (result 11) with the same content', async () => {
    const { sim, port } = await smg({ throttleEvery: 2 });
    const ch = channel(port);
    await started(sim, ch);
    await Promise.all([1, 2, 3].map((i) => ch.submit({ id: `t${i}`, from: '', to: `861300000000${i}`, text: `hi ${i}` })));
    expect(ch.counters().throttled).toBeGreaterThan(0);
    expect(sim.stats()).toMatchObject({ uniqueMessages: 3, duplicates: 0 });
  });
});

/** A hand-written SMG side of our listener: raw frames, written here from the spec's tables. */
function bindFrame(loginType: number, name: string, password: string, seq = 1): Buffer {
  const b = Buffer.alloc(61);
  b.writeUInt32BE(61, 0);
  b.writeUInt32BE(1, 4);
  b.writeUInt32BE(101001, 8);
  b.writeUInt32BE(1206120000, 12);
  b.writeUInt32BE(seq, 16);
  b[20] = loginType;
  b.write(name, 21, 'latin1');
  b.write(password, 37, 'latin1');
  return b;
}

function reportFrame(submit: { node: number; time: number; sequence: number }, seq: number): Buffer {
  const b = Buffer.alloc(20 + 12 + 1 + 21 + 1 + 1 + 8);
  b.writeUInt32BE(b.length, 0);
  b.writeUInt32BE(5, 4);
  b.writeUInt32BE(101001, 8);
  b.writeUInt32BE(1206120000, 12);
  b.writeUInt32BE(seq, 16);
  b.writeUInt32BE(submit.node, 20);
  b.writeUInt32BE(submit.time, 24);
  b.writeUInt32BE(submit.sequence, 28);
  b.write('8613012345678', 33, 'latin1');
  return b;
}

/** Connects to our listener, writes `frames`, and collects what comes back until the socket closes or `ms` pass. */
async function talk(port: number, frames: Buffer[], ms = 300): Promise<{ data: Buffer; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => socket.once('connect', resolve));
  for (const f of frames) socket.write(f);
  const closed = await Promise.race([new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))), sleep(ms).then(() => false)]);
  socket.destroy();
  return { data: Buffer.concat(chunks), closed };
}

describe('SgipListener against a hand-written SMG', () => {
  it('refuses a wrong password (result 1) and a wrong login type (result 4), closing the connection', async () => {
    const { port } = await smg();
    const ch = channel(port);
    await ch.start();
    const wrong = await talk(ch.listenPort, [bindFrame(2, 'unicom', 'nope')]);
    expect(wrong.data.readUInt32BE(4)).toBe(0x80000001);
    expect(wrong.data.readUInt32BE(16)).toBe(1);
    expect(wrong.data[20]).toBe(1);
    expect(wrong.closed).toBe(true);
    const type = await talk(ch.listenPort, [bindFrame(1, 'unicom', 'back-secret')]);
    expect(type.data[20]).toBe(4);
    expect(ch.listener.binds).toBe(0);
  });

  it('closes a connection that sends a command before binding, and one left idle', async () => {
    const { port } = await smg();
    const ch = channel(port, { listenIdleSeconds: 1 });
    await ch.start();
    const early = await talk(ch.listenPort, [reportFrame({ node: 1, time: 2, sequence: 3 }, 9)]);
    expect(early).toEqual({ data: Buffer.alloc(0), closed: true });
    const idle = await talk(ch.listenPort, [bindFrame(2, 'unicom', 'back-secret')], 2500);
    expect(idle.data[20]).toBe(0);
    expect(idle.closed).toBe(true);
  });

  it('a Report that arrives before its Submit_Resp is matched once the id is known', async () => {
    // an SMG that answers the Submit only after it has delivered the Report through our listener
    let listenPort = 0;
    let submitFrame = Buffer.alloc(0);
    const gateway = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', async (chunk: Buffer) => {
        for (let off = 0; off < chunk.length; off += chunk.readUInt32BE(off)) {
          const cmd = chunk.readUInt32BE(off + 4);
          const header = chunk.subarray(off + 8, off + 20);
          const resp = (id: number) => Buffer.concat([Buffer.from([0, 0, 0, 29]), Buffer.from(id.toString(16).padStart(8, '0'), 'hex'), header, Buffer.alloc(9)]);
          if (cmd === 1) socket.write(resp(0x80000001));
          if (cmd === 3) {
            submitFrame = Buffer.from(chunk.subarray(off, off + chunk.readUInt32BE(off)));
            const submit = { node: header.readUInt32BE(0), time: header.readUInt32BE(4), sequence: header.readUInt32BE(8) };
            await talk(listenPort, [bindFrame(2, 'unicom', 'back-secret'), reportFrame(submit, 2)], 100);
            socket.write(resp(0x80000003));
          }
        }
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => gateway.close(() => resolve())));
    const ch = channel((gateway.address() as net.AddressInfo).port);
    const matcher = new ReceiptMatcher<Receipt>();
    const early: (string | undefined)[] = [];
    ch.on('receipt', (r) => early.push(matcher.receipt(r)));
    await ch.start();
    listenPort = ch.listenPort;
    const result = await ch.submit({ id: 'ours', from: '', to: '8613012345678', text: 'race' });
    expect(early).toEqual([undefined]);
    expect(matcher.submitted('cu', result.carrierIds[0], 'ours').map((r) => r.status)).toEqual(['delivered']);
    // the Submit's fields where §4.2.3.3.1 puts them (offsets counted by hand from the table, after the 20-octet header)
    const at = (start: number, len: number) => submitFrame.toString('latin1', start, start + len).replace(/\0+$/, '');
    expect(submitFrame.readUInt32BE(8)).toBe(3057112345);
    expect(at(20, 21)).toBe('10655001');
    expect(at(41, 21)).toBe('000000000000000000000');
    expect(submitFrame[62]).toBe(1);
    expect(at(63, 21)).toBe('8613012345678');
    expect([at(84, 5), at(89, 10)]).toEqual(['12345', 'TIDINGS']);
    expect([submitFrame[99], at(100, 6), at(106, 6), submitFrame[112], submitFrame[113], submitFrame[114]]).toEqual([1, '0', '0', 0, 2, 0]);
    expect([submitFrame[147], submitFrame[149], submitFrame[150], submitFrame[151], submitFrame.readUInt32BE(152)]).toEqual([1, 0, 0, 0, 4]);
    expect(at(156, 4)).toBe('race');
    expect(submitFrame.length).toBe(156 + 4 + 8);
  });
});
