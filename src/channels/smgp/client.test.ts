import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, Receipt } from '../channel.ts';
import { ReceiptMatcher } from '../receipt-matcher.ts';
import { until } from '../session/testing.ts';
import { SmgpSimulator } from '../simulator/smgp.ts';
import { SmgpChannel } from './client.ts';
import { parseSmgpConfig, type SmgpConfigInput } from './config.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function gateway(config: ConstructorParameters<typeof SmgpSimulator>[0] = {}): Promise<{ sim: SmgpSimulator; port: number }> {
  const sim = new SmgpSimulator({ accounts: [{ systemId: 'SP0001', password: 'secret' }], ...config });
  const { port } = await sim.start();
  closers.push(() => sim.stop());
  return { sim, port };
}

function channel(port: number, extra: Partial<SmgpConfigInput> = {}): SmgpChannel {
  const ch = new SmgpChannel(parseSmgpConfig({
    name: 'ct', type: 'smgp', host: '127.0.0.1', port, clientId: 'SP0001', secret: 'secret', spNumber: '1181234', serviceId: 'TIDINGS',
    reconnect: { minMs: 20, maxMs: 100 }, responseTimeoutMs: 2000, ...extra,
  }));
  closers.push(() => ch.stop());
  return ch;
}

const receiptsOf = (ch: SmgpChannel, n: number) => new Promise<Receipt[]>((resolve) => {
  const got: Receipt[] = [];
  ch.on('receipt', (r) => {
    got.push(r);
    if (got.length === n) resolve(got);
  });
});

describe('SmgpChannel against the virtual SMGW', () => {
  it('logs in, submits short and long Chinese text, and matches every report to its exact MsgID', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port);
    const receipts = receiptsOf(ch, 3);
    await ch.start();
    expect(ch.state()).toMatchObject({ state: 'bound', boundBinds: 1 });
    const short = await ch.submit({ id: 'm1', from: '1181234001', to: '+8613912345678', text: 'hello' });
    const long = '天翼短信测试，'.repeat(12);
    const multi = await ch.submit({ id: 'm2', from: '', to: '8613912345679', text: long });
    expect(multi.segments).toBe(2);
    for (const id of [...short.carrierIds, ...multi.carrierIds]) expect(id).toMatch(/^010061\d{14}$/);
    const got = await receipts;
    expect(got.map((r) => r.carrierId).sort()).toEqual([...short.carrierIds, ...multi.carrierIds].sort());
    expect(got.every((r) => r.status === 'delivered' && r.stat === 'DELIVRD')).toBe(true);
    expect(sim.inbox('8613912345678')[0]).toMatchObject({ from: '1181234001', text: 'hello', dataCoding: 0 });
    expect(sim.inbox('8613912345679')[0]).toMatchObject({ from: '1181234', text: long, parts: 2, dataCoding: 15 });
  });

  it('with send+receive logins, submits go on the send login and reports come on the receive login', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port, { loginMode: 'send+receive', binds: 1 });
    const receipts = receiptsOf(ch, 1);
    await ch.start();
    for (let i = 0; i < 50 && ch.state().boundBinds < 2; i++) await sleep(10);
    expect(ch.state()).toMatchObject({ binds: 2, boundBinds: 2 });
    const r = await ch.submit({ id: 's', from: '', to: '8613912345670', text: 'split' });
    expect((await receipts)[0].carrierId).toBe(r.carrierIds[0]);
    expect(sim.stats().bindCount).toBe(2);
  });

  it('a wrong shared secret marks the channel down with the gateway\'s status, without a reconnect storm', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port, { secret: 'wrong', configRetryMs: 60_000 });
    await expect(ch.start()).rejects.toMatchObject({ kind: 'config', message: 'the gateway refused the login: status 21 (authentication)' });
    await sleep(200);
    expect(ch.state()).toMatchObject({ state: 'down', reason: 'the gateway refused the login: status 21 (authentication)' });
    expect(sim.stats().bindAttempts).toBe(1);
  });

  it('delivers MO (a long one joined) with the number it was sent to, two at once', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port);
    const inbound: InboundMessage[] = [];
    const two = new Promise<void>((resolve) => ch.on('inbound', (m) => {
      inbound.push(m);
      if (inbound.length === 2) resolve();
    }));
    await ch.start();
    const text = '我要退订，谢谢。'.repeat(10);
    expect(sim.sendMo({ from: '8613900000001', to: '1181234001', text })).toBe(2);
    sim.sendMo({ from: '8613900000002', to: '1181234002', text: 'TD' });
    await two;
    const byFrom = new Map(inbound.map((m) => [m.from, m]));
    expect(byFrom.get('8613900000001')).toMatchObject({ to: '1181234001', text, parts: 2 });
    expect(byFrom.get('8613900000002')).toMatchObject({ to: '1181234002', text: 'TD', parts: 1 });
    await sleep(50);
    expect(sim.stats().receiptsAcked).toBe(3);
  });

  it('an MO\'s LinkID (TLV 0x0003) comes with it, and a reply carries it back per message, in every part', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port);
    const inbound: InboundMessage[] = [];
    const got = new Promise<void>((resolve) => ch.on('inbound', (m) => {
      inbound.push(m);
      if (inbound.length === 2) resolve();
    }));
    await ch.start();
    sim.sendMo({ from: '8613900000001', to: '1181234001', text: '点播', linkId: 'LINK-0001' });
    sim.sendMo({ from: '8613900000002', to: '1181234001', text: 'no link' });
    await got;
    const mo = inbound.find((m) => m.from === '8613900000001')!;
    expect(mo.linkId).toBe('LINK-0001');
    expect(inbound.find((m) => m.from === '8613900000002')!.linkId).toBeUndefined();
    await ch.submit({ id: 'r1', from: '', to: '8613900000001', text: '好的', linkId: mo.linkId });
    await ch.submit({ id: 'r2', from: '', to: '8613900000003', text: '天翼点播回复，'.repeat(12), linkId: 'LINK-0002' });
    await ch.submit({ id: 'r3', from: '', to: '8613900000004', text: 'plain' });
    await until(() => sim.inbox('8613900000004').length === 1);
    expect(sim.inbox('8613900000001')[0]).toMatchObject({ text: '好的', linkId: 'LINK-0001' });
    expect(sim.inbox('8613900000003')[0]).toMatchObject({ parts: 2, linkId: 'LINK-0002' });
    expect(sim.inbox('8613900000004')[0].linkId).toBeUndefined();
    await expect(ch.submit({ id: 'r4', from: '', to: '8613900000005', text: 'x', linkId: 'L'.repeat(21) })).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('retries a throttled part with the same content and slows down', async () => {
    const { sim, port } = await gateway({ throttleEvery: 2 });
    const ch = channel(port);
    await ch.start();
    const results = await Promise.all([1, 2, 3].map((i) => ch.submit({ id: `t${i}`, from: '', to: `861390000000${i}`, text: `hi ${i}` })));
    expect(results.every((r) => r.carrierIds.length === 1)).toBe(true);
    expect(ch.counters().throttled).toBeGreaterThan(0);
    expect(sim.stats()).toMatchObject({ uniqueMessages: 3, duplicates: 0 });
  });

  it('refused submits fail permanently with the carrier status kept', async () => {
    const { port } = await gateway({ rules: [{ suffix: '0000', submitStatus: 47 }] });
    const ch = channel(port);
    await ch.start();
    await expect(ch.submit({ id: 'x', from: '', to: '8613900000000', text: 'x' })).rejects.toMatchObject({ kind: 'permanent', code: 'smgp:47', message: 'Submit refused: status 47 (bad DestTermID)' });
  });

  it('stays bound with a short Active_Test interval, and reconnects after a drop', async () => {
    const { sim, port } = await gateway();
    const ch = channel(port, { activeTestSeconds: 0.05 });
    await ch.start();
    await sleep(200);
    expect(ch.state().state).toBe('bound');
    sim.dropAll();
    await sleep(300);
    expect(ch.state().state).toBe('bound');
    expect(ch.counters().reconnects).toBe(1);
  });
});

/** What the hand-written SMGW saw of us. */
const seen = { activeTests: 0, activeTestAnswers: 0, exits: 0, submit: Buffer.alloc(0) };

/**
 * A hand-written SMGW: answers a login (and sends an Active_Test of its own), answers our Active_Tests and Exit, and
 * writes the report of a submit before its Submit_Resp.
 */
function earlyReportGateway(msgId: string): Promise<number> {
  Object.assign(seen, { activeTests: 0, activeTestAnswers: 0, exits: 0, submit: Buffer.alloc(0) });
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 12 && buffered.length >= buffered.readUInt32BE(0)) {
          const len = buffered.readUInt32BE(0);
          const id = buffered.readUInt32BE(4);
          const seq = buffered.subarray(8, 12);
          if (id === 2) seen.submit = Buffer.from(buffered.subarray(0, len));
          buffered = buffered.subarray(len);
          if (id === 1) {
            socket.write(Buffer.concat([Buffer.from('0000002180000001', 'hex'), seq, Buffer.alloc(4), Buffer.alloc(16), Buffer.from([0x30])]));
            socket.write(Buffer.from('0000000c0000000400000077', 'hex'));
          }
          if (id === 4) {
            seen.activeTests++;
            socket.write(Buffer.concat([Buffer.from('0000000c80000004', 'hex'), seq]));
          }
          if (id === 0x80000004 && seq.readUInt32BE(0) === 0x77) seen.activeTestAnswers++;
          if (id === 6) {
            seen.exits++;
            socket.write(Buffer.concat([Buffer.from('0000000c80000006', 'hex'), seq]));
          }
          if (id === 2) {
            const content = Buffer.concat([Buffer.from('id:'), Buffer.from(msgId, 'hex'), Buffer.from(' sub:001 dlvrd:001 Submit date:2612061200 done date:2612061201 stat:DELIVRD err:000 Txt:')]);
            const body = Buffer.concat([Buffer.from(msgId, 'hex'), Buffer.from([1, 0]), Buffer.alloc(14), Buffer.from('8613912345678'.padEnd(21, '\0')), Buffer.alloc(21), Buffer.from([content.length]), content, Buffer.alloc(8)]);
            const deliver = Buffer.concat([Buffer.alloc(4), Buffer.from('0000000300000099', 'hex'), body]);
            deliver.writeUInt32BE(deliver.length);
            const resp = Buffer.concat([Buffer.from('0000001a80000002', 'hex'), seq, Buffer.from(msgId, 'hex'), Buffer.alloc(4)]);
            socket.write(Buffer.concat([deliver, resp]));
          }
        }
      });
    });
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    closers.push(() => new Promise((done) => server.close(() => done())));
  });
}

describe('SmgpChannel against a hand-written gateway', () => {
  it('a report that arrives before its Submit_Resp is matched once the MsgID is known', async () => {
    const msgId = '01006112061200999999';
    const port = await earlyReportGateway(msgId);
    const ch = channel(port, { verifyServer: false });
    const matcher = new ReceiptMatcher<Receipt>();
    const early: (string | undefined)[] = [];
    ch.on('receipt', (r) => early.push(matcher.receipt(r)));
    await ch.start();
    const result = await ch.submit({ id: 'ours', from: '', to: '8613912345678', text: 'race' });
    expect(result.carrierIds).toEqual([msgId]);
    expect(early).toEqual([undefined]);
    const waiting = matcher.submitted('ct', result.carrierIds[0], 'ours');
    expect(waiting.map((r) => r.carrierId)).toEqual([msgId]);
    // the Submit's fields where §5.2.2.2.1 puts them (offsets counted by hand from the table, after the 12-octet header)
    const f = seen.submit;
    const at = (start: number, len: number) => f.toString('latin1', start, start + len).replace(/\0+$/, '');
    expect([f[12], f[13], f[14], at(15, 10), at(25, 2), at(27, 6), at(33, 6), f[39]]).toEqual([6, 1, 1, 'TIDINGS', '00', '0', '0', 0]);
    expect([at(74, 21), at(95, 21), f[116], at(117, 21), f[138], at(139, 4)]).toEqual(['1181234', '', 1, '8613912345678', 4, 'race']);
    expect(f.length).toBe(139 + 4 + 8);
  });

  it('keeps the link alive with Active_Test both ways and says Exit on stop', async () => {
    const port = await earlyReportGateway('01006112061200999999');
    const ch = channel(port, { verifyServer: false, activeTestSeconds: 0.05 });
    await ch.start();
    await sleep(400);
    expect(seen.activeTestAnswers).toBe(1);
    expect(seen.activeTests).toBeGreaterThanOrEqual(2);
    expect(ch.state().state).toBe('bound');
    await ch.stop();
    expect(seen.exits).toBe(1);
  });
});

/** A gateway that answers every login with `loginResp` octets (its sequence patched in), then writes `after`. */
function scriptedGateway(loginResp: (seq: Buffer) => Buffer, after: Buffer[] = []): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (chunk: Buffer) => {
        socket.write(loginResp(chunk.subarray(8, 12)));
        for (const b of after) socket.write(b);
      });
    });
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    closers.push(() => new Promise((done) => server.close(() => done())));
  });
}

const okLogin = (version: number) => (seq: Buffer) => Buffer.concat([Buffer.from('0000002180000001', 'hex'), seq, Buffer.alloc(4), Buffer.alloc(16), Buffer.from([version])]);

describe('SmgpChannel against bad gateways', () => {
  it('a gateway that answers with another protocol version is a config error naming both versions', async () => {
    const port = await scriptedGateway(okLogin(0x20));
    const ch = channel(port, { verifyServer: false });
    await expect(ch.start()).rejects.toMatchObject({ kind: 'config', message: 'the gateway speaks SMGP 2.0; this channel speaks 3.0' });
  });

  it('a wrong AuthenticatorServer is a config error', async () => {
    const port = await scriptedGateway(okLogin(0x30));
    await expect(channel(port).start()).rejects.toMatchObject({ kind: 'config', code: 'authenticator' });
  });

  it('a PDU with an absurd length drops the connection (and the channel reconnects); an unknown request id is logged', async () => {
    const unknown = Buffer.from('0000000c0000007700000005', 'hex');
    const absurd = Buffer.from('7fffffff00000003', 'hex');
    const port = await scriptedGateway(okLogin(0x30), [unknown, absurd]);
    const ch = channel(port, { verifyServer: false });
    const logs: string[] = [];
    ch.on('log', (e) => logs.push(e.summary));
    await ch.start();
    await sleep(150);
    expect(logs.some((l) => l.startsWith('unhandled unknown request id 0x00000077'))).toBe(true);
    expect(ch.counters().reconnects).toBeGreaterThanOrEqual(1);
    expect(ch.unreadable).toBeGreaterThanOrEqual(1);
  });
});
