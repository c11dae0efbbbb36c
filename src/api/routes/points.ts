import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError } from '../../domain/errors.ts';
import { audit } from '../../store/repos/audit.ts';
import { creditPoints, debitPoints, listPointsAccounts, listPointsEntries, pointsBalance } from '../../store/repos/points.ts';
import { phoneFrom } from './contacts.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const entrySchema = z.object({
  id: z.string(), kind: z.enum(['credit', 'debit', 'expiry', 'refund']), points: z.number(), remaining: z.number(), expiresAt: z.string().nullable(),
  source: z.object({ type: z.string(), id: z.string() }), note: z.string().nullable(), createdAt: z.string(),
});
const contactParams = z.object({ contactId: z.string().min(1).max(100) });
const entryBody = z.object({
  kind: z.enum(['credit', 'debit']).default('credit'),
  points: z.number().int().min(1).max(1_000_000_000),
  expiresAt: z.string().datetime({ offset: true }).nullable().optional().describe('A credit expires at this time (ISO 8601); none = never'),
  source: z.enum(['api', 'manual']).default('api').describe('The source type; the source id is the Idempotency-Key'),
  note: z.string().max(500).nullable().optional(),
  idempotencyKey: z.string().min(1).max(200).optional().describe('The Idempotency-Key, when the header cannot be set (the console)'),
});

/** Points accounts and their ledger: `GET /api/v1/points[/:contactId]`, `POST /api/v1/points/:contactId/entries` (Idempotency-Key required). */
export function pointsRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['points'];

  app.get('/api/v1/points', {
    schema: {
      tags, summary: 'Points accounts, highest balance first', querystring: z.object({ phone: z.string().max(30).optional(), limit: z.coerce.number().int().min(1).max(5000).default(200) }),
      response: { 200: z.object({ accounts: z.array(z.object({ contactId: z.string(), phone: z.string(), name: z.string().nullable(), balance: z.number(), updatedAt: z.string() })) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const phone = request.query.phone ? await phoneFrom(deps, tenantId, request.query.phone, 'phone') : undefined;
    return { accounts: await listPointsAccounts(db, tenantId, { limit: request.query.limit, phone }) };
  });

  app.get('/api/v1/points/:contactId', {
    schema: {
      tags, summary: 'A contact\'s spendable balance and ledger (newest first)', params: contactParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), before: beforeQuery }),
      response: { 200: z.object({ contactId: z.string(), balance: z.number(), entries: z.array(entrySchema), next: nextField }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const { contactId } = request.params;
    const [balance, entries] = await Promise.all([pointsBalance(db, tenantId, contactId, deps.now()), listPointsEntries(db, tenantId, contactId, request.query)]);
    return { contactId, balance, entries, next: nextCursor(entries, request.query.limit, (e) => ({ at: e.createdAt, id: e.id })) };
  });

  app.post('/api/v1/points/:contactId/entries', {
    schema: {
      tags, summary: 'Credit or debit points; the Idempotency-Key header (or body field idempotencyKey) is required and is the entry\'s source id (the same key again returns the first entry, 200)',
      params: contactParams, headers: z.object({ 'idempotency-key': z.string().max(200).optional() }).passthrough(), body: entryBody,
      response: { 200: z.object({ entry: entrySchema, balance: z.number(), created: z.boolean() }), 201: z.object({ entry: entrySchema, balance: z.number(), created: z.boolean() }) },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const key = ((request.headers['idempotency-key'] as string | undefined) ?? request.body.idempotencyKey)?.trim();
    if (!key) throw new DomainError('invalid_request', 'the Idempotency-Key header is required: it makes a retried request one entry', { field: 'Idempotency-Key' });
    const b = request.body;
    const source = { type: b.source, id: key };
    const input = { contactId: request.params.contactId, points: b.points, source, note: b.note ?? null };
    const r = b.kind === 'credit' ? await creditPoints(db, tenantId, { ...input, expiresAt: b.expiresAt ?? null }, deps.now()) : await debitPoints(db, tenantId, input, deps.now());
    if (!r) throw new DomainError('conflict', `the balance does not cover a debit of ${b.points} points`, { reason: 'insufficient_points' });
    const wanted = b.kind === 'credit' ? 'credit' : 'debit';
    if (r.entry.kind !== wanted) throw new DomainError('conflict', `this Idempotency-Key was already used for a ${r.entry.kind}`, { entryId: r.entry.id });
    if (r.created) await audit(db, tenantId, actorOf(request), `points.${wanted}`, r.entry.id, { contactId: input.contactId, points: r.entry.points, source });
    return reply.status(r.created ? 201 : 200).send(r);
  });
}
