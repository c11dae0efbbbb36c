import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { audit } from '../../store/repos/audit.ts';
import { createGift, deleteGift, getGift, listGifts, updateGift } from '../../store/repos/gifts.ts';

const giftSchema = z.object({
  id: z.string(), code: z.string(), name: z.string(), points: z.number(), stock: z.number(), startsAt: z.string().nullable(), endsAt: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
});
const time = z.string().datetime({ offset: true }).transform((s) => new Date(s).toISOString());
const body = z.object({
  code: z.string().min(1).max(20).regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, - and _ only').describe('What customers text after the redeem word (DH G01); case-insensitive'),
  name: z.string().min(1).max(100),
  points: z.number().int().min(1).max(1_000_000_000).describe('The price in points'),
  stock: z.number().int().min(0).max(100_000_000),
  startsAt: time.nullable().optional().describe('Redeemable from (ISO 8601); none = now'),
  endsAt: time.nullable().optional().describe('Redeemable until (ISO 8601); none = no end'),
});
const idParams = z.object({ id: z.string().min(1).max(100) });

/** The gift catalogue (`/api/v1/gifts`): create, list, change, delete. */
export function giftRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['points'];
  const now = () => deps.now().toISOString();

  app.get('/api/v1/gifts', {
    schema: { tags, summary: 'The gift catalogue by code', response: { 200: z.object({ gifts: z.array(giftSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ gifts: await listGifts(db, tenantOf(request)) }));

  app.post('/api/v1/gifts', {
    schema: { tags, summary: 'Add a gift (its code is unique in the tenant: 409 names the holder)', body, response: { 201: giftSchema } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const g = await createGift(db, tenantId, request.body, now());
    await audit(db, tenantId, actorOf(request), 'gift.create', g.id, { code: g.code, points: g.points, stock: g.stock });
    return reply.status(201).send(g);
  });

  app.get('/api/v1/gifts/:id', {
    schema: { tags, summary: 'One gift', params: idParams, response: { 200: giftSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const g = await getGift(db, tenantOf(request), request.params.id);
    if (!g) throw notFound('gift');
    return g;
  });

  app.patch('/api/v1/gifts/:id', {
    schema: { tags, summary: 'Change a gift (stock replaces the current stock)', params: idParams, body: body.partial(), response: { 200: giftSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const g = await updateGift(db, tenantId, request.params.id, request.body, now());
    if (!g) throw notFound('gift');
    await audit(db, tenantId, actorOf(request), 'gift.update', g.id, { ...request.body });
    return g;
  });

  app.delete('/api/v1/gifts/:id', {
    schema: { tags, summary: 'Delete a gift never redeemed (409 otherwise: end it instead)', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteGift(db, tenantId, request.params.id)) throw notFound('gift');
    await audit(db, tenantId, actorOf(request), 'gift.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
