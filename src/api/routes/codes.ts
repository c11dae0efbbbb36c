import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable } from '../plugins/table-export.ts';
import { notFound } from '../../domain/errors.ts';
import { audit } from '../../store/repos/audit.ts';
import { codeCheckStats, deleteCodeBatch, listCodeBatches } from '../../store/repos/codes.ts';
import { batchCodes, exportableBatch, generateBatch, importBatch, maxBatchCodes } from '../../services/codes/batches.ts';
import { codeLength } from '../../services/codes/rules.ts';

const batchSchema = z.object({
  id: z.string(), product: z.string(), name: z.string(), source: z.string(), length: z.number(), count: z.number(), expiresAt: z.string().nullable(), createdAt: z.string(),
});
const common = {
  product: z.string().min(1).max(100).describe('The product the codes are printed on'),
  name: z.string().max(100).optional().describe('Name of the batch (default: the product)'),
  length: z.number().int().min(codeLength.min).max(codeLength.max).default(16).describe('Digits per code, the Luhn check digit included'),
  expiresAt: z.string().max(40).nullable().optional().describe('After this time a code of the batch is answered "expired"'),
};
const idParams = z.object({ id: z.string().min(1) });
const statRow = z.object({ key: z.string(), result: z.string(), n: z.number() });

/** Anti-counterfeit code batches (`/api/v1/code-batches`): generate, import, export for the printer, delete; check statistics. */
export function codeRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['codes'];

  app.get('/api/v1/code-batches', {
    schema: { tags, summary: 'The tenant\'s code batches, newest first', response: { 200: z.object({ batches: z.array(batchSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ batches: await listCodeBatches(db, tenantOf(request)) }));

  app.post('/api/v1/code-batches', {
    schema: {
      tags, summary: 'Generate a batch: N codes of L digits with a Luhn check digit, stored only as keyed hashes (export them for the printer)',
      body: z.object({ ...common, count: z.number().int().min(1).max(maxBatchCodes) }), response: { 201: batchSchema },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const batch = await generateBatch(deps, tenantId, request.body);
    await audit(db, tenantId, actorOf(request), 'code_batch.generate', batch.id, { product: batch.product, count: batch.count });
    return reply.status(201).send(batch);
  });

  app.post('/api/v1/code-batches/import', {
    schema: {
      tags, summary: 'Import printed codes (stored only as keyed hashes); bad and duplicate lines are reported with their line number',
      body: z.object({ ...common, checkDigit: z.boolean().default(true).describe('Refuse codes whose last digit is not their Luhn check digit'), codes: z.array(z.string().max(64)).min(1).max(200_000) }),
      response: { 201: z.object({ batch: batchSchema, rejects: z.array(z.object({ line: z.number(), reason: z.string() })) }) },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const r = await importBatch(deps, tenantId, request.body);
    await audit(db, tenantId, actorOf(request), 'code_batch.import', r.batch.id, { product: r.batch.product, count: r.batch.count, rejected: r.rejects.length });
    return reply.status(201).send({ batch: r.batch, rejects: r.rejects.slice(0, 1000) });
  });

  app.get('/api/v1/code-batches/:id/export', {
    schema: { tags, summary: 'The codes of a generated batch as CSV or XLSX for the printer (derived again from the secret; audited)', params: idParams, querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }) },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const batch = await exportableBatch(deps, tenantId, request.params.id);
    await audit(db, tenantId, actorOf(request), 'code_batch.export', batch.id, { format: request.query.format });
    return sendTable(reply, request.query.format, `codes-${batch.name}`, [
      { header: 'serial', value: (r) => r.serial }, { header: 'code', value: (r) => r.code }, { header: 'product', value: (r) => r.product }, { header: 'batch', value: (r) => r.batch },
    ], batchCodes(deps, batch));
  });

  app.delete('/api/v1/code-batches/:id', {
    schema: { tags, summary: 'Delete a batch and its codes (checks of them are answered "not found" from now on)', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteCodeBatch(db, tenantId, request.params.id)) throw notFound('code batch');
    await audit(db, tenantId, actorOf(request), 'code_batch.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.get('/api/v1/code-checks/stats', {
    schema: {
      tags, summary: 'Code checks counted by result, product, batch and province of the number (counterfeit hot spots)',
      querystring: z.object({ serviceId: z.string().optional(), since: z.string().optional() }),
      response: { 200: z.object({ byResult: z.array(statRow), byProduct: z.array(statRow), byBatch: z.array(statRow), byProvince: z.array(statRow) }) },
    },
    config: { permission: 'read' },
  }, async (request) => codeCheckStats(db, tenantOf(request), request.query));
}
