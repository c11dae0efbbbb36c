import net from 'node:net';
import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { categories, type Category } from '../../domain/templates.ts';
import {
  bindTypes, createSmppAccount, deleteSmppAccount, getSmppAccount, listSmppAccounts, listSmppSessions, moDeliveries, updateSmppAccount,
} from '../../store/repos/smpp-accounts.ts';
import { audit } from '../../store/repos/audit.ts';

/** An address or a CIDR range (IPv4 or IPv6). */
const ipEntry = z.string().max(64).refine((v) => {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !net.isIP(ip)) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (net.isIPv6(ip) ? 128 : 32);
}, 'an IP address or a CIDR range such as 10.0.0.0/8');

const accountSchema = z.object({
  id: z.string(), systemId: z.string(), bindTypes: z.array(z.enum(bindTypes)), maxBinds: z.number(), tps: z.number(), window: z.number(),
  sourceAddresses: z.array(z.string()), ipAllowlist: z.array(z.string()), defaultCategory: z.string(), moDelivery: z.enum(moDeliveries),
  enabled: z.boolean(), gsm7Packed: z.boolean(), lastError: z.string().nullable(), lastErrorAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
  sessions: z.array(z.object({ id: z.string(), node: z.string(), bindType: z.string(), address: z.string(), boundAt: z.string() })).optional(),
});
const accountBody = z.object({
  systemId: z.string().min(1).max(15).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').describe('What the ESME binds with (SMPP allows at most 15 characters); unique on the platform'),
  password: z.string().length(8).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').describe('8 characters, the SMPP maximum; stored hashed'),
  bindTypes: z.array(z.enum(bindTypes)).min(1).max(3).optional().describe('Allowed binds (default all three)'),
  maxBinds: z.number().int().min(1).max(100).optional().describe('Sessions bound at once across all nodes (default 2)'),
  tps: z.number().int().min(0).max(100_000).optional().describe('Submits per second (0 = unlimited; default 100); above it ESME_RTHROTTLED'),
  window: z.number().int().min(1).max(10_000).optional().describe('Submits of one session awaiting their answer (default 50); above it ESME_RMSGQFUL'),
  sourceAddresses: z.array(z.string().min(1).max(20)).max(200).optional().describe('source_addr values the ESME may use (they become the sender); empty = any, sent from the tenant\'s service number'),
  ipAllowlist: z.array(ipEntry).max(200).optional().describe('Addresses or CIDR ranges allowed to bind; empty = any'),
  defaultCategory: z.enum(categories as [Category, ...Category[]]).optional().describe('Category of submitted messages (default notification)'),
  moDelivery: z.enum(moDeliveries).optional().describe('Where replies to the tenant\'s numbers go: smpp (deliver_sm to bound receivers), webhook, or both'),
  enabled: z.boolean().optional(),
  gsm7Packed: z.boolean().optional().describe('data_coding 0 as GSM-7 packed septets (8 characters in 7 octets) both ways, in submits and in deliver_sm; default false: one septet an octet'),
}).strict();
const idParams = z.object({ id: z.string().min(1) });

/** `/api/v1/smpp-accounts`: the SMPP accounts a tenant's applications and resellers bind to Tidings' SMPP server with. */
export function smppAccountRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['smpp-accounts'];
  const now = () => deps.now().toISOString();

  app.get('/api/v1/smpp-accounts', {
    schema: { tags, summary: 'The tenant\'s SMPP accounts', response: { 200: z.object({ accounts: z.array(accountSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ accounts: await listSmppAccounts(db, tenantOf(request)) }));

  app.get('/api/v1/smpp-accounts/:id', {
    schema: { tags, summary: 'One SMPP account with the sessions bound now', params: idParams, response: { 200: accountSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const account = await getSmppAccount(db, tenantId, request.params.id);
    if (!account) throw notFound('SMPP account');
    return { ...account, sessions: await listSmppSessions(db, tenantId, account.id, now()) };
  });

  app.post('/api/v1/smpp-accounts', {
    schema: { tags, summary: 'Create an SMPP account', body: accountBody, response: { 201: accountSchema } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const account = await createSmppAccount(db, tenantId, request.body, now());
    await audit(db, tenantId, actorOf(request), 'smpp_account.create', account.id, { systemId: account.systemId });
    return reply.status(201).send(account);
  });

  app.patch('/api/v1/smpp-accounts/:id', {
    schema: { tags, summary: 'Change an SMPP account (a new password replaces the old one)', params: idParams, body: accountBody.partial(), response: { 200: accountSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const account = await updateSmppAccount(db, tenantId, request.params.id, request.body, now());
    if (!account) throw notFound('SMPP account');
    const { password, ...changed } = request.body;
    await audit(db, tenantId, actorOf(request), 'smpp_account.update', account.id, { ...changed, ...(password ? { password: 'changed' } : {}) });
    return account;
  });

  app.delete('/api/v1/smpp-accounts/:id', {
    schema: { tags, summary: 'Delete an SMPP account', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteSmppAccount(db, tenantId, request.params.id)) throw notFound('SMPP account');
    await audit(db, tenantId, actorOf(request), 'smpp_account.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
