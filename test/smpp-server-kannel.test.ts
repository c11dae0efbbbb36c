// Kannel (Debian's bearerbox + smsbox) as an independent ESME bound to Tidings' SMPP server: a message sent through
// Kannel's sendsms reaches the virtual carrier as an ordinary Tidings message, and its delivery report comes back to
// Kannel, which calls its dlr-url. Skips, saying so, where Kannel is not installed (`apt-get install kannel`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { SmppServer } from '../src/smpp-server/server.ts';

const hasKannel = spawnSync('sh', ['-c', 'command -v bearerbox && command -v smsbox']).status === 0;
if (!hasKannel) console.warn('smpp-server-kannel: skipped — Kannel is not installed (apt-get install kannel provides bearerbox and smsbox)');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const get = (url: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
  const req = http.get(url, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    res.on('error', reject);
  });
  req.on('error', reject);
});

describe.skipIf(!hasKannel).each(testDatabases)('Kannel bound to the SMPP server on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let server: SmppServer;
  let dir: string;
  let dlrServer: http.Server;
  const boxes: ChildProcess[] = [];
  const reports: URLSearchParams[] = [];
  let sendsmsPort: number;
  let adminPort: number;
  let dlrPort: number;
  let tenantHeaders: Record<string, string>;

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { price: 5 });
    const t = await s.tenant();
    tenantHeaders = t.headers;
    await credit(s, carrier, t, 1000);
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/smpp-accounts', headers: t.headers, payload: { systemId: 'kannel', password: 'kannel01', maxBinds: 2 } });
    expect(created.statusCode, created.body).toBe(201);
    server = new SmppServer(s.deps, { receiptPollMs: 50 });
    const { port } = await server.start({ port: 0, host: '127.0.0.1' });
    dlrServer = http.createServer((req, res) => {
      reports.push(new URL(req.url ?? '/', 'http://x').searchParams);
      res.end('ok');
    });
    await new Promise<void>((resolve) => dlrServer.listen(0, '127.0.0.1', resolve));
    dlrPort = (dlrServer.address() as net.AddressInfo).port;
    [adminPort, sendsmsPort] = [await freePort(), await freePort()];
    const smsboxPort = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), 'tidings-kannel-'));
    const conf = path.join(dir, 'kannel.conf');
    writeFileSync(conf, [
      'group = core', `admin-port = ${adminPort}`, 'admin-password = adm', 'admin-interface = 127.0.0.1', 'admin-allow-ip = 127.0.0.1',
      `smsbox-port = ${smsboxPort}`, 'box-allow-ip = 127.0.0.1', 'log-level = 1', `log-file = "${dir}/bearerbox.log"`, 'dlr-storage = internal', '',
      'group = smsc', 'smsc = smpp', 'smsc-id = tidings', 'host = 127.0.0.1', `port = ${port}`, 'transceiver-mode = true',
      'smsc-username = kannel', 'smsc-password = kannel01', 'system-type = ""', 'enquire-link-interval = 5', 'source-addr-ton = 0', 'source-addr-npi = 1',
      'dest-addr-ton = 1', 'dest-addr-npi = 1', '',
      'group = smsbox', 'bearerbox-host = 127.0.0.1', `sendsms-port = ${sendsmsPort}`, 'sendsms-interface = 127.0.0.1', 'log-level = 1', `log-file = "${dir}/smsbox.log"`, 'global-sender = 10690', '',
      'group = sendsms-user', 'username = tester', 'password = secret9', '',
    ].join('\n'));
    for (const box of ['bearerbox', 'smsbox']) {
      const child = spawn(box, [conf], { stdio: 'ignore' });
      child.on('error', () => undefined);
      boxes.push(child);
      if (box === 'bearerbox') {
        await waitFor(async () => {
          const r = await get(`http://127.0.0.1:${adminPort}/status.txt?password=adm`).catch(() => null);
          return r && /tidings.*online/.test(r.body);
        }, 'Kannel to bind to the SMPP server', 20_000);
      }
    }
    await waitFor(async () => (await get(`http://127.0.0.1:${sendsmsPort}/`).catch(() => null)) !== null, 'smsbox to listen', 20_000);
  }, 60_000);

  afterAll(async () => {
    for (const b of boxes) b.kill('SIGTERM');
    await Promise.all(boxes.map((b) => (b.exitCode === null ? new Promise((r) => b.once('exit', r)) : null)));
    await server?.stop();
    await carrier?.stop();
    await s?.close();
    await new Promise<void>((resolve) => dlrServer?.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends through sendsms as an ordinary message and delivers its receipt to Kannel (dlr-url called with "delivered")', async () => {
    const dlrUrl = `http://127.0.0.1:${dlrPort}/dlr?type=%d&to=%p&reply=%A`;
    const q = new URLSearchParams({ username: 'tester', password: 'secret9', to: '+8613800138777', text: 'hello from Kannel', 'dlr-mask': '3', 'dlr-url': dlrUrl });
    const sent = await get(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?${q}`);
    expect(sent.status, sent.body).toBe(202);
    const stored = await waitFor(async () => {
      const list = (await s.app.inject({ url: '/api/v1/messages?phone=%2B8613800138777', headers: tenantHeaders })).json().messages as { id: string; text: string; status: string }[];
      return list.find((m) => m.status === 'delivered') ?? null;
    }, 'the message to be delivered by the virtual carrier');
    expect(stored!.text).toContain('hello from Kannel');
    expect(carrier.simulator.inbox('8613800138777').map((m) => m.text).join('')).toContain('hello from Kannel');
    const report = await waitFor(() => reports.find((r) => r.get('type') === '1'), 'Kannel to report the delivery');
    expect(report!.get('to')).toContain('8613800138777');
  });
});
