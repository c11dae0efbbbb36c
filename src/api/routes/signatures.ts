import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import type { Lookups } from '../lookups.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { maxProofBytes, normalizeLicenceNumber, normalizeSignature, proofTypeOf, safeFileName, signatureStatuses, type SignatureStatus } from '../../domain/signatures.ts';
import { formatSignature } from '../../domain/templates.ts';
import {
  applySignature, deleteSignature, findSignature, findSignatureById, listSignatures, listSignaturesForReview, reviewSignature, signatureProof, type Signature,
} from '../../store/repos/signatures.ts';
import { findTenant, updateTenant } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { formatBytes } from '../../worker/imports/reader.ts';

const statusEnum = z.enum(signatureStatuses as [SignatureStatus, ...SignatureStatus[]]);
const signatureSchema = z.object({
  id: z.string(), tenantId: z.string(), text: z.string().describe('The signature as placed, e.g. 【好药房】'), companyName: z.string(), licenceNumber: z.string(),
  proof: z.object({ name: z.string(), type: z.string(), size: z.number() }).nullable().describe('The uploaded proof file (download it from /proof)'),
  status: statusEnum, demo: z.boolean().describe('The demo tenant\'s signature made on first start: usable for trying things, not a signature of your own'),
  reviewNote: z.string().nullable(), reviewedBy: z.string().nullable(), reviewedAt: z.string().nullable(), submittedAt: z.string(), createdAt: z.string(), updatedAt: z.string(),
  usable: z.boolean().describe('Approved: sends, campaigns and templates may carry it'),
  isDefault: z.boolean().describe('The tenant\'s signature placed on every message (tenant setting `signature`)'),
});
const idParams = z.object({ id: z.string().min(1) });
const applyFields = z.object({
  text: z.string().min(1).max(40).describe('The signature, e.g. 【好药房】 (brackets added when missing)'),
  companyName: z.string().trim().min(2).max(100).describe('The company the signature belongs to, as on its business licence'),
  licenceNumber: z.string().min(1).max(40).describe('统一社会信用代码 (18 characters, check character verified) or another registration number'),
});

function show(s: Signature, configured: unknown): Signature & { usable: boolean; isDefault: boolean } {
  const isDefault = typeof configured === 'string' && configured.trim() !== '' && formatSignature(configured) === s.text;
  return { ...s, usable: s.status === 'approved', isDefault };
}

/** Sends a stored proof file as a download: its sniffed type, a safe name, never rendered inline by the browser. */
function sendProof(reply: FastifyReply, proof: { name: string; type: string; data: Buffer }) {
  return reply.type(proof.type).header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'")
    .header('content-disposition', `attachment; filename="proof.${proof.name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(proof.name)}`).send(proof.data);
}

/** Signatures (`/api/v1/signatures`: apply with proof, choose the default) and their platform review (`/api/v1/admin/signatures`). */
export function signatureRoutes(app: App, deps: Deps, lookups: Lookups): void {
  const db = deps.store.db;
  const tags = ['signatures'];
  const settingsOf = async (tenantId: string) => (await findTenant(db, tenantId))?.settings ?? {};
  async function load(tenantId: string, id: string): Promise<Signature> {
    const s = await findSignature(db, tenantId, id);
    if (!s) throw notFound('signature');
    return s;
  }

  /** Makes the signature the tenant's default one. */
  async function makeDefault(tenantId: string, text: string): Promise<void> {
    const t = (await findTenant(db, tenantId))!;
    await updateTenant(db, tenantId, { settings: { ...t.settings, signature: text } });
    lookups.forgetTenant(tenantId);
  }

  app.get('/api/v1/signatures', {
    schema: { tags, summary: 'The tenant\'s signatures and their review state', response: { 200: z.object({ signatures: z.array(signatureSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const configured = (await settingsOf(tenantId)).signature;
    return { signatures: (await listSignatures(db, tenantId)).map((s) => show(s, configured)) };
  });

  app.get('/api/v1/signatures/:id', {
    schema: { tags, summary: 'One signature', params: idParams, response: { 200: signatureSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const s = await load(tenantId, request.params.id);
    return show(s, (await settingsOf(tenantId)).signature);
  });

  app.get('/api/v1/signatures/:id/proof', {
    schema: { tags, summary: 'Download the proof file of a signature', params: idParams },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const proof = await signatureProof(db, tenantOf(request), request.params.id);
    if (!proof) throw notFound('proof');
    return sendProof(reply, proof);
  });

  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: maxProofBytes, files: 1, fields: 10, fieldSize: 1000 } });
    scope.post('/api/v1/signatures', {
      schema: {
        tags, consumes: ['multipart/form-data'], response: { 201: signatureSchema },
        summary: `Apply for a signature (签名报备): multipart fields text, companyName, licenceNumber and the file proof (PDF, PNG or JPEG of the business licence, at most ${formatBytes(maxProofBytes)}); the platform reviews it`,
      },
      config: { permission: 'manage' },
    }, async (request, reply) => {
      const tenantId = tenantOf(request);
      if (!request.isMultipart()) throw new DomainError('invalid_request', 'send the application as multipart/form-data with the file in a field named "proof"');
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      let file: { name: string; data: Buffer } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'proof' || file) { part.file.resume(); continue; }
            file = { name: part.filename || 'proof', data: await part.toBuffer() };
          } else fields[part.fieldname] = String(part.value);
        }
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new DomainError('payload_too_large', `the proof file is larger than the limit of ${formatBytes(maxProofBytes)}`, { field: 'proof', limit: maxProofBytes });
        }
        throw e;
      }
      const parsed = applyFields.safeParse({ text: fields.text, companyName: fields.companyName, licenceNumber: fields.licenceNumber });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue.path.join('.');
        throw new DomainError('invalid_request', `${field}: ${issue.message}`, { field });
      }
      const text = normalizeSignature(parsed.data.text);
      const licenceNumber = normalizeLicenceNumber(parsed.data.licenceNumber);
      if (!file || file.data.length === 0) throw new DomainError('invalid_request', 'attach the proof (the business licence as PDF, PNG or JPEG) in a multipart field named "proof"', { field: 'proof' });
      const type = proofTypeOf(file.data);
      const s = await applySignature(db, tenantId, { text, companyName: parsed.data.companyName, licenceNumber, proof: { name: safeFileName(file.name, type.ext), type: type.type, data: file.data } }, deps.now());
      await audit(db, tenantId, actorOf(request), 'signature.apply', s.id, { text, companyName: s.companyName, proof: s.proof });
      return reply.status(201).send(show(s, (await settingsOf(tenantId)).signature));
    });
  });

  app.post('/api/v1/signatures/:id/default', {
    schema: { tags, summary: 'Make an approved signature the one placed on every message', params: idParams, response: { 200: signatureSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const s = await load(tenantId, request.params.id);
    if (s.status !== 'approved') throw new DomainError('signature_not_approved', `the signature ${s.text} is ${s.status}: only an approved signature can be the default`, { signature: s.text, status: s.status });
    await makeDefault(tenantId, s.text);
    await audit(db, tenantId, actorOf(request), 'signature.default', s.id, { text: s.text });
    return show(s, s.text);
  });

  app.delete('/api/v1/signatures/:id', {
    schema: { tags, summary: 'Delete a signature (not the default one: choose another default first)', params: idParams, response: { 204: z.null() } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const s = await load(tenantId, request.params.id);
    if (show(s, (await settingsOf(tenantId)).signature).isDefault) throw new DomainError('conflict', `${s.text} is the default signature: make another one the default first`, { signatureId: s.id });
    await deleteSignature(db, tenantId, s.id);
    await audit(db, tenantId, actorOf(request), 'signature.delete', s.id, { text: s.text });
    return reply.status(204).send(null);
  });

  // ---- platform review ----
  const admin = ['admin'];
  app.get('/api/v1/admin/signatures', {
    schema: {
      tags: admin, summary: 'Signatures of every tenant in a review state (default: pending, oldest first)',
      querystring: z.object({ status: statusEnum.default('pending') }),
      response: { 200: z.object({ signatures: z.array(signatureSchema.extend({ tenantSlug: z.string() })) }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const items = await listSignaturesForReview(db, request.query.status);
    const signatures = [];
    for (const s of items) signatures.push({ ...show(s, (await settingsOf(s.tenantId)).signature), tenantSlug: s.tenantSlug });
    return { signatures };
  });

  app.get('/api/v1/admin/signatures/:id/proof', {
    schema: { tags: admin, summary: 'Download the proof file of any tenant\'s signature', params: idParams },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const proof = await signatureProof(db, null, request.params.id);
    if (!proof) throw notFound('proof');
    return sendProof(reply, proof);
  });

  for (const action of ['approve', 'reject'] as const) {
    app.post(`/api/v1/admin/signatures/:id/${action}`, {
      schema: {
        tags: admin, params: idParams, response: { 200: signatureSchema },
        summary: action === 'approve'
          ? 'Approve a pending signature (it becomes the tenant\'s default when the tenant has none, or only the demo one)'
          : 'Reject a pending signature, saying why',
        body: action === 'approve' ? z.object({ note: z.string().trim().max(500).optional() }).default({}) : z.object({ note: z.string().trim().min(1).max(500) }),
      },
      config: { permission: 'platform' },
    }, async (request) => {
      const before = await findSignatureById(db, request.params.id);
      if (!before) throw notFound('signature');
      const note = (request.body as { note?: string } | undefined)?.note || null;
      const s = await reviewSignature(db, before.id, { approve: action === 'approve', note, reviewer: request.auth!.userId ?? request.auth!.keyId }, deps.now());
      const configured = (await settingsOf(s.tenantId)).signature;
      let madeDefault = false;
      if (s.status === 'approved') {
        const current = typeof configured === 'string' && configured.trim() ? formatSignature(configured) : null;
        const currentIsDemo = current !== null && (await listSignatures(db, s.tenantId)).some((x) => x.text === current && x.demo);
        if (current === null || currentIsDemo) { await makeDefault(s.tenantId, s.text); madeDefault = true; }
      }
      const details = { text: s.text, companyName: s.companyName, note, madeDefault };
      await audit(db, null, actorOf(request), `signature.${action}`, s.id, { ...details, tenantId: s.tenantId });
      await audit(db, s.tenantId, actorOf(request), `signature.${action}`, s.id, details);
      return show(s, madeDefault ? s.text : configured);
    });
  }
}
