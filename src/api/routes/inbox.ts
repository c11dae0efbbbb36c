import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { sendTable, type ExportColumn } from '../plugins/table-export.ts';
import { exportLabels, exportLanguageQuery } from '../export-labels.ts';
import {
  conversationThread, getConversation, listConversations, markConversationRead, touchConversation, unreadCounts, updateConversation,
  type Conversation, type ConversationQuery, type ThreadItem,
} from '../../store/repos/conversations.ts';
import { findTenantUser } from '../../store/repos/users.ts';
import { senderFor } from '../../store/repos/service-numbers.ts';
import { audit } from '../../store/repos/audit.ts';
import { answering, queueMessages } from '../../worker/outbox.ts';
import { newestLinkId } from '../../store/repos/inbound.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { checkSignatures } from '../../store/repos/signatures.ts';
import { checkMarketing } from '../../store/repos/complaints.ts';
import { checkContent } from '../../domain/templates.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const conversationSchema = z.object({
  id: z.string(), phone: z.string(), contactId: z.string().nullable(), contactName: z.string().nullable(), unread: z.number(),
  assignedTo: z.string().nullable(), status: z.string(), lastText: z.string().nullable(), lastDirection: z.string().nullable(), lastAt: z.string(), createdAt: z.string(),
  contactOptedOutAt: z.string().nullable().describe('when the contact opted out: replies (except verification) are then excluded'),
});
const threadItemSchema = z.object({
  id: z.string(), direction: z.enum(['in', 'out']), text: z.string(), at: z.string(), status: z.string().nullable(), campaignId: z.string().nullable(),
  action: z.string().nullable().optional(), category: z.string().nullable().optional(), reason: z.string().nullable().optional().describe('why an outbound message was not sent'),
  linkId: z.string().nullable().optional().describe('点播 LinkID: the one an MO came with, or the one a reply carries back (CMPP 3.0, SMGP)'),
});
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50), before: beforeQuery,
  unread: z.enum(['true', 'false']).optional(), assigned: z.string().optional().describe('"me", "none", or a user id'),
  status: z.enum(['open', 'closed']).optional(), q: z.string().max(200).optional().describe('Search number, contact name and message text'),
});
const idParams = z.object({ id: z.string().min(1) });

/** The inbox: conversations per number with the full two-way history, unread state, assignment, replies, export. */
export function inboxRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['inbox'];

  function query(request: { auth: { userId: string | null } | null; query: z.infer<typeof listQuery> }): ConversationQuery {
    const q = request.query;
    const assigned = q.assigned === undefined ? undefined : q.assigned === 'none' ? null : q.assigned === 'me' ? request.auth?.userId ?? '(none)' : q.assigned;
    return { limit: q.limit, before: q.before, unread: q.unread === 'true', assignedTo: assigned, status: q.status, q: q.q };
  }

  app.get('/api/v1/inbox', {
    schema: { tags, summary: 'Conversations, most recent first', querystring: listQuery, response: { 200: z.object({ conversations: z.array(conversationSchema), next: nextField, unread: z.object({ conversations: z.number(), messages: z.number() }) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const [conversations, unread] = await Promise.all([listConversations(db, tenantId, query(request)), unreadCounts(db, tenantId)]);
    return { conversations, next: nextCursor(conversations, request.query.limit, (c) => ({ at: c.lastAt, id: c.id })), unread };
  });

  app.get('/api/v1/inbox/export', {
    schema: {
      tags, summary: 'Export conversations with their messages as CSV or XLSX (cells starting with = + - @ are escaped)',
      querystring: listQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: exportLanguageQuery, limit: z.coerce.number().int().min(1).max(10000).default(1000) }),
    },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const [conversations, l] = await Promise.all([listConversations(db, tenantId, query(request)), exportLabels(db, tenantId, request.query.lang)]);
    type Row = { c: Conversation; m: ThreadItem };
    const columns: ExportColumn<Row>[] = [
      { header: l.header('messages.phone'), value: (r) => r.c.phone }, { header: l.header('contacts.name'), value: (r) => r.c.contactName },
      { header: l.header('export.direction'), value: (r) => l.code('export.direction', r.m.direction) }, { header: l.header('export.at'), value: (r) => r.m.at, kind: 'time' },
      { header: l.header('export.text'), value: (r) => r.m.text },
      { header: l.header('messages.status'), value: (r) => (r.m.status ? l.code('message.status', r.m.status) : l.code('inbox.action', r.m.action ?? null)) },
      { header: l.header('export.campaign'), value: (r) => r.m.campaignId },
    ];
    // One conversation's thread at a time: memory holds the conversation list and one thread, never the whole export.
    async function* threads(): AsyncIterable<Row[]> {
      for (const c of conversations) yield (await conversationThread(db, tenantId, c.phone, 2000)).map((m) => ({ c, m }));
    }
    return sendTable(reply, request.query.format, `inbox-${deps.now().toISOString().slice(0, 10)}`, columns, threads(), l.options);
  });

  app.get('/api/v1/inbox/:id', {
    schema: {
      tags, summary: 'A conversation with its full history (inbound messages, replies and campaign messages), oldest first', params: idParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(2000).default(500) }),
      response: { 200: conversationSchema.extend({ messages: z.array(threadItemSchema) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const c = await getConversation(db, tenantId, request.params.id);
    if (!c) throw notFound('conversation');
    return { ...c, messages: await conversationThread(db, tenantId, c.phone, request.query.limit) };
  });

  app.post('/api/v1/inbox/:id/read', {
    schema: { tags, summary: 'Mark a conversation read', params: idParams, response: { 200: z.object({ id: z.string(), unread: z.number() }) } },
    config: { permission: 'read' },
  }, async (request) => {
    if (!await markConversationRead(db, tenantOf(request), request.params.id, deps.now().toISOString())) throw notFound('conversation');
    return { id: request.params.id, unread: 0 };
  });

  app.patch('/api/v1/inbox/:id', {
    schema: {
      tags, summary: 'Assign a conversation to a user of the tenant (null = unassigned), or close / reopen it', params: idParams,
      body: z.object({ assignedTo: z.string().nullable().optional(), status: z.enum(['open', 'closed']).optional() }), response: { 200: conversationSchema },
    },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (request.body.assignedTo && !await findTenantUser(db, tenantId, request.body.assignedTo)) {
      throw new DomainError('invalid_request', 'no such user in this tenant', { field: 'assignedTo' });
    }
    if (!await updateConversation(db, tenantId, request.params.id, request.body, deps.now().toISOString())) throw notFound('conversation');
    await audit(db, tenantId, actorOf(request), 'inbox.update', request.params.id, request.body);
    return (await getConversation(db, tenantId, request.params.id))!;
  });

  app.post('/api/v1/inbox/:id/reply', {
    schema: {
      tags, summary: 'Reply in a conversation: an ordinary outbound message through the same checks (opt-out, blocklist, balance, routing); an excluded one answers its reason', params: idParams,
      body: z.object({ text: z.string().min(1).max(2000), category: z.enum(['notification', 'marketing']).default('notification'), channel: z.string().optional() }),
      response: { 202: z.object({ message: z.object({ id: z.string(), to: z.string(), status: z.string(), segments: z.number(), reason: z.string().nullable() }) }) },
    },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const c = await getConversation(db, tenantId, request.params.id);
    if (!c) throw notFound('conversation');
    const settings = (await findTenant(db, tenantId))?.settings;
    checkContent(request.body.category, undefined, settings);
    await checkMarketing(db, tenantId, request.body.category);
    await checkSignatures(db, tenantId, settings?.signature, [request.body.text]);
    const [m] = await queueMessages(deps, {
      // the reply answers the number's newest MO: an on-demand gateway wants that MO's LinkID back
      tenantId, recipients: [answering(c.phone, { phone: c.phone, contactId: c.contactId, linkId: await newestLinkId(db, tenantId, c.phone) })], text: request.body.text, category: request.body.category,
      channel: request.body.channel ?? null, sender: await senderFor(db, tenantId), source: 'reply',
    });
    const at = deps.now().toISOString();
    // an excluded reply (opted out, blocklisted…) did not go out: the conversation's last line stays what really was said
    if (m.status !== 'excluded') await touchConversation(db, tenantId, { phone: c.phone, contactId: c.contactId, text: request.body.text, direction: 'out', at });
    await markConversationRead(db, tenantId, c.id, at);
    return reply.status(202).send({ message: m });
  });
}
