// Handsets texting a tenant through SMPP and the virtual carrier: a test server with one tenant, a simulator that
// keeps every handset's inbox, its channel and a free route, a shared service number with the tenant's extension,
// and a running worker — what every MO test sets up — with the API and service helpers those tests share.
import { expect, vi } from 'vitest';
import type { RawConfig } from '../../src/config.ts';
import { Simulator } from '../../src/channels/simulator/simulator.ts';
import { startWorker, type Worker } from '../../src/worker/worker.ts';
import { createChannel } from '../../src/store/repos/channels.ts';
import { createRoute } from '../../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../../src/store/repos/service-numbers.ts';
import { startTestServer, type TestServer, type TestTenant } from './server.ts';
import type { TestDatabase } from './databases.ts';

/** An API answer: status, JSON (when the answer is JSON) and the raw body. */
export interface ApiAnswer { status: number; json: any; body: string }

/** The running set-up and its helpers. */
export interface Handsets {
  s: TestServer; a: TestTenant; sim: Simulator; worker: Worker;
  /** The tenant's address: the shared service number and its extension. */
  address: string;
  /** Calls the API as the tenant's admin. */
  api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, payload?: unknown): Promise<ApiAnswer>;
  /** Creates a service and opens it (both must succeed). */
  live(input: Record<string, unknown>): Promise<{ id: string; version: number }>;
  /** Waits until a handset holds `total` messages; their texts. */
  waitInbox(phone: string, total: number): Promise<string[]>;
  /** Texts from a handset (to the tenant's address unless `to`) and waits for its `total`-th message; that message's text. */
  say(phone: string, text: string, total: number, to?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the set-up: `shared` service number, the tenant's extension `code`, server config `overrides`, an optional clock. */
export async function startHandsets(database: TestDatabase, opts: { shared: string; code: string; overrides?: RawConfig; now?: () => Date }): Promise<Handsets> {
  const s = await startTestServer(database, opts.overrides ?? {}, { now: opts.now });
  const a = await s.tenant();
  const sim = new Simulator({ receiptDelayMs: 10, keepInbox: true });
  const { port } = await sim.start(0);
  const now = new Date().toISOString();
  const ch = await createChannel(s.deps.store.db, { name: 'vc', type: 'smpp', config: { name: 'vc', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret' } }, now);
  await createRoute(s.deps.store.db, { channelId: ch.id, price: 0n }, now);
  await createServiceNumber(s.deps.store.db, { number: opts.shared }, now);
  await setTenantCode(s.deps.store.db, a.id, opts.code, now);
  const worker = await startWorker(s.deps);
  await vi.waitFor(() => { if (!worker.channels.upIds().length) throw new Error('no bound channel'); }, { timeout: 20_000, interval: 25 });
  const address = `${opts.shared}${opts.code}`;

  const api: Handsets['api'] = async (method, url, payload) => {
    const r = await s.app.inject({ method, url, headers: a.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: r.statusCode, json: String(r.headers['content-type']).includes('json') ? r.json() : undefined, body: r.body };
  };
  const waitInbox: Handsets['waitInbox'] = async (phone, total) => {
    await vi.waitFor(() => { if (sim.inbox(phone).length < total) throw new Error(`${phone} has ${sim.inbox(phone).length} of ${total} messages`); }, { timeout: 20_000, interval: 25 }).catch(async (e) => {
      console.log(await s.deps.store.db.selectFrom('inbound_messages').select(['text', 'action', 'keyword', 'reply_status']).where('phone', '=', phone).execute());
      console.log(await s.deps.store.db.selectFrom('messages').select(['text', 'status', 'reason', 'error']).where('phone', '=', phone).execute());
      throw e;
    });
    return sim.inbox(phone).map((m) => m.text);
  };
  return {
    s, a, sim, worker, address, api, waitInbox,
    async live(input) {
      const c = await api('POST', '/api/v1/services', input);
      expect(c.status, JSON.stringify(c.json)).toBe(201);
      const o = await api('POST', `/api/v1/services/${c.json.id}/open`);
      expect(o.status, JSON.stringify(o.json)).toBe(200);
      return o.json as { id: string; version: number };
    },
    async say(phone, text, total, to = address) {
      sim.sendMo({ from: phone.slice(1), to, text });
      return (await waitInbox(phone, total))[total - 1];
    },
    async stop() {
      await worker.stop();
      await sim.stop();
      await s.close();
    },
  };
}
