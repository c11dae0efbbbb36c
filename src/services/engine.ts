// The service engine: routes an MO (after opt-out / opt-in / help words) to a waiting conversation or a service
// keyword, keeps every answer, moves conversations on with a revision check (two nodes never both advance one),
// counts a re-delivered MO once, sends replies as ordinary outbound messages, and runs reminders and expiry.
import type { Deps } from '../deps.ts';
import type { InboundMessagesTable, ServiceConversationsTable, ServicesTable, Db } from '../store/database.ts';
import type { MoSender } from '../domain/inbound.ts';
import { destinationDigits } from '../domain/inbound.ts';
import { looksAutomated } from '../domain/keywords.ts';
import { newId } from '../domain/ids.ts';
import { tenantZone } from '../domain/tenants.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { bulkOn } from '../store/bulk.ts';
import { touchReply } from '../worker/inbox-touch.ts';
import { enqueueWebhookEvents, type WebhookEvent } from '../store/repos/webhooks.ts';
import {
  dueConversations, endConversationsOf, entryStore, liveServices, purgeMoClaims, responseRows, responsesOf, serviceVersion, takeConversation,
  toResponse, updateConversation, waitingConversation, waitingConversations, waitingKey,
} from '../store/repos/services.ts';
import { claimKey, keepConversationRow, keepNewConversation, keepResponses, storeHeldOf, writeLater } from './batch.ts';
import { answering, queueMessages, type AnsweredMo } from '../worker/outbox.ts';
import { batchMemo, inBatch, OutsideBatch, rootDeps } from '../worker/batch-deps.ts';
import { startRounds, type Rounds } from '../worker/rounds.ts';
import { KeywordIndex } from './matching.ts';
import { serviceType, serviceTypes } from './registry.ts';
import { endpointDefaults, postEndpoint } from './endpoint.ts';
import { serviceSecret } from './secret.ts';
import type { ConversationView, Outcome, PrepareContext, ReplyDraft, ServiceAt, ServiceContext, ServiceMo, ServiceType, StoredResponse } from './service.ts';

const cacheTtlMs = 5_000;
/** The same sender, text and address within this window is a carrier's re-delivery: one response, one reply. */
export const redeliveryWindowMs = 10 * 60_000;

interface TenantServices {
  at: number; index: KeywordIndex; services: Map<string, ServicesTable>;
  /** The tenant's time zone (periods such as "one vote per day" are days there). */
  zone: string;
  /** Services at a version with their config parsed, by `id|version` (a version's rules never change). */
  parsed: Map<string, Promise<{ at: ServiceAt; type: ServiceType } | null>>;
}
const cachesOf = new WeakMap<Deps, Map<string, TenantServices>>();

function cache(deps: Deps): Map<string, TenantServices> {
  const root = rootDeps(deps);
  let c = cachesOf.get(root);
  if (!c) cachesOf.set(root, (c = new Map()));
  return c;
}

/** Forgets this process's cached live services (after a change through the API). */
export function invalidateServiceCache(deps: Deps, tenantId?: string): void {
  if (tenantId) cache(deps).delete(tenantId);
  else cache(deps).clear();
}

async function tenantServices(deps: Deps, tenantId: string): Promise<TenantServices> {
  const c = cache(deps);
  const hit = c.get(tenantId);
  if (hit && Date.now() - hit.at < cacheTtlMs) return hit;
  const { services, keywords } = await liveServices(deps.store.db, tenantId);
  const value: TenantServices = {
    at: Date.now(), zone: tenantZone((await findTenant(deps.store.db, tenantId))?.settings ?? {}), parsed: new Map(),
    index: new KeywordIndex(keywords.map((k) => ({ scope: k.scope, keyword: k.keyword, serviceId: k.service_id }))),
    services: new Map(services.map((s) => [s.id, s])),
  };
  if (c.size > 10_000) c.clear();
  c.set(tenantId, value);
  return value;
}

/** A service at a version with its config parsed (the version's own rules, frozen when it went live). */
export async function serviceAt(db: Db, row: ServicesTable, version = row.version): Promise<{ at: ServiceAt; type: ServiceType } | null> {
  const type = serviceType(row.type);
  if (!type) return null;
  const v = version === row.version ? { keywords: row.keywords, config: row.config } : await serviceVersion(db, row.id, version);
  if (!v) return null;
  const config = type.schema.safeParse(JSON.parse(v.config));
  if (!config.success) return null;
  return {
    type,
    at: { id: row.id, tenantId: row.tenant_id, type: row.type, name: row.name, version, number: row.number, keywords: JSON.parse(v.keywords) as string[], config: config.data },
  };
}

/** serviceAt through the tenant's cache. */
function liveAt(db: Db, live: TenantServices, row: ServicesTable, version = row.version): Promise<{ at: ServiceAt; type: ServiceType } | null> {
  const key = `${row.id}|${version}`;
  let hit = live.parsed.get(key);
  if (!hit) live.parsed.set(key, hit = serviceAt(db, row, version));
  return hit;
}

/** What the engine did with an MO, for the inbound row. */
export interface ServiceRouting {
  action: 'service' | 'duplicate' | 'late';
  serviceId: string | null;
  keyword: string | null;
  replyMessageId: string | null;
  replyStatus: string | null;
}

/** A context for a service's handlers over a db or transaction, handling an MO from `phone` (none for the results view). */
export function serviceContext(deps: Deps, db: Db, service: ServiceAt, zone: string, responses: () => Promise<StoredResponse[]>, phone = ''): ServiceContext {
  const t = bulkOn(deps.store, db);
  return {
    now: deps.now(),
    zone,
    entries: entryStore(db, service.tenantId, service.id, () => deps.now().toISOString(), db.isTransaction ? t : undefined),
    async optedOut(phones) {
      if (!phones.length) return new Set();
      const rows = await db.selectFrom('contacts').select('phone').where('tenant_id', '=', service.tenantId).where('phone', 'in', phones)
        .where('opted_out_at', 'is not', null).execute();
      return new Set(rows.map((r) => r.phone));
    },
    responses,
    db,
    bulk: t,
    secret: () => serviceSecret(deps.config),
    writeLater: (kind, write, item) => writeLater(deps, db, phone, kind, write, item),
  };
}

function prepareContext(deps: Deps, service: ServiceAt): PrepareContext {
  return {
    entries: entryStore(deps.store.db, service.tenantId, service.id, () => deps.now().toISOString()),
    post: (url, payload, secret) => postEndpoint(url, payload, secret, { ...endpointDefaults, allowPrivate: deps.config.webhookAllowPrivate }),
    warn: (message, data) => deps.log.warn({ component: 'services', tenantId: service.tenantId, serviceId: service.id, ...data }, message),
  };
}

function view(c: ServiceConversationsTable): ConversationView {
  let data: Record<string, unknown> = {};
  try { data = JSON.parse(c.data) as Record<string, unknown>; } catch { /* keep empty */ }
  return { id: c.id, step: c.step, data, retries: c.retries, prompt: c.prompt };
}

function timersAt(type: ServiceType, config: unknown, now: Date): { remind_at: string | null; expires_at: string | null } {
  const t = type.timing(config);
  const at = (ms: number) => (ms > 0 ? new Date(now.getTime() + ms).toISOString() : null);
  return { remind_at: at(t.remindAfterMs), expires_at: at(t.expireAfterMs) };
}

class Stale extends Error {}

/**
 * Routes an MO of a tenant to a service: a waiting conversation on its address first (unless another service's
 * keyword interrupts it), else a service keyword, else (for a service that owns the address) the address itself.
 * Returns null when no service takes it (the tenant's auto-reply rules and the inbox come next).
 */
export async function routeToService(deps: Deps, tenantId: string, row: InboundMessagesTable, sender: MoSender): Promise<ServiceRouting | null> {
  // machines are never answered and never relayed (no reply loops); nor are senders that are not mobile numbers
  if (!sender.mobile || looksAutomated(row.text)) return null;
  for (let attempt = 1; ; attempt++) {
    try {
      return await routeOnce(deps, tenantId, row, sender, attempt > 1);
    } catch (e) {
      // another node advanced the conversation or started one for this number at the same moment: decide again (in a
      // batch, where the MO's work has no savepoint of its own, the MO is routed again alone)
      if (attempt >= 5 || inBatch(deps) || !(e instanceof Stale || isUniqueViolation(e))) throw e;
    }
  }
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The number's waiting conversation on an address. In a batch it is read for every sender of the batch at once, and
 * that read serves a sender until its first MO of the batch is routed (only a number's own MO change its conversation).
 */
async function waitingFor(deps: Deps, tenantId: string, address: string, phone: string, fresh: boolean): Promise<ServiceConversationsTable | undefined> {
  const memo = batchMemo(deps);
  if (!memo || fresh || memo.routed.has(phone)) {
    await storeHeldOf(deps, phone);
    return waitingConversation(deps.store.db, tenantId, address, phone);
  }
  const waiting = await memo.get(`waiting:${tenantId}|${address}`, () => waitingConversations(bulkOn(deps.store), [...new Set(memo.phones)].map((p) => waitingKey(tenantId, address, p))));
  return waiting.get(waitingKey(tenantId, address, phone));
}

async function routeOnce(deps: Deps, tenantId: string, row: InboundMessagesTable, sender: MoSender, fresh: boolean): Promise<ServiceRouting | null> {
  const db = deps.store.db;
  const now = deps.now();
  const address = destinationDigits(row.to_number);
  const live = await tenantServices(deps, tenantId);
  // no live service: no keyword to match and no conversation left waiting (closing a service ends them)
  if (!live.services.size) return null;
  let conv = await waitingFor(deps, tenantId, address, sender.phone, fresh);
  let late = false;
  if (conv && conv.expires_at && conv.expires_at <= now.toISOString()) {
    await expire(deps, conv);
    conv = undefined;
    late = true;
  }
  const base = { inboundId: row.id, tenantId, phone: sender.phone, mobile: sender.mobile, address, text: row.text, receivedAt: row.received_at, contactId: row.contact_id, linkId: row.link_id };
  if (conv) {
    const convRow = conv;
    const svcRow = live.services.get(convRow.service_id) ?? await db.selectFrom('services').selectAll().where('id', '=', convRow.service_id).executeTakeFirst();
    const svc = svcRow && svcRow.status === 'live' ? await liveAt(db, live, svcRow, convRow.service_version) : null;
    if (!svc) {
      await endOne(db, convRow, 'interrupted', 'service_closed', now.toISOString());
    } else {
      const hit = live.index.match(row.text, address, tenantId, (id) => id === convRow.service_id);
      const other = hit && hit.keyword !== '' ? live.services.get(hit.serviceId) : undefined;
      if (other && svc.type.interruptible(svc.at.config)) {
        const next = await liveAt(db, live, other);
        if (next) {
          await endOne(db, convRow, 'interrupted', `keyword:${hit!.keyword}`, now.toISOString());
          return handle(deps, next, { ...base, keyword: hit!.keyword, arg: hit!.arg }, null, live.zone);
        }
      }
      return handle(deps, svc, { ...base, keyword: null, arg: row.text.normalize('NFKC').trim() }, convRow, live.zone);
    }
  }
  const hit = live.index.match(row.text, address, tenantId);
  const svcRow = hit ? live.services.get(hit.serviceId) : undefined;
  const svc = svcRow ? await liveAt(db, live, svcRow) : null;
  if (svc && hit) return handle(deps, svc, { ...base, keyword: hit.keyword, arg: hit.arg }, null, live.zone);
  const bare = await bareService(db, live, address, row.text);
  if (bare) return handle(deps, bare.svc, { ...base, keyword: '', arg: bare.arg }, null, live.zone);
  // a late answer to an expired conversation is kept in the inbox, never scored nor answered by a rule
  return late ? { action: 'late', serviceId: null, keyword: null, replyMessageId: null, replyStatus: null } : null;
}

/** A live service of the address that takes a text without a keyword (a bare code), with the argument it reads. */
async function bareService(db: Db, live: TenantServices, address: string, text: string): Promise<{ svc: { at: ServiceAt; type: ServiceType }; arg: string } | null> {
  for (const row of live.services.values()) {
    const type = serviceType(row.type);
    if (!type?.bare || (row.number !== null && row.number !== address)) continue;
    const svc = await liveAt(db, live, row);
    const arg = svc && type.bare(svc.at.config, text);
    if (svc && arg) return { svc, arg };
  }
  return null;
}

/** Hands a qualifying outcome to the live services it feeds (a lottery entry); their replies follow the service's own. */
async function feedServices(deps: Deps, trx: Db, live: TenantServices, from: ServiceAt, mo: ServiceMo, zone: string): Promise<ReplyDraft[]> {
  const replies: ReplyDraft[] = [];
  for (const row of live.services.values()) {
    const type = serviceType(row.type);
    if (!type?.feed || !type.fedBy || row.id === from.id) continue;
    const svc = await liveAt(trx, live, row);
    if (!svc || !type.fedBy(svc.at.config).includes(from.id)) continue;
    const ctx = serviceContext(deps, trx, svc.at, zone, async () => [], mo.phone);
    replies.push(...await type.feed(ctx, svc.at, mo, { serviceId: from.id, type: from.type, inboundId: mo.inboundId }));
  }
  return replies;
}

async function endOne(db: Db, c: ServiceConversationsTable, state: 'interrupted' | 'expired', reason: string, now: string): Promise<boolean> {
  const r = await db.updateTable('service_conversations').set({ state, waiting_key: null, ended_reason: reason, remind_at: null, updated_at: now, revision: c.revision + 1 })
    .where('id', '=', c.id).where('revision', '=', c.revision).where('state', '=', 'waiting').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function expire(deps: Deps, c: ServiceConversationsTable): Promise<void> {
  if (await endOne(deps.store.db, c, 'expired', 'silence', deps.now().toISOString())) {
    await enqueueWebhookEvents(deps.store.db, [{ tenantId: c.tenant_id, event: 'service.completed', payload: { serviceId: c.service_id, conversationId: c.id, phone: c.phone, state: 'expired' } }], deps.now());
  }
}

async function handle(deps: Deps, svc: { at: ServiceAt; type: ServiceType }, mo: ServiceMo, conv: ServiceConversationsTable | null | undefined, zone: string): Promise<ServiceRouting> {
  const db = deps.store.db;
  // a network call never holds a batch's transaction open: the MO is routed on its own
  if (!conv && svc.type.prepare && inBatch(deps)) throw new OutsideBatch('service needs outside work');
  if (!conv && svc.type.prepare) mo.prepared = await svc.type.prepare(prepareContext(deps, svc.at), svc.at, mo);
  const nowIso = deps.now().toISOString();
  // read before the transaction: on SQLite a query outside it would wait for the one connection the transaction holds
  const live = await tenantServices(deps, mo.tenantId);
  // in a batch the MO's own savepoint holds this work: a failure undoes the whole MO, which is then routed alone
  const atomically = <T>(fn: (trx: Db) => Promise<T>): Promise<T> => (inBatch(deps) ? fn(db) : db.transaction().execute(fn));
  const done = await atomically(async (trx) => {
    if (!await claimKey(deps, trx, mo, redeliveryWindowMs)) return null;
    // taken first (its row locked for the rest of the work), except in a batch: one writer, so the revision is checked
    // with the change, in one statement
    const takeLast = inBatch(deps);
    if (conv && !takeLast && !await takeConversation(trx, conv.id, conv.revision, nowIso)) throw new Stale('conversation advanced elsewhere');
    const ctx = serviceContext(deps, trx, svc.at, zone, async () => {
      await storeHeldOf(deps, mo.phone);
      return responsesOf(trx, svc.at.id, conv ? { conversationId: conv.id } : { phone: mo.phone });
    }, mo.phone);
    const outcome: Outcome = conv ? await svc.type.answer(ctx, svc.at, mo, view(conv)) : await svc.type.start(ctx, svc.at, mo);
    let conversationId = conv?.id ?? null;
    const change = outcome.conversation ?? null;
    let patch: Partial<ServiceConversationsTable> | null = null;
    if (change && 'wait' in change) {
      const timers = timersAt(svc.type, svc.at.config, deps.now());
      const waiting = { step: change.wait.step, data: JSON.stringify(change.wait.data), prompt: change.wait.prompt, retries: change.wait.retries ?? 0, ...timers, updated_at: nowIso };
      patch = waiting;
      if (!conv) {
        conversationId = newId();
        await keepNewConversation(deps, trx, {
          id: conversationId, tenant_id: mo.tenantId, service_id: svc.at.id, service_version: svc.at.version, phone: mo.phone, address: mo.address,
          state: 'waiting', waiting_key: waitingKey(mo.tenantId, mo.address, mo.phone), revision: 0, ended_reason: null, created_at: nowIso, ...waiting,
        });
      }
    } else if (change && 'end' in change) {
      patch = { state: change.end, waiting_key: null, remind_at: null, expires_at: null, ended_reason: change.end === 'completed' ? null : 'answer', updated_at: nowIso };
    }
    // in a batch the conversation was read in its transaction and only this number's MO change it: its next row is
    // written with the batch (the revision still moves on, for the nodes of a PostgreSQL deployment)
    if (conv && takeLast) keepConversationRow(deps, { ...conv, ...patch, revision: conv.revision + 1, updated_at: nowIso });
    else if (conv && patch) await updateConversation(trx, conv.id, patch);
    const rows = responseRows({ tenantId: mo.tenantId, serviceId: svc.at.id, version: svc.at.version, conversationId, inboundId: mo.inboundId, phone: mo.phone, receivedAt: mo.receivedAt }, outcome.responses, nowIso);
    await keepResponses(deps, trx, rows);
    const stored = rows.map(toResponse);
    const events: WebhookEvent[] = stored.map((r) => ({ tenantId: mo.tenantId, event: 'service.response', payload: { serviceId: svc.at.id, type: svc.at.type, ...r } }));
    if (outcome.completed) events.push({ tenantId: mo.tenantId, event: 'service.completed', payload: { serviceId: svc.at.id, type: svc.at.type, conversationId, phone: mo.phone, state: 'completed', ...outcome.completed } });
    if (events.length) await enqueueWebhookEvents(trx, events, deps.now());
    if (outcome.qualified || outcome.completed) return { ...outcome, replies: [...outcome.replies, ...await feedServices(deps, trx, live, svc.at, mo, zone)] };
    return outcome;
  });
  if (!done) return { action: 'duplicate', serviceId: svc.at.id, keyword: mo.keyword, replyMessageId: null, replyStatus: 'suppressed:redelivery' };
  const sent = await sendReplies(deps, mo.tenantId, mo.address, mo, done);
  return { action: 'service', serviceId: svc.at.id, keyword: mo.keyword, ...sent };
}

/** Queues an outcome's replies as ordinary notification messages from the address the MO went to (those to its sender answer it). */
async function sendReplies(deps: Deps, tenantId: string, address: string, mo: AnsweredMo, outcome: Pick<Outcome, 'replies' | 'relay'>):
Promise<{ replyMessageId: string | null; replyStatus: string | null }> {
  const { phone, contactId } = mo;
  let replyMessageId: string | null = null;
  let replyStatus: string | null = null;
  for (const r of outcome.replies) {
    if (!r.text.trim()) continue;
    const to = r.to ?? [phone];
    if (!to.length) continue;
    try {
      const queued = await queueMessages(deps, {
        tenantId, recipients: to.map((p) => answering(p, mo)), text: r.text, category: 'notification',
        campaignId: null, sender: address || null, source: outcome.relay ? 'service-relay' : 'service', hold: true,
      });
      if (!r.to && !replyMessageId) {
        const m = queued[0];
        replyMessageId = m?.id || null;
        replyStatus = m ? (m.reason ? `${m.status}:${m.reason}` : m.status) : 'none';
      }
      if (!r.to) await touchReply(deps, tenantId, { phone, contactId, text: r.text, at: deps.now().toISOString() });
    } catch (e) {
      const err = e as { code?: string };
      if (!r.to && !replyStatus) replyStatus = `error:${err.code ?? 'internal'}`;
      deps.log.warn({ err: e, tenantId, component: 'services' }, 'service reply not queued');
    }
  }
  return { replyMessageId, replyStatus };
}

/** An opt-out ends every waiting conversation of the number with the tenant: no further prompt, no reminder. */
export async function endConversationsOnOptOut(deps: Deps, tenantId: string, phone: string): Promise<number> {
  await storeHeldOf(deps, phone);
  return endConversationsOf(deps.store.db, { tenantId, phone }, 'interrupted', 'opt_out', deps.now().toISOString());
}

/** One round of conversation timers: expires silent conversations and sends each due reminder once. */
export async function serviceTimerRound(deps: Deps, limit = 500): Promise<{ expired: number; reminded: number }> {
  const db = deps.store.db;
  const now = deps.now();
  const nowIso = now.toISOString();
  let expired = 0;
  let reminded = 0;
  for (const c of await dueConversations(db, nowIso, limit)) {
    if (c.expires_at && c.expires_at <= nowIso) {
      await expire(deps, c);
      expired++;
      continue;
    }
    // the reminder is claimed by the revision check, so two nodes never both send it
    const r = await db.updateTable('service_conversations').set({ remind_at: null, revision: c.revision + 1, updated_at: nowIso })
      .where('id', '=', c.id).where('revision', '=', c.revision).where('state', '=', 'waiting').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1 || !c.prompt) continue;
    reminded++;
    await sendReplies(deps, c.tenant_id, c.address, { phone: c.phone, contactId: null, linkId: null }, { replies: [{ text: c.prompt }] });
  }
  await purgeMoClaims(db, new Date(now.getTime() - 2 * redeliveryWindowMs).toISOString());
  for (const type of serviceTypes.values()) await type.round?.(deps);
  return { expired, reminded };
}

/** Starts the timer rounds of service conversations (reminders, expiry) on a worker node. */
export function startServiceRounds(deps: Deps, everyMs = 5_000): Rounds {
  return startRounds(everyMs, () => serviceTimerRound(deps), (err) => deps.log.error({ err, component: 'services' }, 'service timer round failed'));
}
