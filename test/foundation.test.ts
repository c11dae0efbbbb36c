import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { createUser } from '../src/store/repos/users.ts';
import { hashPassword } from '../src/domain/secrets.ts';

describe.each(testDatabases)('foundation on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    s = await startTestServer(database, { signinAttempts: 3 });
    a = await s.tenant('alpha');
    b = await s.tenant('beta');
  });
  afterAll(async () => s?.close());

  it('answers /healthz with the database checked, and serves OpenAPI and docs', async () => {
    const h = await s.app.inject('/healthz');
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ status: 'ok', database: database.name });
    const doc = (await s.app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/v1/apikeys');
    expect((await s.app.inject('/api/docs/')).statusCode).toBe(200);
    // the docs name their sections in Chinese and English, tenant sections first and platform administration last
    const tags = (doc.tags as { name: string; description: string }[]).map((x) => x.name);
    expect(tags[0]).toBe('messages');
    expect(tags.at(-1)).toBe('admin');
    expect(doc.tags[0].description).toMatch(/发送短信/);
    const used = new Set(Object.values(doc.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap((p) => Object.values(p).flatMap((op) => op.tags ?? [])));
    expect([...used].filter((x) => !tags.includes(x)), 'route tags missing from src/api/doc-tags.ts').toEqual([]);
    expect((await s.app.inject('/api/docs/')).body).toContain('<title>Tidings API 文档</title>');
    const m = await s.app.inject('/metrics');
    expect(m.body).toContain('tidings_http_requests_total');
  });

  it('puts every error in the envelope: 404, 400 with where, 401, 403, 413', async () => {
    const nf = await s.app.inject('/api/v1/nothing');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.code).toBe('not_found');
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: { ...a.headers, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/JSON/);
    const field = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: a.headers, payload: { name: '', role: 'god' } });
    expect(field.statusCode).toBe(400);
    expect(field.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.name', 'body.role']));
    expect((await s.app.inject('/api/v1/tenant')).statusCode).toBe(401);
    const wrong = await s.app.inject({ url: '/api/v1/tenant', headers: { authorization: 'Bearer tdg_AAAAAAAA_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('unauthenticated');
    const platformOnly = await s.app.inject({ url: '/api/v1/admin/tenants', headers: a.headers });
    expect(platformOnly.statusCode).toBe(403);
    expect(platformOnly.json().error.code).toBe('forbidden');
    const big = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: { ...a.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(s.config.bodyLimitBytes + 10) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });

  it('enforces roles: a viewer reads but may not manage; an admin may not create owners', async () => {
    const viewer = await s.tenant(undefined, 'viewer');
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: viewer.headers })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/v1/apikeys', headers: viewer.headers })).statusCode).toBe(403);
    const owner = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: a.headers, payload: { email: 'o@alpha.test', role: 'owner', password: 'password-123' } });
    expect(owner.statusCode).toBe(403);
    const op = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: a.headers, payload: { email: 'op@alpha.test', role: 'operator', password: 'password-123' } });
    expect(op.statusCode).toBe(201);
  });

  it('creates keys shown once, lists them without secrets, revokes them to 401, and audits it', async () => {
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: a.headers, payload: { name: 'crm', role: 'operator' } });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key.startsWith(prefix)).toBe(true);
    const list = await s.app.inject({ url: '/api/v1/apikeys', headers: a.headers });
    expect(JSON.stringify(list.json())).not.toContain(key);
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/apikeys/${id}`, headers: a.headers })).statusCode).toBe(200);
    const after = await s.app.inject({ url: '/api/v1/tenant', headers: { authorization: `Bearer ${key}` } });
    expect(after.statusCode).toBe(401);
    const log = (await s.app.inject({ url: '/api/v1/audit', headers: a.headers })).json().entries.map((e: { action: string }) => e.action);
    expect(log).toEqual(expect.arrayContaining(['apikey.create', 'apikey.revoke']));
  });

  it('walls tenants off: users, keys and audit of one are invisible and untouchable to another', async () => {
    const user = (await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: a.headers, payload: { email: 'iso@alpha.test', role: 'viewer', password: 'password-123' } })).json();
    const key = (await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: a.headers, payload: { name: 'secret' } })).json();
    const users = (await s.app.inject({ url: '/api/v1/users', headers: b.headers })).json().users;
    expect(users.map((u: { id: string }) => u.id)).not.toContain(user.id);
    const patch = await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: b.headers, payload: { role: 'admin' } });
    expect(patch.statusCode).toBe(404);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/apikeys/${key.id}`, headers: b.headers })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/apikeys/${key.prefix}`, headers: b.headers })).statusCode).toBe(404);
    const keys = (await s.app.inject({ url: '/api/v1/apikeys', headers: b.headers })).json().keys;
    expect(keys.map((k: { id: string }) => k.id)).not.toContain(key.id);
    const audit = (await s.app.inject({ url: '/api/v1/audit', headers: b.headers })).json().entries;
    expect(audit.every((e: { tenantId: string }) => e.tenantId === b.id)).toBe(true);
    // Another tenant's email is refused without saying that it is another tenant's; one's own says so.
    const taken = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: b.headers, payload: { email: 'iso@alpha.test', role: 'viewer', password: 'password-123' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toBe('iso@alpha.test cannot be used for a new user; use another address');
    const own = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: a.headers, payload: { email: 'iso@alpha.test', role: 'viewer', password: 'password-123' } });
    expect(own.json().error.message).toContain('already a user of this tenant');
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: b.headers })).json().slug).toBe('beta');
  });

  it('lets a platform key administer tenants and act on one through X-Tenant', async () => {
    const pk = await s.platformKey();
    const h = { authorization: `Bearer ${pk}` };
    const t = await s.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: h, payload: { slug: 'gamma', name: 'Gamma Ltd' } });
    expect(t.statusCode).toBe(201);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: h, payload: { slug: 'gamma' } })).statusCode).toBe(409);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: h, payload: { slug: 'Bad Slug!' } })).json().error.details.field).toBe('slug');
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: h })).statusCode).toBe(400);
    const asGamma = await s.app.inject({ url: '/api/v1/tenant', headers: { ...h, 'x-tenant': 'gamma' } });
    expect(asGamma.json().name).toBe('Gamma Ltd');
    expect(asGamma.json().balance).toBe('0');
  });

  it('signs in with a session cookie, requires CSRF on changes, signs out, and rate-limits failures', async () => {
    await createUser(s.deps.store.db, { tenantId: a.id, email: 'Web@Alpha.test', role: 'admin', passwordHash: await hashPassword('correct horse') });
    const signin = await s.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email: 'web@alpha.test', password: 'correct horse' } });
    expect(signin.statusCode).toBe(200);
    const cookie = signin.cookies.find((c) => c.name === 'tidings_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const { csrfToken } = signin.json();
    const cookies = { tidings_session: cookie.value };
    expect((await s.app.inject({ url: '/api/v1/auth/me', cookies })).json().tenant.slug).toBe('alpha');
    const noCsrf = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', cookies, payload: { name: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const withCsrf = await s.app.inject({ method: 'POST', url: '/api/v1/apikeys', cookies, headers: { 'x-csrf-token': csrfToken }, payload: { name: 'x' } });
    expect(withCsrf.statusCode).toBe(201);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/signout', cookies, headers: { 'x-csrf-token': csrfToken } })).statusCode).toBe(204);
    expect((await s.app.inject({ url: '/api/v1/auth/me', cookies })).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) {
      expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email: 'web@alpha.test', password: 'wrong' } })).statusCode).toBe(401);
    }
    const limited = await s.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email: 'web@alpha.test', password: 'correct horse' } });
    expect(limited.statusCode).toBe(429);
    // The owner, from another address, is not locked out by someone else's failures…
    const signinFrom = (remoteAddress: string, password: string) => s.app.inject({ method: 'POST', url: '/api/v1/auth/signin', remoteAddress, payload: { email: 'web@alpha.test', password } });
    expect((await signinFrom('203.0.113.7', 'correct horse')).statusCode).toBe(200);
    // …but guesses spread over many addresses are capped per email at ten times the per-address allowance.
    for (let i = 0; i < 27; i++) expect((await signinFrom(`198.51.100.${i}`, 'wrong')).statusCode).toBe(401);
    expect((await signinFrom('203.0.113.8', 'correct horse')).statusCode).toBe(429);
    const platformAudit = (await s.app.inject({ url: '/api/v1/audit', headers: a.headers })).json().entries.map((e: { action: string }) => e.action);
    expect(platformAudit).toEqual(expect.arrayContaining(['signin', 'signin.failed']));
  });
});
