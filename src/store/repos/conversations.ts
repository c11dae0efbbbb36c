import { sql } from 'kysely';
import type { ConversationsTable, Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { olderThan } from '../keyset.ts';
import { chunks, insertRows, runWrite, statementText, type BulkTarget } from '../bulk.ts';

/** An inbox conversation: one per number of a tenant. */
export interface Conversation {
  id: string; phone: string; contactId: string | null; contactName: string | null; unread: number; assignedTo: string | null; status: string;
  lastText: string | null; lastDirection: string | null; lastAt: string; createdAt: string;
  /** When the contact opted out (a reply other than a verification code is then excluded), or null. */
  contactOptedOutAt: string | null;
}

/** One line of a conversation's history: an inbound MO or an outbound message (replies and campaign messages alike). */
export interface ThreadItem {
  id: string; direction: 'in' | 'out'; text: string; at: string; status: string | null; campaignId: string | null;
  action?: string | null; category?: string | null;
  /** Why an outbound message was not sent (its exclusion reason). */
  reason?: string | null;
  /** The LinkID an MO came with, or the one a reply carries back (CMPP 3.0, SMGP); null when none. */
  linkId: string | null;
}

type Row = ConversationsTable & { contact_name?: string | null; contact_opted_out_at?: string | null };

function toConversation(r: Row): Conversation {
  return {
    id: r.id, phone: r.phone, contactId: r.contact_id, contactName: r.contact_name ?? null, unread: r.unread, assignedTo: r.assigned_to,
    status: r.status, lastText: r.last_text, lastDirection: r.last_direction, lastAt: r.last_at, createdAt: r.created_at,
    contactOptedOutAt: r.contact_opted_out_at ?? null,
  };
}

function escapeLike(s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`);
}

/**
 * Records a message in the conversation with a number (creating it): last text, direction and time; an inbound
 * message adds to the unread count and reopens the conversation. Returns the conversation id.
 */
export async function touchConversation(db: Db, tenantId: string, input: {
  phone: string; contactId: string | null; text: string; direction: 'in' | 'out'; at: string;
  /** On an outbound message: the inbound one it answers is counted too (unread, reopened), as if touched before it. */
  answers?: boolean;
}): Promise<string> {
  const received = input.direction === 'in' || input.answers === true;
  const update = async (): Promise<string | undefined> => {
    const r = await db.updateTable('conversations').set((eb) => ({
      unread: received ? eb('unread', '+', 1) : eb.ref('unread'),
      last_text: input.text.slice(0, 500), last_direction: input.direction, last_at: input.at, updated_at: input.at,
      ...(received ? { status: 'open' } : {}),
      ...(input.contactId ? { contact_id: input.contactId } : {}),
    })).where('tenant_id', '=', tenantId).where('phone', '=', input.phone).returning('id').executeTakeFirst();
    return r?.id;
  };
  const existing = await update();
  if (existing) return existing;
  const inserted = await db.insertInto('conversations').values(newConversationRow(tenantId, { ...input, received }))
    .onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing()).returning('id').executeTakeFirst();
  if (inserted) return inserted.id;
  return (await update())!;
}

/** The row of a conversation a message starts (as `touchConversation` makes it). */
export function newConversationRow(tenantId: string, input: { phone: string; contactId: string | null; text: string; direction: 'in' | 'out'; at: string; received: boolean }): ConversationsTable {
  return {
    id: newId(), tenant_id: tenantId, phone: input.phone, contact_id: input.contactId, unread: input.received ? 1 : 0, assigned_to: null, status: 'open',
    last_text: input.text.slice(0, 500), last_direction: input.direction, last_at: input.at, created_at: input.at, updated_at: input.at,
  };
}

/** Stores new conversations decided by one writer (a batch that read its numbers' conversations), 500 to a statement. */
export async function insertConversations(t: BulkTarget, rows: ConversationsTable[]): Promise<void> {
  await insertRows(t, 'conversations', conversationColumns, rows.map((r) => conversationColumns.map((c) => r[c])));
}

const conversationColumns = [
  'id', 'tenant_id', 'phone', 'contact_id', 'unread', 'assigned_to', 'status', 'last_text', 'last_direction', 'last_at', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof ConversationsTable>;

/** A message counted in an existing conversation at the end of a batch (as `touchConversation` counts it). */
export interface ConversationTouch {
  tenantId: string; phone: string; contactId: string | null; text: string; direction: 'in' | 'out'; at: string;
  /** Counted as received (unread + 1, reopened): an inbound message, or a reply together with the one it answers. */
  received: boolean;
}

/**
 * Counts touches of existing conversations, in their order, with one statement per 256 numbers at most (a number's
 * touches merged: their unread counts added, the last one's text, direction and time kept). Conversations that do
 * not exist are left alone (create them with `touchConversation`).
 */
export async function touchConversations(t: BulkTarget, touches: ConversationTouch[]): Promise<void> {
  const merged = new Map<string, { t: ConversationTouch; unread: number; reopen: boolean; contactId: string | null }>();
  for (const t of touches) {
    const key = `${t.tenantId}\u0000${t.phone}`;
    const m = merged.get(key);
    merged.set(key, {
      t, unread: (m?.unread ?? 0) + (t.received ? 1 : 0), reopen: (m?.reopen ?? false) || t.received, contactId: t.contactId ?? m?.contactId ?? null,
    });
  }
  const rows = [...merged.values()];
  for (const [at, size] of chunks(rows.length, 256)) {
    // a VALUES list names its columns column1, column2, … on SQLite and PostgreSQL alike
    const text = statementText(`touch-conversations|${size}`, () => `update conversations set unread = unread + v.column3, last_text = v.column4,
      last_direction = v.column5, last_at = v.column6, updated_at = v.column6, status = case when v.column7 = 1 then 'open' else status end,
      contact_id = coalesce(v.column8, contact_id) from (values ${new Array(size).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}) as v
      where conversations.tenant_id = v.column1 and conversations.phone = v.column2`);
    const params: unknown[] = [];
    for (const m of rows.slice(at, at + size)) params.push(m.t.tenantId, m.t.phone, m.unread, m.t.text.slice(0, 500), m.t.direction, m.t.at, m.reopen ? 1 : 0, m.contactId);
    await runWrite(t, text, params);
  }
}

/** The ids of the tenant's conversations with these numbers, by number. */
export async function conversationIds(db: Db, tenantId: string, phones: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let at = 0; at < phones.length; at += 500) {
    const rows = await db.selectFrom('conversations').select(['id', 'phone']).where('tenant_id', '=', tenantId).where('phone', 'in', phones.slice(at, at + 500)).execute();
    for (const r of rows) out.set(r.phone, r.id);
  }
  return out;
}

/** Filters of the inbox list. */
export interface ConversationQuery { limit: number; before?: string; unread?: boolean; assignedTo?: string | null; status?: string; q?: string }

/** The tenant's conversations, most recent activity first; `q` searches number, contact name and message text. */
export async function listConversations(db: Db, tenantId: string, opts: ConversationQuery): Promise<Conversation[]> {
  let q = db.selectFrom('conversations').leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .selectAll('conversations').select(['contacts.name as contact_name', 'contacts.opted_out_at as contact_opted_out_at']).where('conversations.tenant_id', '=', tenantId);
  if (opts.before) q = q.where(olderThan('conversations.last_at', 'conversations.id', opts.before));
  if (opts.unread) q = q.where('conversations.unread', '>', 0);
  if (opts.assignedTo !== undefined) q = opts.assignedTo === null ? q.where('conversations.assigned_to', 'is', null) : q.where('conversations.assigned_to', '=', opts.assignedTo);
  if (opts.status) q = q.where('conversations.status', '=', opts.status);
  if (opts.q) {
    const like = `%${escapeLike(opts.q)}%`;
    q = q.where((eb) => eb.or([
      eb('conversations.phone', 'like', like),
      eb('contacts.name', 'like', like),
      eb('conversations.id', 'in', eb.selectFrom('inbound_messages').select('conversation_id')
        .where('inbound_messages.tenant_id', '=', tenantId).where('inbound_messages.text', 'like', like).where('conversation_id', 'is not', null).$narrowType<{ conversation_id: string }>()),
    ]));
  }
  return (await q.orderBy('conversations.last_at', 'desc').orderBy('conversations.id', 'desc').limit(opts.limit).execute()).map(toConversation);
}

/** A conversation of the tenant. */
export async function getConversation(db: Db, tenantId: string, id: string): Promise<Conversation | undefined> {
  const r = await db.selectFrom('conversations').leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .selectAll('conversations').select(['contacts.name as contact_name', 'contacts.opted_out_at as contact_opted_out_at'])
    .where('conversations.tenant_id', '=', tenantId).where('conversations.id', '=', id).executeTakeFirst();
  return r && toConversation(r);
}

/** The full two-way history with a number, oldest first: every MO and every message sent to it (campaigns included). */
export async function conversationThread(db: Db, tenantId: string, phone: string, limit = 500): Promise<ThreadItem[]> {
  const [ins, outs] = await Promise.all([
    db.selectFrom('inbound_messages').select(['id', 'text', 'received_at', 'campaign_id', 'action', 'link_id'])
      .where('tenant_id', '=', tenantId).where('phone', '=', phone).orderBy('received_at', 'desc').limit(limit).execute(),
    db.selectFrom('messages').select(['id', 'text', 'created_at', 'status', 'campaign_id', 'category', 'reason', 'link_id'])
      .where('tenant_id', '=', tenantId).where('phone', '=', phone).orderBy('created_at', 'desc').limit(limit).execute(),
  ]);
  const items: ThreadItem[] = [
    ...ins.map((r) => ({ id: r.id, direction: 'in' as const, text: r.text, at: r.received_at, status: null, campaignId: r.campaign_id, action: r.action, linkId: r.link_id })),
    ...outs.map((r) => ({ id: r.id, direction: 'out' as const, text: r.text, at: r.created_at, status: r.status, campaignId: r.campaign_id, category: r.category, reason: r.status === 'excluded' ? r.reason : null, linkId: r.link_id })),
  ];
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  return items.slice(-limit);
}

/** Marks a conversation read (and its inbound messages). */
export async function markConversationRead(db: Db, tenantId: string, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('conversations').set({ unread: 0, updated_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await db.updateTable('inbound_messages').set({ read_at: at }).where('tenant_id', '=', tenantId).where('conversation_id', '=', id).where('read_at', 'is', null).execute();
  return true;
}

/** Assigns a conversation to a user of the tenant (null = unassigned), or closes / reopens it. */
export async function updateConversation(db: Db, tenantId: string, id: string, patch: { assignedTo?: string | null; status?: 'open' | 'closed' }, at: string): Promise<boolean> {
  const r = await db.updateTable('conversations').set({
    ...(patch.assignedTo !== undefined ? { assigned_to: patch.assignedTo } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    updated_at: at,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Unread conversations and messages of a tenant. */
export async function unreadCounts(db: Db, tenantId: string): Promise<{ conversations: number; messages: number }> {
  const r = await db.selectFrom('conversations')
    .select([sql<number | string>`count(*)`.as('c'), sql<number | string | null>`sum(unread)`.as('m')])
    .where('tenant_id', '=', tenantId).where('unread', '>', 0).executeTakeFirstOrThrow();
  return { conversations: Number(r.c), messages: Number(r.m ?? 0) };
}
