import type { Db, InboundMessagesTable, InboundPartsTable } from '../database.ts';
import { insertRows, paddedChunks, runWrite, statementText, type BulkTarget } from '../bulk.ts';

/** An inbound message as the API shows it. */
export interface Inbound {
  id: string; tenantId: string | null; campaignId: string | null; contactId: string | null; conversationId: string | null;
  channel: string; from: string; rawFrom: string; to: string; text: string; dataCoding: number; parts: number; incomplete: boolean;
  attribution: string; action: string; keyword: string | null; ruleId: string | null; replyMessageId: string | null; replyStatus: string | null;
  readAt: string | null; receivedAt: string;
  /** The octets as received (hex), set when they did not decode in their coding: `text` then has U+FFFD where they failed. */
  rawContent: string | null;
  /** The gateway's LinkID of an on-demand MO (CMPP 3.0, SMGP), or null. */
  linkId: string | null;
}

/** How an MO was attributed: by a dedicated number, a tenant extension, the last sender, or not at all (admin inbox). */
export type Attribution = 'pending' | 'dedicated' | 'extension' | 'last_sender' | 'none';
/**
 * What the router did: nothing yet, an opt-out, opt-in, help, a service (or a re-delivery it ignored, or a late
 * answer to an expired conversation), a rule, or nothing matched.
 */
export type InboundAction = 'pending' | 'opt_out' | 'opt_in' | 'help' | 'service' | 'duplicate' | 'late' | 'rule' | 'none' | 'unattributed';

export function toInbound(r: InboundMessagesTable): Inbound {
  return {
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, contactId: r.contact_id, conversationId: r.conversation_id,
    channel: r.channel, from: r.phone, rawFrom: r.raw_from, to: r.to_number, text: r.text, dataCoding: r.data_coding, parts: r.parts,
    incomplete: r.incomplete === 1, attribution: r.attribution, action: r.action, keyword: r.keyword, ruleId: r.rule_id,
    replyMessageId: r.reply_message_id, replyStatus: r.reply_status, readAt: r.read_at, receivedAt: r.received_at,
    rawContent: r.raw_content ?? null, linkId: r.link_id ?? null,
  };
}

const inboundColumns = ['id', 'tenant_id', 'campaign_id', 'contact_id', 'conversation_id', 'channel_id', 'channel', 'phone', 'raw_from', 'to_number',
  'text', 'data_coding', 'parts', 'incomplete', 'attribution', 'action', 'keyword', 'rule_id', 'reply_message_id', 'reply_status', 'read_at',
  'received_at', 'created_at', 'raw_content', 'link_id'] as const satisfies readonly (keyof InboundMessagesTable)[];

/** Stores MO exactly as received, before anything acts on them (many in one statement, prepared once per chunk size on SQLite). */
export async function insertInbound(t: BulkTarget, rows: InboundMessagesTable | InboundMessagesTable[]): Promise<void> {
  const list = Array.isArray(rows) ? rows : [rows];
  if (list.length) await insertRows(t, 'inbound_messages', inboundColumns, list.map((r) => inboundColumns.map((c) => r[c] ?? null)));
}

/** Records the attribution and routing outcome of a stored MO. */
export async function updateInbound(db: Db, id: string, patch: Partial<Omit<InboundMessagesTable, 'id'>>): Promise<void> {
  if (Object.keys(patch).length) await db.updateTable('inbound_messages').set(patch).where('id', '=', id).execute();
}

/** The attribution and routing outcome of a stored MO, every column of it. */
export type InboundOutcome = Pick<InboundMessagesTable, 'id' | 'tenant_id' | 'campaign_id' | 'attribution' | 'contact_id' | 'conversation_id' | 'action' | 'keyword' | 'rule_id' | 'reply_message_id' | 'reply_status'>;

const outcomeColumns = ['tenant_id', 'campaign_id', 'attribution', 'contact_id', 'conversation_id', 'action', 'keyword', 'rule_id', 'reply_message_id', 'reply_status'] as const;

/**
 * Records the outcomes of many routed MO, in one update from a list of values per chunk (statements prepared once
 * per padded chunk size: a repeated row updates its MO to the same values).
 */
export async function updateInboundOutcomes(t: BulkTarget, rows: InboundOutcome[]): Promise<void> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const chunk of paddedChunks([...byId.keys()], 128)) {
    // a VALUES list names its columns column1, column2, … on SQLite and PostgreSQL alike
    const text = statementText(`inbound-outcomes|${chunk.length}`, () => `update inbound_messages set ${outcomeColumns.map((c, i) => `${c} = v.column${i + 2}`).join(', ')}
      from (values ${new Array(chunk.length).fill(`(${new Array(outcomeColumns.length + 1).fill('?').join(', ')})`).join(', ')}) as v where inbound_messages.id = v.column1`);
    await runWrite(t, text, chunk.flatMap((id) => { const r = byId.get(id)!; return [id, ...outcomeColumns.map((c) => r[c])]; }));
  }
}

/** Facts the reply limiter needs about recent MO from a number to a tenant. */
export interface ReplyHistory { repliesSince: number; confirmedOptOutSince: boolean; repliedSameTextSince: boolean }

/**
 * Counts what was answered recently: automatic replies in the window, whether an opt-out was confirmed in the
 * confirmation period, and whether the same text was answered in the repeat period.
 */
export async function replyHistory(db: Db, tenantId: string, phone: string, excludeId: string, since: { replies: string; confirmation: string; repeat: string }, text: string): Promise<ReplyHistory> {
  const oldest = [since.replies, since.confirmation, since.repeat].sort()[0];
  const rows = await db.selectFrom('inbound_messages').select(['action', 'text', 'received_at', 'reply_message_id'])
    .where('tenant_id', '=', tenantId).where('phone', '=', phone).where('received_at', '>=', oldest)
    .where('reply_message_id', 'is not', null).where('id', '!=', excludeId).orderBy('received_at', 'desc').limit(500).execute();
  return {
    repliesSince: rows.filter((r) => r.received_at >= since.replies).length,
    confirmedOptOutSince: rows.some((r) => r.action === 'opt_out' && r.received_at >= since.confirmation),
    repliedSameTextSince: rows.some((r) => r.text === text && r.received_at >= since.repeat),
  };
}

/** The newest automatic replies we sent to a number (their texts), to recognise an echo of our own reply. */
export async function recentReplyTexts(db: Db, tenantId: string, phone: string, since: string): Promise<string[]> {
  const rows = await db.selectFrom('inbound_messages').innerJoin('messages', 'messages.id', 'inbound_messages.reply_message_id')
    .select('messages.text').where('inbound_messages.tenant_id', '=', tenantId).where('inbound_messages.phone', '=', phone)
    .where('inbound_messages.received_at', '>=', since).limit(20).execute();
  return rows.map((r) => r.text);
}

/** Inbound messages of a tenant (or, with tenantId null, the platform admin inbox), newest first. */
export async function listInbound(db: Db, tenantId: string | null, opts: { limit: number; before?: string; phone?: string; action?: string; q?: string }): Promise<Inbound[]> {
  let q = db.selectFrom('inbound_messages').selectAll();
  q = tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.phone) q = q.where('phone', '=', opts.phone);
  if (opts.action) q = q.where('action', '=', opts.action);
  if (opts.q) q = q.where('text', 'like', `%${opts.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  return (await q.orderBy('id', 'desc').limit(opts.limit).execute()).map(toInbound);
}

/** The LinkID of the newest MO from a number to a tenant, or null (it had none): what a reply in their conversation answers. */
export async function newestLinkId(db: Db, tenantId: string, phone: string): Promise<string | null> {
  const r = await db.selectFrom('inbound_messages').select('link_id').where('tenant_id', '=', tenantId).where('phone', '=', phone)
    .orderBy('received_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r?.link_id ?? null;
}

/** An MO as the virtual handset that sent it shows it: where to, what, when, and the type of the channel it came by. */
export interface SentMo { to: string; text: string; receivedAt: string; parts: number; channelType: string | null }

/** The newest MO stored from a number, oldest first: those of one tenant, or with tenantId null every tenant's and unattributed ones. */
export async function moFrom(db: Db, phone: string, tenantId: string | null, limit = 200): Promise<SentMo[]> {
  let q = db.selectFrom('inbound_messages').leftJoin('channels', 'channels.id', 'inbound_messages.channel_id')
    .select(['inbound_messages.to_number', 'inbound_messages.text', 'inbound_messages.received_at', 'inbound_messages.parts', 'channels.type'])
    .where('inbound_messages.phone', '=', phone);
  if (tenantId !== null) q = q.where('inbound_messages.tenant_id', '=', tenantId);
  const rows = await q.orderBy('inbound_messages.received_at', 'desc').orderBy('inbound_messages.id', 'desc').limit(limit).execute();
  return rows.reverse().map((r) => ({ to: r.to_number, text: r.text, receivedAt: r.received_at, parts: r.parts, channelType: r.type }));
}

/** One inbound message of a tenant (or of the admin inbox when tenantId is null). */
export async function getInbound(db: Db, tenantId: string | null, id: string): Promise<Inbound | undefined> {
  let q = db.selectFrom('inbound_messages').selectAll().where('id', '=', id);
  q = tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  return r && toInbound(r);
}

/** Inbound messages left unrouted (a crash between storing and routing), oldest first, for a recovery pass. */
export async function pendingInbound(db: Db, olderThan: string, limit: number): Promise<InboundMessagesTable[]> {
  return db.selectFrom('inbound_messages').selectAll().where('action', '=', 'pending').where('created_at', '<', olderThan)
    .orderBy('id').limit(limit).execute();
}

/** Assigns an admin-inbox MO to a tenant (the platform operator decided whose it is). */
export async function assignInboundTenant(db: Db, id: string, tenantId: string, conversationId: string | null): Promise<void> {
  await db.updateTable('inbound_messages').set({ tenant_id: tenantId, conversation_id: conversationId, attribution: 'manual' })
    .where('id', '=', id).where('tenant_id', 'is', null).execute();
}

/** A part of a long inbound message as stored (see worker/inbound-parts.ts). */
export type StoredPart = InboundPartsTable;
/** Which parts belong together: channel, sender, recipient, the carrier's reference and the part count. */
export type PartGroup = Pick<InboundPartsTable, 'channel_id' | 'source' | 'destination' | 'ref' | 'total'>;

/** Stores one part; a part stored before (offered again) is left as it is. */
export async function insertInboundPart(db: Db, part: StoredPart): Promise<void> {
  await db.insertInto('inbound_parts').values(part)
    .onConflict((oc) => oc.columns(['channel_id', 'source', 'destination', 'ref', 'total', 'seq']).doNothing()).execute();
}

/** How many parts of a group are stored. */
export async function countParts(db: Db, g: PartGroup): Promise<number> {
  const r = await db.selectFrom('inbound_parts').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_id', '=', g.channel_id).where('source', '=', g.source).where('destination', '=', g.destination)
    .where('ref', '=', g.ref).where('total', '=', g.total).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Removes and returns a group's parts in order (inside the transaction that stores their joined message; only one taker gets them). */
export async function takeParts(db: Db, g: PartGroup): Promise<StoredPart[]> {
  const rows = await db.deleteFrom('inbound_parts')
    .where('channel_id', '=', g.channel_id).where('source', '=', g.source).where('destination', '=', g.destination)
    .where('ref', '=', g.ref).where('total', '=', g.total).returningAll().execute();
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** Groups ready to be joined: every part in (left by a node that stopped in between), or waited for past their time. */
export async function joinableGroups(db: Db, now: string, limit = 1000): Promise<PartGroup[]> {
  return db.selectFrom('inbound_parts').select(['channel_id', 'source', 'destination', 'ref', 'total'])
    .groupBy(['channel_id', 'source', 'destination', 'ref', 'total'])
    .having((eb) => eb.or([eb(eb.fn.countAll(), '>=', eb.ref('total')), eb(eb.fn.min('expires_at'), '<', now)]))
    .limit(limit).execute();
}
