// Our CMPP PDUs as an independent decoder reads them: a session over loopback is captured and Wireshark's CMPP
// dissector (tshark) decodes every PDU; the fields must be the ones we meant, and no PDU may be malformed.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundMessage, Receipt } from '../channel.ts';
import { CmppSimulator } from '../simulator/cmpp.ts';
import { CmppChannel } from './client.ts';
import { parseCmppConfig } from './config.ts';
import { Cmd } from './pdus.ts';

const run = promisify(execFile);
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
if (!hasTshark) console.warn('SKIPPED: the CMPP capture test needs tshark (Debian package tshark; .ci/run installs it)');

const dir = mkdtempSync(path.join(tmpdir(), 'cmpp-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One decoded CMPP PDU as tshark's JSON has it: field name → value, subtrees (Msg_Id_tree, the report) nested. */
type Fields = Record<string, unknown>;

/**
 * Starts a capture of loopback traffic to or from `port`; resolves once tshark demonstrably captures (a canary
 * connection on a second port shows up in its output), with a function that stops it.
 */
async function capture(port: number, file: string): Promise<() => Promise<void>> {
  const canary = net.createServer((s) => s.on('error', () => undefined).end());
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  const canaryPort = (canary.address() as net.AddressInfo).port;
  const child = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port} or tcp port ${canaryPort}`, '-w', file, '-P', '-l'], { stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => undefined);
  let seen = false;
  child.stdout.on('data', () => (seen = true));
  try {
    const end = Date.now() + 15_000;
    while (!seen) {
      if (Date.now() > end) throw new Error('tshark did not start capturing');
      net.connect(canaryPort, '127.0.0.1').on('error', () => undefined).end();
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    canary.close();
  }
  return async () => {
    await new Promise((r) => setTimeout(r, 300)); // the last segments reach the capture
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  };
}

/** Every CMPP PDU in the capture as tshark's dissector decodes it, and the frames it found malformed. */
async function decode(file: string, port: number): Promise<{ pdus: Fields[]; malformed: number }> {
  const { stdout } = await run('tshark', ['-r', file, '-d', `tcp.port==${port},cmpp`, '-Y', `tcp.port == ${port} && (cmpp || _ws.malformed)`, '-T', 'json', '--no-duplicate-keys'], { maxBuffer: 64 * 1024 * 1024 });
  const frames = JSON.parse(stdout) as { _source: { layers: Record<string, unknown> } }[];
  const pdus: Fields[] = [];
  let malformed = 0;
  for (const f of frames) {
    const layers = f._source.layers;
    if ('_ws.malformed' in layers) malformed++;
    const cmpp = layers.cmpp;
    if (cmpp === undefined) continue;
    for (const pdu of Array.isArray(cmpp) ? cmpp : [cmpp]) pdus.push(pdu as Fields);
  }
  return { pdus, malformed };
}

const num = (v: unknown) => Number(v);
const ofCommand = (pdus: Fields[], id: number) => pdus.filter((p) => num(p['cmpp.Command_Id']) === id);

describe.skipIf(!hasTshark)('CMPP 3.0 on the wire, decoded by tshark', () => {
  it('decodes CONNECT, SUBMIT (single and UDH parts), SUBMIT_RESP, DELIVER report and MO, ACTIVE_TEST and TERMINATE with our fields', async () => {
    const simulator = new CmppSimulator({ accounts: [{ systemId: '901234', password: 's3cret' }], receiptDelayMs: 0 }, { ismgCode: 0x2a5, activeTestMs: 150 });
    const { port } = await simulator.start();
    const file = path.join(dir, 'session.pcap');
    const stopCapture = await capture(port, file);
    const channel = new CmppChannel(parseCmppConfig({
      name: 'cm', type: 'cmpp', host: '127.0.0.1', port, version: '3.0', spId: '901234', sharedSecret: 's3cret',
      serviceId: 'MJS0019905', serviceNumber: '1065712345', linkId: 'LINK0000000000000001', feeType: '02', feeCode: '10',
    }));
    const receipts: Receipt[] = [];
    const inbound: InboundMessage[] = [];
    channel.on('receipt', (r: Receipt) => receipts.push(r));
    channel.on('inbound', (m: InboundMessage) => inbound.push(m));
    let ids: string[];
    try {
      await channel.start();
      const short = await channel.submit({ id: 'a', from: '106571234501', to: '+8613800138000', text: 'Your code is 4711' });
      const long = await channel.submit({ id: 'b', from: '', to: '13900000001', text: '尊敬的客户，您好！'.repeat(10) });
      ids = [...short.carrierIds, ...long.carrierIds];
      simulator.sendMo({ from: '13800138000', to: '106571234501', text: 'TD' });
      const end = Date.now() + 5000;
      while ((receipts.length < 3 || inbound.length < 1) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 400)); // an ACTIVE_TEST from the gateway, answered
    } finally {
      await channel.stop();
      await stopCapture();
      await simulator.stop();
    }
    expect(receipts).toHaveLength(3);
    const { pdus, malformed } = await decode(file, port);
    expect(malformed).toBe(0);

    const [connect] = ofCommand(pdus, Cmd.connect);
    expect(connect).toMatchObject({ 'cmpp.Total_Length': '39', 'cmpp.connect.Source_Addr': '901234', 'cmpp.Version': '03.00' });
    const china = new Date(Date.now() + 8 * 3600_000).toISOString();
    expect(connect['cmpp.connect.Timestamp']).toMatch(new RegExp(`^${china.slice(5, 7)}/${china.slice(8, 10)} \\d\\d:\\d\\d:\\d\\d$`));
    const [connectResp] = ofCommand(pdus, Cmd.connect_resp);
    expect(connectResp).toMatchObject({ 'cmpp.Total_Length': '33', 'cmpp.connect_resp.Status': '0', 'cmpp.Version': '03.00' });

    const submits = ofCommand(pdus, Cmd.submit);
    expect(submits).toHaveLength(3);
    expect(submits[0]).toMatchObject({
      'cmpp.Servicd_Id': 'MJS0019905', 'cmpp.submit.Msg_src': '901234', 'cmpp.submit.Src_Id': '106571234501',
      'cmpp.Dest_terminal_Id': '13800138000', 'cmpp.submit.FeeType': '02', 'cmpp.submit.FeeCode': '10', 'cmpp.LinkID': 'LINK0000000000000001',
    });
    expect(num(submits[0]['cmpp.Msg_Fmt'])).toBe(0);
    expect(num(submits[0]['cmpp.submit.Fee_UserType'])).toBe(2);
    expect(num(submits[0]['cmpp.submit.DestUsr_tl'])).toBe(1);
    expect(num(submits[0]['cmpp.Msg_Length'])).toBe('Your code is 4711'.length);
    expect(num(submits[0]['cmpp.TP_udhi'])).toBe(0);
    for (const [i, part] of submits.slice(1).entries()) {
      expect(part['cmpp.submit.Src_Id']).toBe('1065712345');
      expect(part['cmpp.Dest_terminal_Id']).toBe('13900000001');
      expect(num(part['cmpp.Msg_Fmt'])).toBe(8);
      expect(num(part['cmpp.TP_udhi'])).toBe(1);
      expect(num(part['cmpp.submit.Pk_total'])).toBe(2);
      expect(num(part['cmpp.submit.Pk_number'])).toBe(i + 1);
    }
    // the dissector reads the 64-bit Msg_Id itself: the same value we stored, digit for digit
    const responses = ofCommand(pdus, Cmd.submit_resp);
    expect(responses.map((r) => BigInt(String(r['cmpp.Msg_Id'])))).toEqual(ids.map(BigInt));
    expect(responses.map((r) => num(r['cmpp.submit_resp.Result']))).toEqual([0, 0, 0]);
    const tree = (p: Fields) => p['cmpp.Msg_Id_tree'] as Fields;
    expect(responses.map((r) => num(tree(r)['cmpp.Msg_Id.sequence_id']))).toEqual(ids.map((id) => Number(BigInt(id) & 0xffffn)));
    expect(tree(responses[0])['cmpp.Msg_Id.timestamp']).toMatch(/^\d\d\/\d\d \d\d:\d\d:\d\d$/);
    // Wireshark 4.0 shifts the gateway code by 16 where the spec's bits 38–17 need 8: it shows our 0x2a5 as 0x2a5 >> 8
    expect(num(tree(responses[0])['cmpp.Msg_Id.ismg_code'])).toBe(0x2a5 >> 8);

    const delivers = ofCommand(pdus, Cmd.deliver);
    const reports = delivers.filter((d) => d['cmpp.deliver.Registered_Delivery'] === '1').map((d) => d['cmpp.deliver.Report'] as Fields);
    expect(reports.map((r) => BigInt(String(r['cmpp.Msg_Id'])))).toEqual(ids.map(BigInt));
    expect(reports.map((r) => r['cmpp.deliver.Report.Status'])).toEqual(['DELIVRD', 'DELIVRD', 'DELIVRD']);
    expect(reports.map((r) => r['cmpp.Dest_terminal_Id'])).toEqual(['13800138000', '13900000001', '13900000001']);
    expect(reports[0]['cmpp.deliver.Report.Done_time']).toMatch(/^\d{10}$/);
    const mo = delivers.find((d) => d['cmpp.deliver.Registered_Delivery'] === '0')!;
    expect(mo).toMatchObject({ 'cmpp.deliver.Dest_Id': '106571234501', 'cmpp.deliver.Src_terminal_Id': '13800138000', 'cmpp.Msg_Fmt': '0', 'cmpp.Msg_Length': '2' });
    expect(ofCommand(pdus, Cmd.deliver_resp).map((r) => num(r['cmpp.deliver_resp.Result']))).toEqual([0, 0, 0, 0]);
    expect(ofCommand(pdus, Cmd.active_test).length).toBeGreaterThan(0);
    expect(ofCommand(pdus, Cmd.active_test_resp).length).toBe(ofCommand(pdus, Cmd.active_test).length);
    expect(ofCommand(pdus, Cmd.terminate)).toHaveLength(1);
    expect(ofCommand(pdus, Cmd.terminate_resp)).toHaveLength(1);
  }, 30_000);
});
