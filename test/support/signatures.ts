import { multipart } from './multipart.ts';
import type { TestServer, TestTenant } from './server.ts';

/** The first bytes of a PNG: enough for a proof file in tests. */
export const pngProof = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
/** A valid unified social credit code (统一社会信用代码). */
export const creditCode = '91330100716105852F';

/** Applies for a signature as the tenant, through the API; answers the response. */
export function applySignature(s: TestServer, t: TestTenant, text: string, over: { fields?: Record<string, string>; file?: { name: string; content: Buffer } } = {}) {
  const body = multipart({ field: 'proof', name: 'licence.png', content: pngProof, ...over.file }, { text, companyName: '好药房连锁有限公司', licenceNumber: creditCode, ...over.fields });
  return s.app.inject({ method: 'POST', url: '/api/v1/signatures', headers: { ...t.headers, ...body.headers }, payload: body.payload });
}

/** Gives the tenant an approved signature the way a real one gets it: applied for, then approved by the platform. */
export async function approvedSignature(s: TestServer, t: TestTenant, text: string): Promise<string> {
  const applied = await applySignature(s, t, text);
  if (applied.statusCode !== 201) throw new Error(`signature application failed: ${applied.body}`);
  const id = (applied.json() as { id: string }).id;
  const platform = { authorization: `Bearer ${await s.platformKey()}` };
  const approved = await s.app.inject({ method: 'POST', url: `/api/v1/admin/signatures/${id}/approve`, headers: platform, payload: {} });
  if (approved.statusCode !== 200) throw new Error(`signature approval failed: ${approved.body}`);
  return id;
}
