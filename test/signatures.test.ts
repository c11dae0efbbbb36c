import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { credit, startCarrier, type TestCarrier } from './support/carrier.ts';
import { applySignature, approvedSignature, pngProof } from './support/signatures.ts';
import { multipart } from './support/multipart.ts';
import { bootstrap, demoSignature } from '../src/store/bootstrap.ts';
import { findTenantBySlug } from '../src/store/repos/tenants.ts';
import { listSignatures } from '../src/store/repos/signatures.ts';
import { maxProofBytes } from '../src/domain/signatures.ts';
import { up as migration019 } from '../src/store/migrations/019_signatures_complaints.ts';
import { createTenant } from '../src/store/repos/tenants.ts';

describe.each(testDatabases)('signature review (签名报备) on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let platform: Record<string, string>;
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    s.app.inject({ method, url, headers, payload: payload as Record<string, unknown> | undefined });

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { price: 5 });
    platform = carrier.platform;
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  it('refuses bad applications with the field named, and stores nothing', async () => {
    const a = await s.tenant();
    const fieldOf = async (r: Awaited<ReturnType<typeof applySignature>>) => { expect(r.statusCode, r.body).toBe(400); return r.json().error.details.field as string; };
    expect(await fieldOf(await applySignature(s, a, '【甲】'))).toBe('text');
    expect(await fieldOf(await applySignature(s, a, '【好【药】房】'))).toBe('text');
    expect(await fieldOf(await applySignature(s, a, '【一二三四五六七八九十一二三】'))).toBe('text');
    expect(await fieldOf(await applySignature(s, a, '【好药房】', { fields: { licenceNumber: '91330100716105852A' } }))).toBe('licenceNumber');
    expect(await fieldOf(await applySignature(s, a, '【好药房】', { fields: { companyName: '' } }))).toBe('companyName');
    expect(await fieldOf(await applySignature(s, a, '【好药房】', { file: { name: 'licence.pdf', content: Buffer.from('<html><script>alert(1)</script></html>') } }))).toBe('proof');
    const noFile = multipart({ field: 'other', name: 'x.png', content: pngProof }, { text: '【好药房】', companyName: '好药房', licenceNumber: '91330100716105852F' });
    expect(await fieldOf(await s.app.inject({ method: 'POST', url: '/api/v1/signatures', headers: { ...a.headers, ...noFile.headers }, payload: noFile.payload }))).toBe('proof');
    const prototypeNames = multipart({ field: 'proof', name: 'x.png', content: pngProof }, { text: '【好药房】', constructor: 'x', hasOwnProperty: 'y' });
    const odd = await s.app.inject({ method: 'POST', url: '/api/v1/signatures', headers: { ...a.headers, ...prototypeNames.headers }, payload: prototypeNames.payload });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().error.code).toBe('invalid_request');
    const big = await applySignature(s, a, '【好药房】', { file: { name: 'big.png', content: Buffer.concat([pngProof, Buffer.alloc(maxProofBytes)]) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const json = await inject('POST', '/api/v1/signatures', a.headers, { text: '【好药房】' });
    expect(json.statusCode).toBe(400);
    expect((await inject('GET', '/api/v1/signatures', a.headers)).json().signatures).toEqual([]);
    expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('runs the review: applied → refused everywhere until approved → approved becomes the default and sends carry it; rejection needs a reason; all audited', async () => {
    const a = await s.tenant();
    const b = await s.tenant();
    await credit(s, carrier, a, 1000);
    const applied = await applySignature(s, a, '好药房');
    expect(applied.statusCode, applied.body).toBe(201);
    const sig = applied.json();
    expect(sig).toMatchObject({ text: '【好药房】', status: 'pending', usable: false, isDefault: false, demo: false, licenceNumber: '91330100716105852F', proof: { name: 'licence.png', type: 'image/png', size: pngProof.length } });

    const refused = [
      await inject('PATCH', '/api/v1/tenant/settings', a.headers, { signature: '【好药房】' }),
      await inject('POST', '/api/v1/messages', a.headers, { to: '13800138000', text: '【好药房】您的订单已发货' }),
      await inject('POST', '/api/v1/messages', a.headers, { to: '13800138000', text: '您的订单已发货【某银行】' }),
      await inject('POST', '/api/v1/campaigns', a.headers, { name: 'x', audience: { numbers: ['13800138000'] }, category: 'notification', text: '【好药房】到货通知' }),
      await inject('POST', '/api/v1/templates', a.headers, { name: 't', category: 'notification', text: '【好药房】{{name}}您好' }),
      await inject('POST', `/api/v1/signatures/${sig.id}/default`, a.headers),
    ];
    for (const r of refused) {
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().error.code).toBe('signature_not_approved');
    }
    expect(refused[2].json().error.details.signature).toBe('【某银行】');

    // the other tenant sees nothing of it; a tenant key cannot review
    expect((await inject('GET', `/api/v1/signatures/${sig.id}`, b.headers)).statusCode).toBe(404);
    expect((await inject('GET', `/api/v1/signatures/${sig.id}/proof`, b.headers)).statusCode).toBe(404);
    expect((await inject('POST', `/api/v1/admin/signatures/${sig.id}/approve`, a.headers, {})).statusCode).toBe(403);

    const proof = await inject('GET', `/api/v1/signatures/${sig.id}/proof`, a.headers);
    expect(proof.statusCode).toBe(200);
    expect(proof.headers['content-type']).toBe('image/png');
    expect(proof.headers['x-content-type-options']).toBe('nosniff');
    expect(proof.headers['content-disposition']).toMatch(/^attachment;/);
    expect(proof.rawPayload.equals(pngProof)).toBe(true);
    expect((await inject('GET', `/api/v1/admin/signatures/${sig.id}/proof`, platform)).rawPayload.equals(pngProof)).toBe(true);

    const queue = (await inject('GET', '/api/v1/admin/signatures', platform)).json().signatures;
    expect(queue.map((x: { id: string; tenantSlug: string }) => [x.id, x.tenantSlug])).toContainEqual([sig.id, a.slug]);
    expect((await inject('POST', `/api/v1/admin/signatures/${sig.id}/reject`, platform, {})).statusCode).toBe(400);
    const approved = await inject('POST', `/api/v1/admin/signatures/${sig.id}/approve`, platform, { note: '材料齐全' });
    expect(approved.json()).toMatchObject({ status: 'approved', usable: true, isDefault: true, reviewNote: '材料齐全' });
    expect((await inject('POST', `/api/v1/admin/signatures/${sig.id}/reject`, platform, { note: 'late' })).statusCode).toBe(409);
    expect((await inject('GET', '/api/v1/tenant', a.headers)).json().settings.signature).toBe('【好药房】');

    const sent = await inject('POST', '/api/v1/messages', a.headers, { to: '13800138000', text: '您的订单已发货' });
    expect(sent.statusCode, sent.body).toBe(202);
    const message = (await inject('GET', `/api/v1/messages/${sent.json().messages[0].id}`, a.headers)).json();
    expect(message.text).toBe('【好药房】您的订单已发货');
    expect((await inject('POST', '/api/v1/templates', a.headers, { name: 't', category: 'notification', text: '【好药房】{{name}}您好' })).statusCode).toBe(201);
    expect((await inject('DELETE', `/api/v1/signatures/${sig.id}`, a.headers)).statusCode).toBe(409);

    // a second one is rejected with a reason, applied again after fixing, and can then be made the default
    const second = (await applySignature(s, a, '【好药房会员】')).json();
    const rejected = await inject('POST', `/api/v1/admin/signatures/${second.id}/reject`, platform, { note: '营业执照模糊' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewNote: '营业执照模糊', usable: false });
    expect((await applySignature(s, a, '【好药房会员】')).json()).toMatchObject({ id: second.id, status: 'pending', reviewNote: null });
    await inject('POST', `/api/v1/admin/signatures/${second.id}/approve`, platform, {});
    expect((await inject('GET', `/api/v1/signatures/${second.id}`, a.headers)).json()).toMatchObject({ status: 'approved', isDefault: false });
    expect((await inject('POST', `/api/v1/signatures/${second.id}/default`, a.headers)).json()).toMatchObject({ isDefault: true });
    expect((await inject('DELETE', `/api/v1/signatures/${sig.id}`, a.headers)).statusCode).toBe(204);

    const actions = (await inject('GET', '/api/v1/audit', a.headers)).json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['signature.apply', 'signature.approve', 'signature.reject', 'signature.default', 'signature.delete']));
    const platformActions = (await inject('GET', '/api/v1/admin/audit', platform)).json().entries.map((e: { action: string }) => e.action);
    expect(platformActions).toEqual(expect.arrayContaining(['signature.approve', 'signature.reject']));
  });

  it('takes one of two applications for the same signature sent at the same moment', async () => {
    const a = await s.tenant();
    const results = await Promise.all([applySignature(s, a, '【同时申请】'), applySignature(s, a, '【同时申请】')]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await inject('GET', '/api/v1/signatures', a.headers)).json().signatures).toHaveLength(1);
  });

  it('stops a running campaign whose signature is no longer approved, and marks the demo signature as a demo one', async () => {
    const a = await s.tenant();
    await credit(s, carrier, a, 1000);
    await approvedSignature(s, a, '【好药房】');
    const c = (await inject('POST', '/api/v1/campaigns', a.headers, { name: 'n', audience: { numbers: ['13800138001'] }, category: 'notification', text: '到货通知' })).json();
    // the signature goes away (deleted by a platform operator's cleanup, say): the campaign refuses to start with the code
    await s.deps.store.db.deleteFrom('signatures').where('tenant_id', '=', a.id).execute();
    const start = await inject('POST', `/api/v1/campaigns/${c.id}/start`, a.headers, {});
    expect(start.statusCode, start.body).toBe(409);
    expect(start.json().error.code).toBe('signature_not_approved');

    const boot = await bootstrap(s.deps.store.db, { ...s.config, adminPassword: 'a-long-password-1' });
    expect(boot).toBeDefined();
    const demo = (await findTenantBySlug(s.deps.store.db, 'demo'))!;
    expect(await listSignatures(s.deps.store.db, demo.id)).toMatchObject([{ text: demoSignature, status: 'approved', demo: true }]);
  });
  it('keeps the signatures tenants had set before review existed as approved ones on upgrade (migration 019), the demo one as a demo', async () => {
    const db = s.deps.store.db;
    const old = await createTenant(db, { slug: `old-${Date.now()}`, settings: { signature: '老字号' } });
    const none = await createTenant(db, { slug: `none-${Date.now()}`, settings: { signature: '  ' } });
    const demo = (await findTenantBySlug(db, 'demo')) ?? await createTenant(db, { slug: 'demo', settings: { signature: demoSignature } });
    await db.deleteFrom('signatures').where('tenant_id', 'in', [old.id, none.id, demo.id]).execute();
    await migration019(db);
    expect(await listSignatures(db, old.id)).toMatchObject([{ text: '【老字号】', status: 'approved', demo: false, reviewNote: '签名审核上线前已在使用' }]);
    expect(await listSignatures(db, none.id)).toEqual([]);
    expect(await listSignatures(db, demo.id)).toMatchObject([{ text: demoSignature, status: 'approved', demo: true }]);
    await migration019(db); // once more changes nothing
    expect(await listSignatures(db, old.id)).toHaveLength(1);
  });
});
