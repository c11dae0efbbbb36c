import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { newId } from '../src/domain/ids.ts';

const frozen = new Date('2026-12-07T02:00:00.000Z');

/** Walks a newest-first list through its `next` cursors and returns every id in the order served. */
async function walk(s: TestServer, t: TestTenant, url: string, items: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const query = new URLSearchParams({ limit: String(limit), ...(before ? { before } : {}) });
    const r = await s.app.inject({ method: 'GET', url: `${url}?${query}`, headers: t.headers });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as Record<string, unknown> & { next: string | null };
    ids.push(...(body[items] as { id: string }[]).map((x) => x.id));
    before = body.next;
    if (!before) return ids;
  }
  throw new Error(`${url} never ended`);
}

describe.each(testDatabases)('list cursors on $name', (database) => {
  it('pages campaigns, conversations and the audit log sharing one timestamp without skipping or repeating', async () => {
    const s = await startTestServer(database, {}, { now: () => frozen });
    try {
      const t = await s.tenant();
      const db = s.deps.store.db;
      const at = frozen.toISOString();
      for (let i = 0; i < 23; i++) {
        const r = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name: `同刻${i}`, category: 'notification', text: '通知', audience: { numbers: ['+8613800138000'] } } });
        expect(r.statusCode, r.body).toBe(201);
      }
      await db.insertInto('conversations').values(Array.from({ length: 23 }, (_, i) => ({
        id: newId(), tenant_id: t.id, phone: `+86138001380${String(i).padStart(2, '0')}`, contact_id: null, unread: 1, assigned_to: null, status: 'open',
        last_text: '在吗', last_direction: 'in', last_at: at, created_at: at, updated_at: at,
      }))).execute();
      await db.insertInto('audit_log').values(Array.from({ length: 23 }, (_, i) => ({
        id: newId(), tenant_id: t.id, actor_type: 'system', actor_id: null, action: `test.${i}`, target: null, details: null, ip: null, at,
      }))).execute();
      const expected = {
        campaigns: (await db.selectFrom('campaigns').select('id').where('tenant_id', '=', t.id).orderBy('id', 'desc').execute()).map((r) => r.id),
        conversations: (await db.selectFrom('conversations').select('id').where('tenant_id', '=', t.id).orderBy('id', 'desc').execute()).map((r) => r.id),
        entries: (await db.selectFrom('audit_log').select('id').where('tenant_id', '=', t.id).orderBy('at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.id),
      };
      expect(await walk(s, t, '/api/v1/campaigns', 'campaigns', 5)).toEqual(expected.campaigns);
      expect(await walk(s, t, '/api/v1/inbox', 'conversations', 5)).toEqual(expected.conversations);
      expect(await walk(s, t, '/api/v1/audit', 'entries', 4)).toEqual(expected.entries);

      const bad = await s.app.inject({ method: 'GET', url: '/api/v1/campaigns?before=yesterday_x', headers: t.headers });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain('before');
    } finally {
      await s.close();
    }
  });
});
