// Tidings' SMPP server against an independent ESME (the `smpp` npm package) over real sockets, through the whole
// send path to the virtual carrier and receipts back.
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import smpp, { type PeerPdu, type PeerSession } from 'smpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { SmppServer } from '../src/smpp-server/server.ts';
import { packSeptets, splitText } from '../src/domain/text.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { invalidateInboundCache } from '../src/worker/inbound.ts';
import { Effects } from '../src/worker/effects.ts';

/** The smpp package's text codecs: its default for data_coding 0 is swapped for Latin-1 to see the octets of packed text. */
const smppEncodings = (createRequire(import.meta.url)('smpp/lib/defs') as { encodings: { default: string } }).encodings;

/** Packed GSM-7 written by hand from 3GPP TS 23.038 §6.1.2.1 (the spec's own "hellohello" example, and 7 septets + CR fill). */
const PACKED = [
  { text: 'hellohello', octets: Buffer.from('E8329BFD4697D9EC37', 'hex') },
  { text: 'ABCDEFG', octets: Buffer.from('41E19058341E1B', 'hex') },
];

/** An ESME built on the smpp package: promise calls, and the deliver_sm it receives (acknowledged). */
interface Esme { session: PeerSession; call(command: string, fields?: Record<string, unknown>): Promise<PeerPdu>; delivered: PeerPdu[]; closed: () => boolean }

describe.each(testDatabases)('the SMPP server on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let server: SmppServer;
  let port: number;
  const esmes: Esme[] = [];

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { price: 5 });
    server = new SmppServer(s.deps, { receiptPollMs: 50, bindAttempts: 3 });
    ({ port } = await server.start({ port: 0, host: '127.0.0.1' }));
    // one service number for the MO tests, each tenant with its extension (the router reads numbers once)
    await createServiceNumber(s.deps.store.db, { number: '10690999' }, new Date().toISOString());
  });
  afterAll(async () => {
    for (const e of esmes) e.session.destroy();
    await server?.stop();
    await carrier?.stop();
    await s?.close();
  });

  async function esme(opts: { answer?: boolean; tls?: { port: number; ca: Buffer } } = {}): Promise<Esme> {
    const session = opts.tls
      ? smpp.connect({ url: `ssmpp://127.0.0.1:${opts.tls.port}`, ca: opts.tls.ca, servername: 'localhost' } as Parameters<typeof smpp.connect>[0])
      : smpp.connect({ url: `smpp://127.0.0.1:${port}` });
    let closed = false;
    session.on('error', () => undefined);
    session.on('close', () => (closed = true));
    const delivered: PeerPdu[] = [];
    session.on('deliver_sm', (pdu) => {
      delivered.push(pdu);
      if (opts.answer !== false) session.send(pdu.response());
    });
    await new Promise<void>((resolve) => session.on(opts.tls ? 'secureConnect' : 'connect', () => resolve()));
    const e: Esme = { session, delivered, closed: () => closed, call: (command, fields = {}) => new Promise<PeerPdu>((resolve) => session[command](fields, resolve)) };
    esmes.push(e);
    return e;
  }

  async function account(t: TestTenant, fields: Record<string, unknown> = {}) {
    const systemId = `acc${Math.random().toString(36).slice(2, 9)}`;
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/smpp-accounts', headers: t.headers, payload: { systemId, password: 'pw345678', ...fields } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; systemId: string };
  }

  async function funded(balance = 1000) {
    const t = await s.tenant();
    await credit(s, carrier, t, balance);
    return t;
  }

  const message = async (t: TestTenant, id: string) => (await s.app.inject({ url: `/api/v1/messages/${id}`, headers: t.headers })).json();

  it('manages accounts over the API: hashed password never shown, unique system_id, validated fields, walled off per tenant', async () => {
    const t = await s.tenant();
    const other = await s.tenant();
    const a = await account(t, { ipAllowlist: ['127.0.0.1', '10.0.0.0/8'], sourceAddresses: ['10690'] });
    const got = await s.app.inject({ url: `/api/v1/smpp-accounts/${a.id}`, headers: t.headers });
    expect(got.json()).toMatchObject({ systemId: a.systemId, ipAllowlist: ['127.0.0.1', '10.0.0.0/8'], sessions: [] });
    expect(got.body).not.toContain('pw345678');
    expect(got.body).not.toContain('password');
    expect((await s.app.inject({ url: `/api/v1/smpp-accounts/${a.id}`, headers: other.headers })).statusCode).toBe(404);
    const dup = await s.app.inject({ method: 'POST', url: '/api/v1/smpp-accounts', headers: other.headers, payload: { systemId: a.systemId, password: 'pw345678' } });
    expect(dup.statusCode).toBe(409);
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/smpp-accounts', headers: t.headers, payload: { systemId: 'x', password: 'short', ipAllowlist: ['999.1.1.1'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
    const proto = await s.app.inject({ method: 'POST', url: '/api/v1/smpp-accounts', headers: t.headers, payload: { systemId: '__proto__', password: 'pw345678' } });
    expect(proto.statusCode).toBe(201);
  });

  it('answers binds with the right errors and locks a flood of wrong passwords per account and address', async () => {
    const t = await funded();
    const a = await account(t, { maxBinds: 1, bindTypes: ['transceiver', 'transmitter'] });
    const b = await account(t);
    expect((await (await esme()).call('bind_transceiver', { system_id: 'nobody', password: 'pw345678' })).command_status).toBe(0x0f);
    expect((await (await esme()).call('bind_receiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0x0d);
    const first = await esme();
    expect((await first.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    expect((await first.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0x05);
    expect((await (await esme()).call('bind_transmitter', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0x0d);
    expect((await first.call('enquire_link')).command_status).toBe(0);
    for (let i = 0; i < 3; i++) expect((await (await esme()).call('bind_transceiver', { system_id: b.systemId, password: 'wrong123' })).command_status).toBe(0x0e);
    expect((await (await esme()).call('bind_transceiver', { system_id: b.systemId, password: 'pw345678' })).command_status).toBe(0x0d);
    expect((await first.call('unbind')).command_status).toBe(0);
    await waitFor(() => first.closed(), 'the unbound session to close');
  });

  it('turns a submit into an ordinary message with our id and sends its receipt back as deliver_sm', async () => {
    const t = await funded();
    const a = await account(t);
    const e = await esme();
    expect((await e.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    const resp = await e.call('submit_sm', { source_addr: '10690', destination_addr: '8613800138001', dest_addr_ton: 1, registered_delivery: 1, short_message: 'Your code is 4711' });
    expect(resp.command_status).toBe(0);
    const m = await message(t, resp.message_id);
    expect(m).toMatchObject({ id: resp.message_id, to: '+8613800138001', text: expect.stringContaining('Your code is 4711') });
    await waitFor(() => e.delivered.length > 0, 'the receipt');
    const r = e.delivered[0];
    expect(r.esm_class & 0x04).toBe(0x04);
    expect(r.receipted_message_id).toBe(resp.message_id);
    expect(r.message_state).toBe(2);
    expect(r.short_message.message).toMatch(new RegExp(`^id:${resp.message_id} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000`));
    const data = await e.call('data_sm', { source_addr: '10690', destination_addr: '+8613800138002', data_coding: 0, message_payload: 'data_sm text' });
    expect(data.command_status).toBe(0);
    expect((await message(t, data.message_id)).text).toContain('data_sm text');
    await new Promise((r) => setTimeout(r, 300));
    expect(e.delivered).toHaveLength(1);
  });

  /**
   * A transceiver of a new account bound to a server of its own that follows `effects` and scans every
   * `receiptPollMs`, with the receipts delivered to it (acknowledged); `stop` ends both.
   */
  async function watchedEsme(receiptPollMs: number, effects: Effects) {
    const watching = new SmppServer(s.deps, { receiptPollMs });
    watching.watch(effects);
    const { port: watchedPort } = await watching.start({ port: 0, host: '127.0.0.1' });
    const a = await account(await funded(), { tps: 1000 });
    const session = smpp.connect({ url: `smpp://127.0.0.1:${watchedPort}` });
    const stop = async () => {
      session.destroy();
      await watching.stop();
    };
    session.on('error', () => undefined);
    const receipts: string[] = [];
    session.on('deliver_sm', (pdu) => { receipts.push(String(pdu.receipted_message_id)); session.send(pdu.response()); });
    await new Promise<void>((resolve) => session.on('connect', () => resolve()));
    const call = (command: string, fields: Record<string, unknown>) => new Promise<PeerPdu>((resolve) => session[command](fields, resolve));
    try {
      expect((await call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    } catch (err) {
      await stop();
      throw err;
    }
    return { account: a, receipts, call, stop };
  }

  it('sends receipts as their messages finish when it follows the worker, with no scan, each once', async () => {
    // scans an hour apart: only the bind's own scan runs, before any submit; every receipt must come from the worker's news
    const { account: a, receipts, call, stop } = await watchedEsme(3_600_000, carrier.worker.effects);
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
        const r = await call('submit_sm', { destination_addr: `+86138001390${String(i).padStart(2, '0')}`, registered_delivery: 1, short_message: `watched ${i}` });
        expect(r.command_status).toBe(0);
        return String(r.message_id);
      }));
      await waitFor(() => receipts.length >= ids.length, 'every receipt without a scan');
      await new Promise((r) => setTimeout(r, 300));
      expect([...receipts].sort()).toEqual([...ids].sort());
      const owed = await s.deps.store.db.selectFrom('smpp_submits').select('id').where('account_id', '=', a.id).where('receipt_owed', '=', 1).execute();
      expect(owed).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('still finds, once its empty scans have backed off, a receipt its own worker did not see finish (another node\'s)', async () => {
    // following a worker that finishes nothing here: the receipt must come from a scan, after many empty ones
    const { receipts, call, stop } = await watchedEsme(20, new Effects(s.deps, async () => 'never'));
    try {
      // enough empty scans for the gap to reach its widest (1 + 2 + 4 + 8 + 16 rounds of 20 ms)
      await new Promise((r) => setTimeout(r, 1000));
      const r = await call('submit_sm', { destination_addr: '+8613800139201', registered_delivery: 1, short_message: 'finished elsewhere' });
      expect(r.command_status).toBe(0);
      await waitFor(() => receipts.length >= 1, 'the receipt found by a later scan');
      await new Promise((done) => setTimeout(done, 700));
      expect(receipts).toEqual([String(r.message_id)]);
    } finally {
      await stop();
    }
  });

  it('takes submit_multi: each SME address its own message and receipt under one id; lists and refused destinations in unsuccess_sme', async () => {
    const t = await funded();
    const a = await account(t);
    const e = await esme();
    await e.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' });
    const resp = await e.call('submit_multi', {
      source_addr: '10690', registered_delivery: 1, short_message: 'to several',
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '8613800138301' }, { destination_addr: '+8613800138302' },
        { dl_name: 'friends' }, { dest_addr_ton: 1, destination_addr: '12' },
      ],
    });
    expect(resp.command_status).toBe(0);
    expect(resp.message_id).toMatch(/^\S+$/);
    expect(resp.unsuccess_sme).toEqual([
      { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: 'friends', error_status_code: 0x34 },
      { dest_addr_ton: 1, dest_addr_npi: 0, destination_addr: '12', error_status_code: 0x0b },
    ]);
    // each accepted destination is its own message
    const submits = await s.deps.store.db.selectFrom('smpp_submits').select(['message_id', 'destination']).where('reported_id', '=', resp.message_id).orderBy('destination').execute();
    expect(submits.map((r) => r.destination)).toEqual(['+8613800138301', '+8613800138302']);
    for (const r of submits) expect(await message(t, r.message_id)).toMatchObject({ to: r.destination, text: expect.stringContaining('to several') });
    // one receipt per destination, each carrying the id the ESME was given, none twice
    await waitFor(() => e.delivered.length >= 2, 'the two receipts');
    await new Promise((r) => setTimeout(r, 300));
    expect(e.delivered.map((r) => r.source_addr).sort()).toEqual(['+8613800138301', '+8613800138302']);
    for (const r of e.delivered) {
      expect(r.receipted_message_id).toBe(resp.message_id);
      expect(r.short_message.message).toMatch(new RegExp(`^id:${resp.message_id} sub:001 dlvrd:001 .* stat:DELIVRD`));
    }
    // nothing accepted: the whole submit_multi is refused with the destinations' status
    const none = await e.call('submit_multi', { short_message: 'x', dest_address: [{ dl_name: 'a' }, { dl_name: 'b' }] });
    expect(none.command_status).toBe(0x34);
    expect((await e.call('submit_multi', { short_message: 'x', dest_address: [] })).command_status).toBe(0x33);
    const rx = await esme();
    await rx.call('bind_receiver', { system_id: (await account(t)).systemId, password: 'pw345678' });
    expect((await rx.call('submit_multi', { short_message: 'x', dest_address: [{ destination_addr: '+8613800138303' }] })).command_status).toBe(0x04);
  });

  it('keeps a receipt while no receiver is bound and sends it once when one binds, on another session', async () => {
    const t = await funded();
    const a = await account(t);
    const tx = await esme();
    expect((await tx.call('bind_transmitter', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    const resp = await tx.call('submit_sm', { destination_addr: '+8613800138003', registered_delivery: 1, short_message: 'later' });
    expect(resp.command_status).toBe(0);
    await waitFor(async () => (await message(t, resp.message_id)).doneAt, 'the message to finish');
    await new Promise((r) => setTimeout(r, 200));
    expect(tx.delivered).toHaveLength(0);
    const rx = await esme();
    expect((await rx.call('bind_receiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    expect((await rx.call('submit_sm', { destination_addr: '+8613800138004', short_message: 'no' })).command_status).toBe(0x04);
    await waitFor(() => rx.delivered.length === 1, 'the stored receipt');
    expect(rx.delivered[0].receipted_message_id).toBe(resp.message_id);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.delivered).toHaveLength(1);
  });

  it('accepts long messages in UDH and SAR form as one message with its parts, GSM-7 and UCS-2', async () => {
    const t = await funded();
    const a = await account(t);
    const e = await esme();
    await e.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' });
    const zh = '您好，这是一条来自独立客户端的长消息，用来检查拼接和回执。'.repeat(3);
    const zhParts = splitText(zh).parts;
    const ids: string[] = [];
    for (let i = 0; i < zhParts.length; i++) {
      const r = await e.call('submit_sm', { destination_addr: '+8613800138005', data_coding: 8, esm_class: 0x40, short_message: { udh: Buffer.from([5, 0, 3, 9, zhParts.length, i + 1]), message: zhParts[i] } });
      expect(r.command_status).toBe(0);
      ids.push(r.message_id);
    }
    expect(new Set(ids).size).toBe(1);
    const en = 'A long message in the GSM alphabet that needs more than one part to reach its reader, sent with SAR TLVs instead of a header. '.repeat(2);
    const enParts = splitText(en).parts;
    const sar = await Promise.all(enParts.map((part, i) => e.call('submit_sm', {
      destination_addr: '+8613800138006', data_coding: 0, short_message: part, sar_msg_ref_num: 77, sar_total_segments: enParts.length, sar_segment_seqnum: i + 1,
    })));
    expect(sar.map((r) => r.command_status)).toEqual(enParts.map(() => 0));
    const list = async (phone: string) => (await s.app.inject({ url: `/api/v1/messages?phone=${encodeURIComponent(phone)}`, headers: t.headers })).json().messages as { text: string; segments: number }[];
    const zhStored = await list('+8613800138005');
    expect(zhStored).toHaveLength(1);
    expect(zhStored[0].text).toContain(zh);
    const enStored = await list('+8613800138006');
    expect(enStored).toHaveLength(1);
    expect(enStored[0].text).toContain(en);
    expect(enStored[0].segments).toBeGreaterThanOrEqual(enParts.length);
  });

  it('throttles beyond the TPS, enforces the window, refuses other sources and an exhausted balance with a reason', async () => {
    const t = await funded(12);
    const slow = await account(t, { tps: 2 });
    const e = await esme();
    await e.call('bind_transceiver', { system_id: slow.systemId, password: 'pw345678' });
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => e.call('submit_sm', { destination_addr: `+86138001381${10 + i}`, short_message: 'burst' })));
    expect(burst.filter((r) => r.command_status === 0x58).length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.command_status === 0).length).toBeGreaterThan(0);

    const narrow = await account(t, { window: 1, sourceAddresses: ['10690'] });
    const w = await esme();
    await w.call('bind_transceiver', { system_id: narrow.systemId, password: 'pw345678' });
    expect((await w.call('submit_sm', { source_addr: '95555', destination_addr: '+8613800138120', short_message: 'x' })).command_status).toBe(0x0a);
    const flood = await Promise.all(Array.from({ length: 4 }, (_, i) => w.call('submit_sm', { source_addr: '10690', destination_addr: `+86138001381${30 + i}`, short_message: 'w' })));
    expect(flood.map((r) => r.command_status)).toContain(0x14);
    // 12 minor units at 5 each: whatever is left cannot pay for more
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await w.call('submit_sm', { source_addr: '10690', destination_addr: `+86138001381${40 + i}`, short_message: 'pay' })).command_status);
    expect(results).toContain(0x45);
    const shown = (await s.app.inject({ url: `/api/v1/smpp-accounts/${narrow.id}`, headers: t.headers })).json();
    expect(shown.lastError).toMatch(/balance exhausted/);
  });

  it('answers malformed PDUs with generic_nack and never disturbs other sessions', async () => {
    const t = await funded();
    const a = await account(t, { maxBinds: 5 });
    const good = await esme();
    await good.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' });
    const raw = async (bytes: Buffer, read = 16) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.write(bytes);
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      await waitFor(() => Buffer.concat(chunks).length >= read, 'an answer', 5000);
      return { answer: Buffer.concat(chunks), socket, closed };
    };
    const header = (length: number, id: number, seq: number) => { const b = Buffer.alloc(16); b.writeUInt32BE(length, 0); b.writeUInt32BE(id, 4); b.writeUInt32BE(seq, 12); return b; };
    // unknown command: generic_nack ESME_RINVCMDID, session stays
    const unknown = await raw(header(16, 0x00000077, 5));
    expect(unknown.answer.readUInt32BE(4)).toBe(0x80000000);
    expect(unknown.answer.readUInt32BE(8)).toBe(0x03);
    expect(unknown.answer.readUInt32BE(12)).toBe(5);
    unknown.socket.destroy();
    // a submit_sm whose sm_length runs past its body: generic_nack ESME_RINVMSGLEN
    const body = Buffer.concat([Buffer.from('\0\0\0\0\0\0\x001380000\0\0\0\0\0\0\0\0\0\0', 'latin1'), Buffer.from([200]), Buffer.from('short')]);
    const lying = await raw(Buffer.concat([header(16 + body.length, 0x00000004, 6), body]));
    expect(lying.answer.readUInt32BE(4)).toBe(0x80000000);
    expect(lying.answer.readUInt32BE(8)).toBe(0x01);
    lying.socket.destroy();
    // command_length 0 and 100 MB: generic_nack, then the connection closes
    for (const length of [0, 100 * 1024 * 1024]) {
      const broken = await raw(header(length, 0x00000004, 7));
      expect(broken.answer.readUInt32BE(4)).toBe(0x80000000);
      expect(broken.answer.readUInt32BE(8)).toBe(0x02);
      await broken.closed;
    }
    const after = await good.call('submit_sm', { destination_addr: '+8613800138150', short_message: 'still here' });
    expect(after.command_status).toBe(0);
  });

  it('hands MO to the tenant\'s numbers to a bound receiver as deliver_sm, unless the account wants them by webhook only', async () => {
    const t = await funded();
    const smppOnly = await account(t);
    const hookOnly = await account(t, { moDelivery: 'webhook' });
    const now = new Date().toISOString();
    await setTenantCode(s.deps.store.db, t.id, '77', now);
    const [rx, other] = await Promise.all([esme(), esme()]);
    expect((await rx.call('bind_receiver', { system_id: smppOnly.systemId, password: 'pw345678' })).command_status).toBe(0);
    expect((await other.call('bind_receiver', { system_id: hookOnly.systemId, password: 'pw345678' })).command_status).toBe(0);
    carrier.simulator.sendMo({ from: '8613700137555', to: '1069099977', text: '你好，我想了解一下这个活动' });
    await waitFor(() => rx.delivered.length === 1, 'the MO on the receiver');
    expect(rx.delivered[0]).toMatchObject({ source_addr: '8613700137555', esm_class: 0 });
    expect(rx.delivered[0].short_message.message).toBe('你好，我想了解一下这个活动');
    await new Promise((r) => setTimeout(r, 300));
    expect(other.delivered).toHaveLength(0);
  });

  it('takes submits of two sessions of one account at once, each answered with its own message', async () => {
    const t = await funded();
    const a = await account(t, { maxBinds: 2, tps: 1000 });
    const [x, y] = await Promise.all([esme(), esme()]);
    await Promise.all([x, y].map((e) => e.call('bind_transmitter', { system_id: a.systemId, password: 'pw345678' })));
    const sent = await Promise.all([x, y].flatMap((e, j) => Array.from({ length: 10 }, (_, i) => e.call('submit_sm', { destination_addr: `+8613800139${j}${String(i).padStart(2, '0')}`, short_message: `n${j}${i}` }))));
    expect(sent.map((r) => r.command_status)).toEqual(Array(20).fill(0));
    const ids = sent.map((r) => r.message_id as string);
    expect(new Set(ids).size).toBe(20);
    for (const [k, id] of ids.entries()) expect((await message(t, id)).text).toContain(`n${Math.floor(k / 10)}${k % 10}`);
  });

  it('keeps an MO the ESME did not acknowledge and sends it again on its next bind, never lost', async () => {
    const t = await funded();
    const a = await account(t);
    const now = new Date().toISOString();
    await setTenantCode(s.deps.store.db, t.id, '66', now);
    invalidateInboundCache(s.deps);
    const silent = await esme({ answer: false });
    expect((await silent.call('bind_receiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    carrier.simulator.sendMo({ from: '8613700137666', to: '1069099966', text: '请回电话 call me back' });
    await waitFor(() => silent.delivered.length === 1, 'the MO on the silent receiver');
    silent.session.destroy();
    await waitFor(() => server.boundSessions().every((b) => b.account?.id !== a.id), 'the silent session to end');
    // the round that offered it gives it back once its answer is lost with the session (a moment after the session ends)
    const owed = () => s.deps.store.db.selectFrom('smpp_mo').select(['text', 'lease_owner']).where('account_id', '=', a.id).execute();
    await waitFor(async () => (await owed()).every((m) => m.lease_owner === null), 'the unacknowledged MO to be released');
    expect(await owed()).toEqual([{ text: '请回电话 call me back', lease_owner: null }]);
    const again = await esme();
    expect((await again.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
    await waitFor(() => again.delivered.length === 1, 'the MO again on the next bind');
    expect(again.delivered[0]).toMatchObject({ source_addr: '8613700137666', esm_class: 0 });
    expect(again.delivered[0].short_message.message).toBe('请回电话 call me back');
    await waitFor(async () => (await s.deps.store.db.selectFrom('smpp_mo').select('id').where('account_id', '=', a.id).execute()).length === 0, 'the acknowledged MO to be forgotten');
    await new Promise((r) => setTimeout(r, 300));
    expect(again.delivered).toHaveLength(1);
  });

  it('reads and writes GSM-7 packed data_coding 0 for an account that says so (hand-written 23.038 fixtures); unpacked stays the default', async () => {
    const t = await funded();
    const packed = await account(t, { gsm7Packed: true });
    const plain = await account(t);
    const now = new Date().toISOString();
    await setTenantCode(s.deps.store.db, t.id, '55', now);
    invalidateInboundCache(s.deps);
    const e = await esme();
    expect((await e.call('bind_transceiver', { system_id: packed.systemId, password: 'pw345678' })).command_status).toBe(0);
    for (const [i, f] of PACKED.entries()) {
      const r = await e.call('submit_sm', { destination_addr: `+86138001382${10 + i}`, data_coding: 0, short_message: f.octets });
      expect(r.command_status).toBe(0);
      expect((await message(t, r.message_id)).text).toContain(f.text);
    }
    // a long message: UDH of 6 octets, then packed septets after one fill bit (23.040 §9.2.3.24)
    const long = 'Packed parts of a long message travel with a header and one fill bit before their first septet, in this test. '.repeat(2);
    const parts = splitText(long).parts;
    for (const [i, part] of parts.entries()) {
      const septets = Buffer.from(part.split('').map((ch) => ch.charCodeAt(0)));
      const r = await e.call('submit_sm', { destination_addr: '+8613800138230', data_coding: 0, esm_class: 0x40, short_message: Buffer.concat([Buffer.from([5, 0, 3, 42, parts.length, i + 1]), packSeptets(septets, 1)]) });
      expect(r.command_status).toBe(0);
    }
    const stored = (await s.app.inject({ url: `/api/v1/messages?phone=${encodeURIComponent('+8613800138230')}`, headers: t.headers })).json().messages as { text: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0].text).toContain(long);
    // deliver_sm to the packed account: the spec's octets; to the default account: one septet an octet
    const rx = await esme();
    expect((await rx.call('bind_receiver', { system_id: plain.systemId, password: 'pw345678' })).command_status).toBe(0);
    smppEncodings.default = 'LATIN1';
    try {
      carrier.simulator.sendMo({ from: '8613700137777', to: '1069099955', text: 'hellohello' });
      await waitFor(() => e.delivered.some((p) => !(p.esm_class & 0x04)) && rx.delivered.length > 0, 'the MO on both accounts');
      const mo = e.delivered.find((p) => !(p.esm_class & 0x04))!;
      expect(mo.data_coding).toBe(0);
      expect(Buffer.from(mo.short_message.message, 'latin1')).toEqual(PACKED[0].octets);
      expect(Buffer.from(rx.delivered[0].short_message.message, 'latin1').toString('latin1')).toBe('hellohello');
    } finally {
      smppEncodings.default = 'ASCII';
    }
  });

  it('binds and submits over SMPP over TLS with a certificate made for the test', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidings-tls-'));
    const secure = new SmppServer(s.deps, { receiptPollMs: 50 });
    const clients: Esme[] = [];
    try {
      const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
      const { tlsPort } = await secure.start({ port: 0, host: '127.0.0.1', tls: { port: 0, certFile, keyFile } });
      const t = await funded();
      const a = await account(t);
      const e = await esme({ tls: { port: tlsPort!, ca: readFileSync(certFile) } });
      clients.push(e);
      expect((e.session.socket as unknown as { encrypted?: boolean }).encrypted).toBe(true);
      expect((await e.call('bind_transceiver', { system_id: a.systemId, password: 'wrong123' })).command_status).toBe(0x0e);
      const ok = await esme({ tls: { port: tlsPort!, ca: readFileSync(certFile) } });
      clients.push(ok);
      expect((await ok.call('bind_transceiver', { system_id: a.systemId, password: 'pw345678' })).command_status).toBe(0);
      const r = await ok.call('submit_sm', { destination_addr: '+8613800138240', registered_delivery: 1, short_message: 'over TLS' });
      expect(r.command_status).toBe(0);
      expect((await message(t, r.message_id)).text).toContain('over TLS');
      await waitFor(() => ok.delivered.length === 1, 'the receipt over TLS');
      expect(ok.delivered[0].receipted_message_id).toBe(r.message_id);
      // a plain SMPP client on the TLS port gets no SMPP answer (at most a TLS alert), and the server lives on
      const plainOnTls = net.connect(tlsPort!, '127.0.0.1');
      const answer: Buffer[] = [];
      plainOnTls.on('error', () => undefined);
      plainOnTls.on('data', (d: Buffer) => answer.push(d));
      plainOnTls.write(Buffer.from('0000001000000015000000000000000a', 'hex'));
      await new Promise((r) => setTimeout(r, 500));
      const got = Buffer.concat(answer);
      expect(got.length === 0 || got[0] === 0x15).toBe(true);
      plainOnTls.destroy();
      expect((await ok.call('enquire_link')).command_status).toBe(0);
    } finally {
      for (const c of clients) c.session.destroy();
      await secure.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
