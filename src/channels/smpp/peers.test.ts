// Our SMPP against an independent implementation (the `smpp` npm package), both directions.
import smpp, { type PeerPdu, type PeerServer, type PeerSession } from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { splitText } from '../../domain/text.ts';
import type { InboundMessage, Receipt } from '../channel.ts';
import { Simulator } from '../simulator/simulator.ts';
import { SmppChannel } from './client.ts';
import { parseSmppConfig } from './config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An SMSC built on the smpp package: accepts one account, answers submits with hex ids, sends receipts on request. */
async function peerSmsc() {
  const submits: PeerPdu[] = [];
  const sessions: PeerSession[] = [];
  let nextId = 0xabc000;
  const server: PeerServer = smpp.createServer((session) => {
    sessions.push(session);
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu) => {
      const ok = pdu.system_id === 'peer' && pdu.password === 'pw';
      session.send(pdu.response(ok ? {} : { command_status: 0x0e }));
    });
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu) => {
      submits.push(pdu);
      session.send(pdu.response({ message_id: (nextId++).toString(16).toUpperCase() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of server.sessions) s.destroy();
    server.close(() => resolve());
  }));
  return { port: server.address().port, submits, sessions };
}

describe('our client against the smpp package as SMSC', () => {
  it('binds, submits long UCS-2 text with a UDH, and reads receipts sent by the peer', async () => {
    const peer = await peerSmsc();
    const channel = new SmppChannel(parseSmppConfig({
      name: 'peer', type: 'smpp', host: '127.0.0.1', port: peer.port, systemId: 'peer', password: 'pw', idFormat: { submit: 'hex', receipt: 'decimal' },
    }));
    cleanups.push(() => channel.stop());
    const receipts: Receipt[] = [];
    channel.on('receipt', (r: Receipt) => receipts.push(r));
    await channel.start();

    const text = '尊敬的客户，您的订单已发货，请注意查收。'.repeat(5);
    const result = await channel.submit({ id: 'm1', from: '10690', to: '+8613800138000', text });
    expect(result.segments).toBe(2);
    expect(peer.submits).toHaveLength(2);
    const decoded = peer.submits.map((p) => {
      expect(p.data_coding).toBe(8);
      expect(p.esm_class & 0x40).toBe(0x40);
      expect(p.destination_addr).toBe('8613800138000');
      expect(p.registered_delivery).toBe(1);
      const udh: Buffer = p.short_message.udh[0];
      return { ref: udh[2], total: udh[3], seq: udh[4], text: p.short_message.message as string };
    });
    expect(decoded.map((d) => d.seq)).toEqual([1, 2]);
    expect(new Set(decoded.map((d) => d.ref)).size).toBe(1);
    expect(decoded.map((d) => d.text).join('')).toBe(text);

    const hexId = (0xabc000).toString(16).toUpperCase();
    peer.sessions[0].deliver_sm({
      source_addr: '8613800138000', destination_addr: '10690', esm_class: 4,
      short_message: `id:${0xabc000} sub:001 dlvrd:001 submit date:2401021530 done date:240102153012 stat:DELIVRD err:000 text:尊敬`,
    });
    peer.sessions[0].deliver_sm({
      source_addr: '8613800138000', destination_addr: '10690', esm_class: 4,
      receipted_message_id: hexId, message_state: 5, short_message: 'stat:UNDELIV err:001',
    });
    await until(() => receipts.length === 2);
    expect(receipts[0]).toMatchObject({ carrierId: result.carrierIds[0], status: 'delivered', stat: 'DELIVRD', err: '000' });
    expect(receipts[0].doneAt?.toISOString()).toBe('2024-01-02T15:30:12.000Z');
    // the TLV wins over the text; in hex here, read as decimal → not equal: ids are a per-channel setting
    expect(receipts[1]).toMatchObject({ status: 'undelivered', stat: 'UNDELIV', err: '001' });
  });

  it('receives a long MO from the peer as one inbound message', async () => {
    const peer = await peerSmsc();
    const channel = new SmppChannel(parseSmppConfig({ name: 'peer', type: 'smpp', host: '127.0.0.1', port: peer.port, systemId: 'peer', password: 'pw' }));
    cleanups.push(() => channel.stop());
    const inbound: InboundMessage[] = [];
    channel.on('inbound', (m: InboundMessage) => inbound.push(m));
    await channel.start();
    const text = 'Привет! Это длинный ответ абонента, который не помещается в одно сообщение.';
    const { parts } = splitText(text);
    parts.forEach((part, i) => peer.sessions[0].deliver_sm({
      source_addr: '79161234567', destination_addr: '10690', data_coding: 8,
      short_message: { udh: Buffer.from([5, 0, 3, 0x42, parts.length, i + 1]), message: part },
    }));
    await until(() => inbound.length === 1);
    expect(inbound[0]).toMatchObject({ from: '79161234567', to: '10690', text, parts: 2, dataCoding: 8 });
  });

  it('goes down with the reason when the peer refuses the password', async () => {
    const peer = await peerSmsc();
    const channel = new SmppChannel(parseSmppConfig({ name: 'peer', type: 'smpp', host: '127.0.0.1', port: peer.port, systemId: 'peer', password: 'nope' }));
    cleanups.push(() => channel.stop());
    await expect(channel.start()).rejects.toMatchObject({ kind: 'config' });
    expect(channel.state().reason).toContain('ESME_RINVPASWD');
  });
});

describe('the smpp package as ESME against our simulator', () => {
  it('binds, submits long UCS-2 text, and receives the receipt', async () => {
    const sim = new Simulator({ accounts: [{ systemId: 'esme', password: 'pw' }], receiptDelayMs: 5 });
    const { port } = await sim.start();
    cleanups.push(() => sim.stop());
    const session = smpp.connect({ url: `smpp://127.0.0.1:${port}` });
    session.on('error', () => undefined);
    cleanups.push(() => session.destroy());
    const call = (command: string, fields: Record<string, unknown>) => new Promise<PeerPdu>((resolve) => session[command](fields, resolve));

    expect((await call('bind_transceiver', { system_id: 'esme', password: 'bad' })).command_status).toBe(0x0e);
    const session2 = smpp.connect({ url: `smpp://127.0.0.1:${port}` });
    session2.on('error', () => undefined);
    cleanups.push(() => session2.destroy());
    const call2 = (command: string, fields: Record<string, unknown>) => new Promise<PeerPdu>((resolve) => session2[command](fields, resolve));
    expect((await call2('bind_transceiver', { system_id: 'esme', password: 'pw' })).command_status).toBe(0);

    const receipts: PeerPdu[] = [];
    session2.on('deliver_sm', (pdu) => {
      receipts.push(pdu);
      session2.send(pdu.response());
    });
    const text = '您好，这是一条来自独立客户端的长消息，用来检查拼接和回执。'.repeat(3);
    const { parts } = splitText(text);
    const ids: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const resp = await call2('submit_sm', {
        source_addr: '10690', destination_addr: '8613700000000', registered_delivery: 1, data_coding: 8,
        short_message: { udh: Buffer.from([5, 0, 3, 7, parts.length, i + 1]), message: parts[i] },
      });
      expect(resp.command_status).toBe(0);
      ids.push(resp.message_id);
    }
    expect(sim.inbox('8613700000000')).toMatchObject([{ from: '10690', text, parts: parts.length }]);
    await until(() => receipts.length === parts.length);
    expect(receipts.map((r) => r.receipted_message_id).sort()).toEqual([...ids].sort());
    expect(receipts[0].esm_class & 4).toBe(4);
    expect(receipts[0].short_message.message).toMatch(/^id:\w+ sub:001 dlvrd:001 .* stat:DELIVRD err:000/);
    expect(sim.stats()).toMatchObject({ parts: parts.length, uniqueMessages: 1, duplicates: 0, bindAttempts: 2, bindCount: 1 });
  });
});
