// Channel forms and the connection test of CMPP, SGIP and SMGP through the API, against the embedded virtual
// gateways over real sockets: a right secret logs in, a wrong one gives the gateway's status and its meaning in
// Chinese, bad fields are named, and no secret ever comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { EMBEDDED_ACCOUNTS, startEmbeddedCarrier, type EmbeddedCarrier } from '../src/channels/simulator/embedded.ts';

/** Every string value anywhere in a JSON answer (the embedded gateways' secret is the word "secret", also a key). */
function values(json: unknown): string[] {
  if (typeof json === 'string') return [json];
  if (json && typeof json === 'object') return Object.values(json).flatMap(values);
  return [];
}

describe.each(testDatabases)('CMPP / SGIP / SMGP channel forms and connection tests on $name', (database) => {
  let s: TestServer;
  let carrier: EmbeddedCarrier;
  let platform: Record<string, string>;
  const a = EMBEDDED_ACCOUNTS;
  const post = async (url: string, payload: unknown) => {
    const r = await s.app.inject({ method: 'POST', url, headers: platform, payload: payload as never });
    return { status: r.statusCode, body: r.json(), text: r.body };
  };
  /** A channel of each type pointing at its embedded gateway, with the right secrets, and the key holding the one to get wrong. */
  const channels = () => [
    { secret: 'sharedSecret', config: { name: 'cm-1', type: 'cmpp', host: '127.0.0.1', port: carrier.ports.cmpp, version: 48, spId: a.cmpp.systemId, sharedSecret: a.cmpp.password, serviceNumber: '1065700001' }, status: 'cmpp-connect:3', words: /认证错/ },
    { secret: 'password', config: { name: 'cu-1', type: 'sgip', host: '127.0.0.1', port: carrier.ports.sgip, loginName: a.sgip.systemId, password: a.sgip.password, nodeId: 3010012345, listenHost: '127.0.0.1', listenPort: 0, listenLoginName: 'unicom2', sharedSecret: 'back-secret' }, status: 'sgip:1', words: /登录名或密码错误/ },
    { secret: 'secret', config: { name: 'ct-1', type: 'smgp', host: '127.0.0.1', port: carrier.ports.smgp, clientId: a.smgp.systemId, secret: a.smgp.password, spNumber: '1180001' }, status: 'smgp:21', words: /认证错/ },
  ];

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startEmbeddedCarrier((sim) => sim.start(0));
    platform = { authorization: `Bearer ${await s.platformKey()}` };
  }, 60_000);
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  it('lists a form for each protocol with Chinese labels, defaults and the SGIP listener', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/api/v1/admin/channel-types', headers: platform });
    const types = r.json().types as { type: string; fields: { name: string; label: Record<string, string>; default?: unknown }[] }[];
    expect(types.map((t) => t.type)).toEqual(['smpp', 'cmpp', 'sgip', 'smgp']);
    const sgip = types.find((t) => t.type === 'sgip')!.fields;
    expect(sgip.find((f) => f.name === 'listenPort')).toMatchObject({ default: 8801, label: { 'zh-CN': '回连监听端口' } });
    expect(sgip.find((f) => f.name === 'listenHost')).toMatchObject({ default: '0.0.0.0' });
    expect(types.find((t) => t.type === 'cmpp')!.fields.find((f) => f.name === 'window')).toMatchObject({ default: 16 });
  });

  it('logs in with the right secret, and with a wrong one reports the gateway\'s status and what it means; nothing is stored', async () => {
    for (const c of channels()) {
      const ok = await post('/api/v1/admin/channels/test', c.config);
      expect(ok.body, c.config.type).toEqual({ ok: true, state: 'bound', reason: null, code: null, explanation: null });
      const wrong = await post('/api/v1/admin/channels/test', { ...c.config, [c.secret]: 'not-it' });
      expect(wrong.status).toBe(200);
      expect(wrong.body, c.config.type).toMatchObject({ ok: false, state: 'down', code: c.status });
      expect(wrong.body.reason).toMatch(/refused/);
      expect(wrong.body.explanation['zh-CN'], c.config.type).toMatch(c.words);
      expect(wrong.body.explanation.en).toMatch(/\w/);
      expect(wrong.text).not.toContain('not-it');
    }
    const closed = await post('/api/v1/admin/channels/test', { ...channels()[0].config, port: 1 });
    expect(closed.body).toMatchObject({ ok: false, code: 'connect', explanation: { 'zh-CN': expect.stringMatching(/无法连接/) } });
    expect(await s.deps.store.db.selectFrom('channels').select('name').executeTakeFirst()).toBeUndefined();
  }, 60_000);

  it('names a bad field, stores each channel with its secrets masked, and tests a stored channel by its masked secret', async () => {
    const bad = await post('/api/v1/admin/channels', { ...channels()[0].config, spId: '12345678', feeCode: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['feeCode', 'spId']);
    for (const type of ['constructor', '__proto__', 'toString']) {
      for (const url of ['/api/v1/admin/channels', '/api/v1/admin/channels/test']) {
        const odd = await post(url, { ...channels()[0].config, type });
        expect(odd.status, `${url} ${type}`).toBe(400);
        expect(odd.body.error.details.field).toBe('type');
      }
    }
    const nested = await post('/api/v1/admin/channels', { ...channels()[2].config, reconnect: { minMs: 0 } });
    expect(nested.body.error.details.field).toBe('reconnect.minMs');

    for (const c of channels()) {
      const created = await post('/api/v1/admin/channels', c.config);
      expect(created.status, created.text).toBe(201);
      const secrets = Object.entries(c.config).filter(([k]) => ['password', 'sharedSecret', 'secret'].includes(k)).map(([, v]) => String(v));
      const shown = (await s.app.inject({ method: 'GET', url: '/api/v1/admin/channels', headers: platform })).json();
      for (const secret of secrets) {
        expect(values(created.body)).not.toContain(secret);
        expect(values(shown)).not.toContain(secret);
      }
      expect(created.body.config[c.secret]).toBe('********');
      const masked = await post('/api/v1/admin/channels/test', { ...c.config, [c.secret]: '********' });
      expect(masked.body.ok, c.config.type).toBe(true);
    }
  }, 60_000);
});
