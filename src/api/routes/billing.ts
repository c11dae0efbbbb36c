import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { listLedger, moveBalance, type LedgerEntry } from '../../store/repos/billing.ts';
import { findTenantByIdOrSlug } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const entrySchema = z.object({ id: z.string(), kind: z.string(), amount: z.string(), balanceAfter: z.string(), campaignId: z.string().nullable(), messageId: z.string().nullable(), note: z.string().nullable(), actor: z.string().nullable(), at: z.string() });
const show = (e: LedgerEntry) => ({ ...e, amount: e.amount.toString(), balanceAfter: e.balanceAfter.toString() });
/** A page of ledger entries with the cursor of the next one. */
const page = (entries: LedgerEntry[], limit: number) => ({ entries: entries.map(show), next: nextCursor(entries, limit, (e) => e) });
const ledgerQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: beforeQuery });

/** Balances and the ledger: a tenant reads its own; a platform admin tops up and adjusts. */
export function billingRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  app.get('/api/v1/ledger', {
    schema: { tags: ['billing'], summary: 'Every movement of your balance, newest first', querystring: ledgerQuery, response: { 200: z.object({ entries: z.array(entrySchema), next: nextField }) } },
    config: { permission: 'read' },
  }, async (request) => page(await listLedger(db, tenantOf(request), request.query), request.query.limit));

  app.post('/api/v1/admin/tenants/:id/balance', {
    schema: {
      tags: ['admin'], summary: 'Top up (positive) or adjust (negative) a tenant balance, in minor units',
      params: z.object({ id: z.string() }),
      body: z.object({ amount: z.union([z.string().regex(/^-?\d{1,18}$/), z.number().int()]), note: z.string().max(500).optional() }).strict(),
      response: { 200: z.object({ balance: z.string() }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await findTenantByIdOrSlug(db, request.params.id);
    if (!t) throw notFound('tenant');
    const amount = BigInt(request.body.amount);
    if (amount === 0n) throw new DomainError('invalid_request', 'amount must not be zero', { field: 'amount' });
    const actor = actorOf(request);
    const balance = await moveBalance(db, t.id, amount, { kind: amount > 0n ? 'topup' : 'adjust', note: request.body.note ?? null, actor: `${actor.type}:${actor.id ?? ''}` }, deps.now().toISOString());
    if (balance === null) throw new DomainError('insufficient_balance', 'the adjustment would take the balance below zero');
    await audit(db, t.id, actor, 'balance.adjust', t.id, { amount: amount.toString() });
    return { balance: balance.toString() };
  });

  app.get('/api/v1/admin/tenants/:id/ledger', {
    schema: { tags: ['admin'], summary: 'A tenant’s ledger', params: z.object({ id: z.string() }), querystring: ledgerQuery, response: { 200: z.object({ entries: z.array(entrySchema), next: nextField }) } },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await findTenantByIdOrSlug(db, request.params.id);
    if (!t) throw notFound('tenant');
    return page(await listLedger(db, t.id, request.query), request.query.limit);
  });
}
