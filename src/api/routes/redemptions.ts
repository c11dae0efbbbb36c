import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable } from '../plugins/table-export.ts';
import { exportLabels } from '../export-labels.ts';
import { DomainError } from '../../domain/errors.ts';
import { audit } from '../../store/repos/audit.ts';
import { listRedemptions, redeemGift, setRedemptionStatus, type Redemption } from '../../store/repos/redemptions.ts';
import { exportQuery } from './contacts.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { keysetCursor, nextCursor } from '../../store/keyset.ts';

const status = z.enum(['reserved', 'fulfilled', 'cancelled']);
const redemptionSchema = z.object({
  id: z.string(), giftId: z.string(), giftCode: z.string(), giftName: z.string(), contactId: z.string(), phone: z.string().nullable(), points: z.number(), status,
  channel: z.string(), note: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});
const listQuery = z.object({ status: status.optional(), contactId: z.string().max(100).optional(), before: beforeQuery, limit: z.coerce.number().int().min(1).max(1000).default(200) });
const refusalMessages: Record<string, string> = {
  unknown_gift: 'there is no gift with this code', not_started: 'the gift cannot be redeemed yet', ended: 'the gift\'s redemption has ended',
  out_of_stock: 'the gift is out of stock', insufficient_points: 'the balance does not cover the gift',
};

/** Redemptions (`/api/v1/redemptions`): redeem for a contact, list, export, and move through reserved → fulfilled | cancelled. */
export function redemptionRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['points'];

  app.get('/api/v1/redemptions', {
    schema: { tags, summary: 'Redemptions, newest first', querystring: listQuery, response: { 200: z.object({ redemptions: z.array(redemptionSchema), next: nextField }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const redemptions = await listRedemptions(db, tenantOf(request), request.query);
    return { redemptions, next: nextCursor(redemptions, request.query.limit, (r) => ({ at: r.createdAt, id: r.id })) };
  });

  app.post('/api/v1/redemptions', {
    schema: {
      tags, summary: 'Redeem a gift for a contact (points and stock reserved in one transaction; 409 with the reason when refused)',
      body: z.object({ contactId: z.string().min(1).max(100), giftCode: z.string().min(1).max(20), note: z.string().max(500).nullable().optional() }),
      response: { 201: z.object({ redemption: redemptionSchema, balance: z.number() }) },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const b = request.body;
    const r = await redeemGift(db, tenantId, { contactId: b.contactId, code: b.giftCode, channel: 'api', note: b.note ?? null }, deps.now());
    if (!r.ok) {
      if (r.reason === 'unknown_gift') throw new DomainError('not_found', `gift ${b.giftCode} not found`, { reason: r.reason });
      throw new DomainError('conflict', `${refusalMessages[r.reason]} (${r.gift?.code})`, { reason: r.reason, balance: r.balance, stock: r.gift?.stock, points: r.gift?.points });
    }
    await audit(db, tenantId, actorOf(request), 'redemption.create', r.redemption.id, { giftCode: r.gift.code, contactId: b.contactId });
    return reply.status(201).send({ redemption: r.redemption, balance: r.balance });
  });

  app.get('/api/v1/redemptions/export', {
    schema: { tags, summary: 'Redemptions as CSV or XLSX (headers and states in `lang`, times in the tenant\'s zone)', querystring: exportQuery.extend({ status: status.optional() }) },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const l = await exportLabels(db, tenantId, request.query.lang);
    async function* pages(): AsyncGenerator<Redemption[]> {
      let before: string | undefined;
      while (true) {
        const page = await listRedemptions(db, tenantId, { limit: 1000, status: request.query.status, before });
        if (!page.length) return;
        yield page;
        before = keysetCursor({ at: page[page.length - 1].createdAt, id: page[page.length - 1].id });
        if (page.length < 1000) return;
      }
    }
    const col = (key: Parameters<typeof l.header>[0], value: (r: Redemption) => string | number | null, kind?: 'time') => ({ header: l.header(key), value, kind });
    return sendTable(reply, request.query.format, 'redemptions', [
      col('export.id', (r) => r.id), col('redemptions.gift', (r) => `${r.giftCode} ${r.giftName}`), col('messages.to', (r) => r.phone), col('redemptions.points', (r) => r.points),
      col('redemptions.status', (r) => l.code('redemptions.status', r.status)), col('redemptions.channel', (r) => l.code('redemptions.channel', r.channel)), col('redemptions.note', (r) => r.note),
      col('messages.createdAt', (r) => r.createdAt, 'time'), col('redemptions.updatedAt', (r) => r.updatedAt, 'time'),
    ], pages(), l.options);
  });

  app.patch('/api/v1/redemptions/:id', {
    schema: {
      tags, summary: 'Fulfil or cancel a reserved redemption (cancel returns the stock and refunds the points); sends a points.redemption webhook event',
      params: z.object({ id: z.string().min(1).max(100) }), body: z.object({ status: z.enum(['fulfilled', 'cancelled']), note: z.string().max(500).nullable().optional() }),
      response: { 200: redemptionSchema },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const r = await setRedemptionStatus(db, tenantId, request.params.id, request.body, deps.now());
    await audit(db, tenantId, actorOf(request), `redemption.${request.body.status}`, r.id, { note: request.body.note ?? null });
    return r;
  });
}
