// The inbound (MO) pipeline: store first, then attribute to a tenant and campaign, then the keyword router
// (opt-out words first, opt-in, help, the tenant's rules), replies through the outbox, inbox and webhooks.
import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { confirmOptIn } from '../automations/optin.ts';
import type { InboundMessage } from '../channels/channel.ts';
import type { InboundMessagesTable } from '../store/database.ts';
import { bulkOn } from '../store/bulk.ts';
import { newId } from '../domain/ids.ts';
import { attribute } from '../domain/attribution.ts';
import { defaultReplyLimits, normalizeMoSender, resolveDestination, type ReplyLimits, type MoSender } from '../domain/inbound.ts';
import { confirmationFor, fillReply, looksAutomated, matchRule, normalizeKeyword, WordMatcher, type WordKind } from '../domain/keywords.ts';
import { campaignCodes, lastSenderTo, loadAttributionTables, senderFor, type AttributionTables } from '../store/repos/service-numbers.ts';
import { getKeywordSettings, listRules, countRuleHit, type KeywordSettings, type StoredRule } from '../store/repos/keywords.ts';
import { recentReplyTexts, replyHistory, updateInbound, updateInboundOutcomes, type Attribution, type InboundAction, type InboundOutcome } from '../store/repos/inbound.ts';
import { inboxConversation, settleInbox, touchReply } from './inbox-touch.ts';
import { handsetOwner } from '../store/repos/handsets.ts';
import { enqueueWebhookEvents } from '../store/repos/webhooks.ts';
import { contactRow, markReplied, senderContacts, setOptOut, type SenderContact } from '../store/repos/contacts.ts';
import { grantConsent } from '../store/repos/consents.ts';
import { moveBalance } from '../store/repos/billing.ts';
import { answering, queueMessages, storeHeldTo, tenantInBatch } from './outbox.ts';
import { endConversationsOnOptOut, routeToService } from '../services/engine.ts';
import { writeLater } from '../services/batch.ts';
import { recordFeedback } from './complaints.ts';
import { InboundBatches } from './inbound-batch.ts';
import { batchMemo, HeldWrites, inBatch, onceInBatch, rootDeps } from './batch-deps.ts';

const cacheTtlMs = 5_000;

interface TenantKeywords { at: number; settings: KeywordSettings; matcher: WordMatcher; rules: StoredRule[] }
interface Caches {
  tables?: { at: number; value: AttributionTables };
  keywords: Map<string, TenantKeywords>;
  /** MO are stored and routed in batches, in arrival order (so reply limits hold under a flood). */
  batches: InboundBatches;
  limits: ReplyLimits;
}

const cachesOf = new WeakMap<Deps, Caches>();

function caches(deps: Deps): Caches {
  const root = rootDeps(deps);
  let c = cachesOf.get(root);
  if (!c) cachesOf.set(root, (c = { keywords: new Map(), batches: new InboundBatches(root, route), limits: defaultReplyLimits }));
  return c;
}

/** Forgets cached keyword settings and rules (after an edit in this process) and attribution tables. */
export function invalidateInboundCache(deps: Deps, tenantId?: string): void {
  const c = caches(deps);
  if (tenantId) c.keywords.delete(tenantId);
  else c.keywords.clear();
  c.tables = undefined;
}

/** Overrides the reply limits of this process (tests, tuning). */
export function setReplyLimits(deps: Deps, limits: Partial<ReplyLimits>): void {
  const c = caches(deps);
  c.limits = { ...c.limits, ...limits };
}

async function attributionTables(deps: Deps): Promise<AttributionTables> {
  const c = caches(deps);
  const now = Date.now();
  if (!c.tables || now - c.tables.at > cacheTtlMs) c.tables = { at: now, value: await loadAttributionTables(deps.store.db) };
  return c.tables.value;
}

async function tenantKeywords(deps: Deps, tenantId: string): Promise<TenantKeywords> {
  const c = caches(deps);
  const now = Date.now();
  const hit = c.keywords.get(tenantId);
  if (hit && now - hit.at < cacheTtlMs) return hit;
  const [settings, rules] = await Promise.all([getKeywordSettings(deps.store.db, tenantId), listRules(deps.store.db, tenantId)]);
  const value = { at: now, settings, matcher: new WordMatcher(settings.words), rules };
  if (c.keywords.size > 10_000) c.keywords.clear();
  c.keywords.set(tenantId, value);
  return value;
}

/**
 * Takes one MO message from a channel (parts already joined): stores it (in a batch with what arrives meanwhile),
 * then attributes and routes it, after every MO taken before it; resolves once routed, rejects when it could not be
 * stored. A failure after storing leaves the message in the inbox with action 'pending' (logged), never lost.
 */
export function handleInbound(deps: Deps, channelId: string, msg: InboundMessage): Promise<void> {
  const { row, sender } = inboundRow(deps, channelId, msg);
  return caches(deps).batches.take(row, sender, false);
}

/** The row an MO is stored as (not yet attributed nor routed), and its sender. */
export function inboundRow(deps: Deps, channelId: string, msg: InboundMessage): { row: InboundMessagesTable; sender: MoSender } {
  const now = deps.now();
  const sender = normalizeMoSender(msg.from ?? '');
  const text = (msg.text ?? '').split('\u0000').join('');
  const row: InboundMessagesTable = {
    id: newId(now.getTime()), tenant_id: null, campaign_id: null, contact_id: null, conversation_id: null, channel_id: channelId,
    channel: msg.channel ?? '', phone: sender.phone, raw_from: String(msg.from ?? '').slice(0, 64), to_number: String(msg.to ?? '').slice(0, 64),
    text, data_coding: msg.dataCoding ?? 0, parts: msg.parts ?? 1, incomplete: msg.incomplete ? 1 : 0, attribution: 'pending', action: 'pending',
    keyword: null, rule_id: null, reply_message_id: null, reply_status: null, read_at: null,
    received_at: (msg.receivedAt instanceof Date && !Number.isNaN(msg.receivedAt.getTime()) ? msg.receivedAt : now).toISOString(),
    created_at: now.toISOString(),
    raw_content: typeof msg.raw === 'string' && /^(?:[0-9a-f]{2})+$/.test(msg.raw) ? msg.raw.slice(0, 4096) : null,
    link_id: linkIdOf(msg.linkId),
  };
  return { row, sender };
}

/** A gateway's LinkID as stored: without NUL padding or surrounding blanks, at most the 20 octets a submit can carry; null when empty. */
export function linkIdOf(value: string | undefined): string | null {
  const id = typeof value === 'string' ? value.split('\u0000').join('').trim().slice(0, 20) : '';
  return id || null;
}

/** Attributes and routes an MO stored by someone else (a long message joined from its parts), in order with the other MO. */
export function routeStored(deps: Deps, row: InboundMessagesTable, sender: MoSender): Promise<void> {
  return caches(deps).batches.take(row, sender, true);
}

/** Routes a stored MO (also used to retry ones left pending). */
export async function route(deps: Deps, row: InboundMessagesTable, sender: MoSender = normalizeMoSender(row.raw_from)): Promise<void> {
  const db = deps.store.db;
  const now = deps.now();
  const nowIso = now.toISOString();

  // 1. Attribution: the number it was sent to, else the tenant whose virtual handset it is or that last messaged
  // this number, else the admin inbox.
  const tables = await attributionTables(deps);
  let dest = resolveDestination(row.to_number, row.channel_id, tables.numbers, tables.tenantCodes, () => []);
  if ((dest.kind === 'dedicated' || dest.kind === 'extension') && dest.extension) {
    const owner = dest.tenantId;
    const codes = await onceInBatch(deps, `codes:${owner}`, () => campaignCodes(db, owner));
    if (codes.length) dest = resolveDestination(row.to_number, row.channel_id, tables.numbers, tables.tenantCodes, () => codes);
  }
  let tenantId: string | null = null;
  let campaignId: string | null = null;
  let attribution: Attribution = 'none';
  if (dest.kind === 'dedicated' || dest.kind === 'extension') {
    tenantId = dest.tenantId; campaignId = dest.campaignId; attribution = dest.kind;
  } else if (sender.mobile) {
    // a tenant's own virtual handset belongs to that tenant alone; else the tenant that last messaged the number
    const owner = await handsetOwner(db, sender.phone);
    if (!owner) await storeHeldTo(deps, sender.phone);
    const last = owner ? { tenantId: owner, campaignId: null } : await lastSenderTo(db, sender.phone);
    if (last) { tenantId = last.tenantId; campaignId = last.campaignId; attribution = 'last_sender'; }
  }
  if (tenantId && !await tenantInBatch(deps, tenantId)) { tenantId = null; campaignId = null; attribution = 'none'; }
  if (!tenantId) {
    await updateInbound(db, row.id, { attribution: 'none', action: 'unattributed' });
    return;
  }
  row.tenant_id = tenantId;
  row.campaign_id = campaignId;
  row.attribution = attribution;

  // 2. Contact, conversation, activity.
  const contact = await senderContact(deps, tenantId, sender.phone);
  row.contact_id = contact?.id ?? null;
  row.conversation_id = await inboxConversation(deps, tenantId, { phone: sender.phone, contactId: row.contact_id, text: row.text, at: row.received_at });
  // in a batch, with the batch's other senders at its end (one update)
  if (contact) await writeLater(deps, db, sender.phone, 'contacts-replied', (d, items) => markReplied(bulkOn(deps.store, d), items), { tenantId, phone: sender.phone, at: row.received_at });
  // stored at once alone (a failure later keeps the attribution); in a batch, with the outcome below (a failure undoes both)
  if (!inBatch(deps)) await updateInbound(db, row.id, attributionOf(row));

  // 3. The keyword router: opt-out first, then opt-in, help, then services (a waiting conversation, a service
  // keyword; they send their own replies), then the tenant's rules.
  const kw = await tenantKeywords(deps, tenantId);
  const word = row.text.trim() ? kw.matcher.classify(row.text) : null;
  // a reply confirming a pending double opt-in (Y / 是 / 确认) is an opt-in with the MO as its evidence; it comes
  // before services, so a waiting conversation never takes it as an answer
  const confirmed = !word && contact ? await confirmOptIn(deps, tenantId, contact.id, row) : null;
  const served = word || confirmed || !row.text.trim() ? null : await routeToService(deps, tenantId, row, sender);
  let action: InboundAction = 'none';
  let keyword: string | null = null;
  let ruleId: string | null = null;
  let reply: string | null = null;
  let replyKind: WordKind | 'rule' | null = null;
  let servedReply: { id: string | null; status: string | null } | null = null;
  if (word) {
    action = word.kind; keyword = word.word;
    reply = confirmationFor(kw.settings, word.kind, contact?.language ?? null, attribute(sender.phone).country); replyKind = word.kind;
  } else if (confirmed) {
    action = 'opt_in'; keyword = confirmed;
    reply = confirmationFor(kw.settings, 'opt_in', contact?.language ?? null, attribute(sender.phone).country); replyKind = 'opt_in';
  } else if (served) {
    action = served.action; keyword = served.keyword;
    servedReply = { id: served.replyMessageId, status: served.replyStatus };
  } else if (row.text.trim()) {
    const hit = matchRule(kw.rules, row.text, nowIso);
    if (hit) {
      action = 'rule'; keyword = hit.keyword || null; ruleId = hit.rule.id;
      await countRuleHit(db, tenantId, hit.rule.id);
      if (hit.rule.reply) {
        let fields: Record<string, unknown> = {};
        try { fields = contact ? JSON.parse(contact.fields) as Record<string, unknown> : {}; } catch { /* keep empty */ }
        reply = fillReply(hit.rule.reply, { ...fields, phone: sender.phone, name: contact?.name ?? null, text: row.text.trim(), keyword: hit.keyword, rest: hit.rest, date: nowIso.slice(0, 10) });
        replyKind = 'rule';
      }
    }
  }

  // 4. Whether to answer at all: never a machine, never a loop, never more than the limits allow.
  let replyStatus: string | null = servedReply?.status ?? null;
  let replyId: string | null = servedReply?.id ?? null;
  if (reply && reply.trim()) {
    const refusal = await replyRefusal(deps, tenantId, row, sender, replyKind!);
    if (refusal) replyStatus = `suppressed:${refusal}`;
    else {
      try {
        const from = await senderFor(db, tenantId, { campaignId });
        const [m] = await queueMessages(deps, {
          tenantId, recipients: [answering(sender.phone, { phone: sender.phone, contactId: row.contact_id, linkId: row.link_id })], text: reply, category: 'notification',
          campaignId: null, sender: from, source: replyKind === 'opt_out' ? 'opt-out' : 'auto-reply', hold: true,
        });
        replyId = m?.id || null;
        replyStatus = m ? (m.reason ? `${m.status}:${m.reason}` : m.status) : 'none';
        if (replyId) await touchReply(deps, tenantId, { phone: sender.phone, contactId: row.contact_id, text: reply, at: deps.now().toISOString() });
      } catch (e) {
        const err = e as { code?: string; message?: string };
        replyStatus = `error:${err.code ?? 'internal'}`;
        deps.log.warn({ err: e, inbound: row.id }, 'automatic reply not queued');
      }
    }
  }

  // 5. Effects of opt-out and opt-in (after the confirmation is queued, so it is not itself excluded).
  if (action === 'opt_out') {
    await applyOptOut(deps, tenantId, sender.phone, row, keyword ?? normalizeKeyword(row.text));
    await endConversationsOnOptOut(deps, tenantId, sender.phone);
  }
  else if (action === 'opt_in' && !confirmed) await applyOptIn(deps, tenantId, sender.phone, row, keyword ?? '');

  await settleInbox(deps, sender.phone);
  row.action = action; row.keyword = keyword; row.rule_id = ruleId; row.reply_message_id = replyId; row.reply_status = replyStatus;
  const outcomes = heldOutcomes(deps);
  if (outcomes) outcomes.hold(outcomeOf(row), [row.phone]);
  else await updateInbound(db, row.id, { action, keyword, rule_id: ruleId, reply_message_id: replyId, reply_status: replyStatus });
  // monitoring never stands in the way of routing: a failure is logged and the webhook still goes out
  await recordFeedback(deps, row).catch((err: unknown) => deps.log.error({ err, component: 'complaints', inbound: row.id }, 'could not record an opt-out or complaint'));

  // 6. The tenant's webhook.
  await enqueueWebhookEvents(db, [{ tenantId, event: 'message.inbound', payload: inboundPayload(row) }], now);
}

function attributionOf(r: InboundMessagesTable): Partial<InboundMessagesTable> {
  return { tenant_id: r.tenant_id, campaign_id: r.campaign_id, attribution: r.attribution, contact_id: r.contact_id, conversation_id: r.conversation_id };
}

function outcomeOf(r: InboundMessagesTable): InboundOutcome {
  return {
    id: r.id, tenant_id: r.tenant_id, campaign_id: r.campaign_id, attribution: r.attribution, contact_id: r.contact_id, conversation_id: r.conversation_id,
    action: r.action, keyword: r.keyword, rule_id: r.rule_id, reply_message_id: r.reply_message_id, reply_status: r.reply_status,
  };
}

/** In a batch, the MO's outcomes held and written together at its end (a read of a sender's MO writes them first). */
function heldOutcomes(deps: Deps): HeldWrites<InboundOutcome> | undefined {
  const memo = batchMemo(deps);
  return memo?.part('inbound', () => new HeldWrites<InboundOutcome>(memo, (rows) => updateInboundOutcomes(bulkOn(deps.store), rows)));
}

/** Writes the held outcomes of this sender's earlier MO of the batch (and its replies), before reading them. */
async function storeHeldFrom(deps: Deps, phone: string): Promise<void> {
  const outcomes = heldOutcomes(deps);
  if (outcomes?.holdsTo(phone)) await outcomes.end();
  await storeHeldTo(deps, phone);
}

/**
 * The sender's contact. In a batch it is read for every sender of the batch at once, and that read serves a sender
 * until its first MO of the batch is routed (contacts are created and changed by a number's own MO).
 */
async function senderContact(deps: Deps, tenantId: string, phone: string): Promise<SenderContact | undefined> {
  const memo = batchMemo(deps);
  const db = deps.store.db;
  if (!memo || memo.routed.has(phone)) return (await senderContacts(db, tenantId, [phone])).get(phone);
  return (await memo.get(`contacts:${tenantId}`, () => senderContacts(db, tenantId, [...new Set(memo.phones)]))).get(phone);
}

/** The `data` of a `message.inbound` webhook. */
export function inboundPayload(r: InboundMessagesTable): Record<string, unknown> {
  return {
    id: r.id, from: r.phone, to: r.to_number, text: r.text, channel: r.channel, receivedAt: r.received_at, parts: r.parts,
    incomplete: r.incomplete === 1, campaignId: r.campaign_id, contactId: r.contact_id, conversationId: r.conversation_id,
    attribution: r.attribution, action: r.action, keyword: r.keyword, ruleId: r.rule_id, replyMessageId: r.reply_message_id,
  };
}

async function replyRefusal(deps: Deps, tenantId: string, row: InboundMessagesTable, sender: MoSender, kind: WordKind | 'rule'): Promise<string | null> {
  if (!sender.mobile) return 'not_a_mobile_number';
  if (looksAutomated(row.text)) return 'automated_message';
  const { limits } = caches(deps);
  const now = deps.now().getTime();
  const iso = (ms: number) => new Date(now - ms).toISOString();
  await storeHeldFrom(deps, sender.phone);
  const h = await replyHistory(deps.store.db, tenantId, sender.phone, row.id,
    { replies: iso(limits.windowMs), confirmation: iso(limits.confirmationPeriodMs), repeat: iso(limits.repeatPeriodMs) }, row.text);
  if (kind === 'opt_out') return h.confirmedOptOutSince ? 'already_confirmed' : null;
  if (h.repliesSince >= limits.maxReplies) return 'rate_limited';
  if (h.repliedSameTextSince) return 'repeated_message';
  const mine = normalizeKeyword(row.text);
  if (mine.length <= 8) return null;
  const ours = await recentReplyTexts(deps.store.db, tenantId, sender.phone, iso(limits.repeatPeriodMs));
  return ours.some((t) => normalizeKeyword(t).includes(mine)) ? 'echo_of_our_reply' : null;
}

/** Opt-out: the contact is marked (created if unknown, so the refusal is remembered), consent withdrawn with evidence, pending marketing excluded. */
async function applyOptOut(deps: Deps, tenantId: string, phone: string, row: InboundMessagesTable, word: string): Promise<void> {
  const db = deps.store.db;
  const at = deps.now().toISOString();
  const retainUntil = new Date(deps.now().getTime() + deps.config.consentRetentionDays * 86_400_000).toISOString();
  const channel = `sms:${word}`.slice(0, 64);
  let contactId = row.contact_id;
  if (!contactId && /^\+\d{6,15}$/.test(phone)) {
    const fresh = contactRow(tenantId, { phone, source: 'sms' }, at);
    await db.insertInto('contacts').values(fresh).onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing()).execute();
    contactId = (await db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst())?.id ?? null;
    row.contact_id = contactId;
    await updateInbound(db, row.id, { contact_id: contactId });
  }
  await setOptOut(db, tenantId, phone, { at, channel });
  if (contactId) {
    await db.updateTable('consents').set({ status: 'withdrawn', withdrawn_at: at, retain_until: retainUntil })
      .where('tenant_id', '=', tenantId).where('contact_id', '=', contactId).where('status', '=', 'granted').execute();
    await db.insertInto('consents').values({
      id: newId(), tenant_id: tenantId, contact_id: contactId, purpose: 'marketing', status: 'withdrawn', source: `sms:${row.id}`,
      text_shown: row.text.slice(0, 1000), ip: null, keyword: word, at, withdrawn_at: at, retain_until: retainUntil,
    }).execute();
  }
  await excludePendingMarketing(deps, tenantId, phone, at);
}

/** Excludes the number's queued marketing messages not yet claimed by a dispatcher, and releases what was reserved for them. */
export async function excludePendingMarketing(deps: Deps, tenantId: string, phone: string, at: string): Promise<number> {
  return deps.store.db.transaction().execute(async (trx) => {
    const rows = await trx.updateTable('messages').set({ status: 'excluded', reason: 'opted_out', error: null, done_at: at })
      .where('tenant_id', '=', tenantId).where('phone', '=', phone).where('status', '=', 'queued').where('category', '=', 'marketing')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at), eb('lease_owner', '=', 'paused')]))
      .returning(['id', 'campaign_id', sql<string>`cast(price as text)`.as('price')]).execute();
    const total = rows.reduce((s, r) => s + BigInt(r.price ?? '0'), 0n);
    if (total > 0n) await moveBalance(trx, tenantId, total, { kind: 'release', campaignId: rows[0].campaign_id, note: `opt-out of ${rows.length} queued marketing message(s)` }, at);
    return rows.length;
  });
}

async function applyOptIn(deps: Deps, tenantId: string, phone: string, row: InboundMessagesTable, word: string): Promise<void> {
  const db = deps.store.db;
  const at = deps.now().toISOString();
  await setOptOut(db, tenantId, phone, null);
  if (row.contact_id) {
    await grantConsent(db, tenantId, { contactId: row.contact_id, purpose: 'marketing', source: `sms:${row.id}`, textShown: row.text.slice(0, 1000), keyword: word, at });
  }
}
