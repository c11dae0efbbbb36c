import type { Deps } from '../deps.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { Db } from '../store/database.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { normalizePhone, type CountryCode, type PhoneResult } from '../domain/phone.ts';
import { attribute } from '../domain/attribution.ts';
import { compileTemplate, composeText, optOutTextFor, priorityOf, type Category, type CompiledTemplate } from '../domain/templates.ts';
import { SendSchedule, capAllows, capWindowStart, declinesCategory, defaultMarketingQuietHours, quietHoursWindows, type FrequencyCap, type SendWindow } from '../domain/compliance.ts';
import type { Tenant } from '../store/repos/tenants.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { insertMessages, type ClaimedMessage, type NewMessage } from '../store/repos/messages.ts';
import { contactsByPhone, hasExclusionLists, recentSends, type RecipientFacts } from '../store/repos/recipients.ts';
import { bulkOn } from '../store/bulk.ts';
import { blockedAmong } from '../store/repos/blocklist.ts';
import { suppressedAmong } from '../store/repos/subjects.ts';
import { consentedAmong, pendingAmong } from '../store/repos/consents.ts';
import { moveBalance } from '../store/repos/billing.ts';
import { senderFor } from '../store/repos/service-numbers.ts';
import { tenantZone } from '../domain/tenants.ts';
import { extractLinks, fillLinks } from '../domain/links.ts';
import { batchMemo, HeldWrites, onceInBatch, rootDeps, type BatchMemo, type BatchPart } from './batch-deps.ts';

/** Why a recipient gets no message (stable codes shown in pre-flight reports and on excluded messages). */
export type ExclusionReason = 'invalid_number' | 'duplicate' | 'opted_out' | 'blocklisted' | 'suppressed' | 'no_consent' | 'consent_pending' | 'preference' | 'frequency_cap' | 'no_route';
/** Why a queued message waits (its reason while its notBefore is ahead): the tenant's quiet hours, the send's windows, or its schedule. */
export type HoldReason = 'quiet_hours' | 'send_window' | 'scheduled';

/**
 * One recipient: a number in any format, the contact when known (id, or its facts), per-send template data, its own
 * text if not the spec's, the zone it is in now if not its own (a roaming customer's), the LinkID of the on-demand MO
 * its message answers (see `answering`).
 */
export interface Recipient { phone: string; contactId?: string | null; contact?: RecipientFacts; vars?: Record<string, unknown>; text?: string; zone?: string; linkId?: string | null }

/** The MO a message may answer: its sender, the sender's contact, and the gateway's LinkID of it (null when none). */
export interface AnsweredMo { phone: string; contactId: string | null; linkId: string | null }

/**
 * A recipient of a message sent because of `mo` (a keyword reply, a confirmation, a service's reply, an inbox reply):
 * only a message to the MO's sender answers it, and gets the sender's contact and the MO's LinkID, which its submit
 * carries back (an on-demand gateway refuses or bills wrongly a reply without it); anyone else (a relay to a group)
 * gets neither.
 */
export function answering(phone: string, mo: AnsweredMo): Recipient {
  return phone === mo.phone ? { phone, contactId: mo.contactId, linkId: mo.linkId } : { phone, contactId: null };
}

/** Everything that decides how a batch of recipients becomes messages. */
export interface SendSpec {
  tenant: Tenant;
  category: Category;
  /** The message body, a template with {{variables}}. */
  text: string;
  campaignId: string | null;
  /** A channel the sender pinned (by name or id), or null to let routing decide. */
  channel: string | null;
  sender: string | null;
  /** Not before this time (scheduled sends). */
  notBefore: Date | null;
  /** Send windows in each recipient's time zone; marketing also keeps the tenant's quiet hours. */
  windows: SendWindow[];
  cap: FrequencyCap | null;
}

/** A compiled template and the targets of its tracked links (`{{link:…}}`, rendered per recipient). */
interface LinkedTemplate { render: CompiledTemplate; urls: string[] }

function compileLinked(text: string): LinkedTemplate {
  const { text: tokens, urls } = extractLinks(text);
  return { render: compileTemplate(tokens), urls };
}

/** A prepared message and, for exclusions, the reason's detail. */
export interface Prepared extends NewMessage { detail: string | null }

interface TenantPolicy { defaultCountry: CountryCode | undefined; timezone: string; requireConsent: boolean; doubleOptIn: boolean; optOutTexts?: Record<string, string>; quietHours: SendWindow[] }

function policyOf(tenant: Tenant): TenantPolicy {
  const s = tenant.settings as Record<string, any>;
  const quiet = s.quietHours === null ? null : (s.quietHours ?? defaultMarketingQuietHours);
  return {
    defaultCountry: (s.defaultCountry as CountryCode | undefined) ?? 'CN',
    timezone: tenantZone(s),
    requireConsent: s.requireMarketingConsent === true || s.doubleOptIn === true,
    doubleOptIn: s.doubleOptIn === true,
    optOutTexts: s.optOutTexts as Record<string, string> | undefined,
    quietHours: quiet ? quietHoursWindows(quiet.start, quiet.end) : [],
  };
}

/** Turns recipients into messages for one spec: reusable across batches of one campaign. */
export class Preparer {
  private readonly template: LinkedTemplate;
  /** Recipients' own texts, compiled once each. */
  private readonly templates = new Map<string, LinkedTemplate>();
  private readonly policy: TenantPolicy;
  private readonly schedule: SendSchedule;
  /** The send's own windows (without quiet hours), to tell which of the two holds a message. */
  private readonly windows: SendSchedule;
  private pinned: string | null | undefined;
  private sender: string | null | undefined;
  /**
   * Numbers already prepared in this send that did not come with a stored contact (duplicates are excluded). A stored
   * contact's number is checked but not kept: contacts come from one walk over the tenant's contacts, whose numbers are
   * unique (contacts_tenant_phone), so a campaign to a million contacts keeps no million numbers in memory.
   */
  private readonly seen = new Set<string>();
  /** The numbers the last batch prepared added to `seen`: kept only by `commit` (once the batch is stored), else forgotten by the next `prepare`. */
  private batch = new Set<string>();

  constructor(private readonly deps: Deps, readonly spec: SendSpec) {
    this.template = compileLinked(spec.text);
    this.policy = policyOf(spec.tenant);
    const windows = SendSchedule.of(spec.windows);
    this.windows = windows;
    this.schedule = spec.category === 'marketing' && this.policy.quietHours.length ? windows.and(SendSchedule.of(this.policy.quietHours)) : windows;
  }

  private readonly optOutTexts = new Map<string, string>();

  private templateOf(r: Recipient): LinkedTemplate {
    if (r.text === undefined || r.text === this.spec.text) return this.template;
    let template = this.templates.get(r.text);
    if (!template) this.templates.set(r.text, template = compileLinked(r.text));
    return template;
  }

  /** The rendered text with a new short link for each tracked link (kept on the message, stored with it). */
  private withLinks(text: string, urls: string[], m: Prepared, now: Date): string {
    const settings = this.spec.tenant.settings;
    const base = typeof settings.linkDomain === 'string' ? `https://${settings.linkDomain}` : (this.deps.config.publicUrl || `http://localhost:${this.deps.config.port}`).replace(/\/+$/, '');
    const days = typeof settings.linkExpiryDays === 'number' ? settings.linkExpiryDays : 30;
    const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
    const filled = fillLinks(text, urls, (code) => `${base}/l/${code}`);
    m.links = filled.links.map((l) => ({ ...l, expiresAt }));
    return filled.text;
  }

  private optOutText(language: string | null, country: string | null): string {
    const key = `${language}|${country}`;
    let text = this.optOutTexts.get(key);
    if (text === undefined) this.optOutTexts.set(key, text = optOutTextFor(language, country, this.policy.optOutTexts));
    return text;
  }

  /** Keeps the numbers of the batch last prepared as seen: call it once that batch is stored (or, in a pre-flight, counted). */
  commit(): void {
    for (const phone of this.batch) this.seen.add(phone);
    this.batch = new Set();
  }

  /**
   * Runs every pre-flight check on a batch and returns one message per recipient (queued or excluded). The numbers
   * of a batch prepared before and not committed (its store failed) are forgotten: a retry of it finds no duplicates.
   */
  async prepare(recipients: Recipient[]): Promise<Prepared[]> {
    const { deps, spec, policy } = this;
    const batch = this.batch = new Set<string>();
    const db = deps.store.db;
    const tenantId = spec.tenant.id;
    const now = deps.now();
    const nowIso = now.toISOString();
    await deps.router.refresh();
    if (this.pinned === undefined) {
      this.pinned = spec.channel ? deps.router.channelId(spec.channel) ?? null : null;
      if (spec.channel && !this.pinned) throw new DomainError('invalid_request', `channel "${spec.channel}" does not exist`, { field: 'channel' });
    }
    // The sender address: the one given, else the tenant's service number + extension (+ campaign code), so replies come back attributed.
    if (this.sender === undefined) this.sender = spec.sender ?? await senderFor(db, tenantId, { campaignId: spec.campaignId, channelId: this.pinned });
    // a contact's stored number is already E.164 (normalised when it was saved)
    const normalized = recipients.map((r): { r: Recipient; n: { ok: true; e164: string } | Extract<PhoneResult, { ok: false }> } =>
      ({ r, n: r.contact ? { ok: true, e164: r.contact.phone } : normalizePhone(r.phone, policy.defaultCountry) }));
    const phones: string[] = [];
    const unknown: string[] = [];
    for (const { r, n } of normalized) {
      if (!n.ok) continue;
      phones.push(n.e164);
      if (!r.contact) unknown.push(n.e164);
    }
    const lists = await onceInBatch(deps, `lists:${tenantId}`, () => hasExclusionLists(db, tenantId));
    const none = Promise.resolve(new Set<string>());
    const [contacts, blocked, suppressed, consented, recent] = await Promise.all([
      unknown.length ? contactsByPhone(bulkOn(deps.store, db), tenantId, unknown) : Promise.resolve(new Map<string, RecipientFacts>()),
      lists.blocklist ? blockedAmong(db, tenantId, phones) : none,
      lists.suppressions ? suppressedAmong(db, tenantId, phones) : none,
      spec.category === 'marketing' && policy.requireConsent ? consentedAmong(db, tenantId, phones, 'marketing') : Promise.resolve(null),
      spec.cap ? recentSends(db, tenantId, phones, capWindowStart(spec.cap, now).toISOString(), spec.cap.category) : Promise.resolve(null),
    ]);
    // double opt-in: of those without a confirmed consent, which still wait for their confirmation reply
    const pending = consented && policy.doubleOptIn ? await pendingAmong(db, tenantId, phones.filter((p) => !consented.has(p)), 'marketing') : null;
    const out: Prepared[] = [];
    for (const { r, n } of normalized) if (n.ok && r.contact) contacts.set(n.e164, r.contact);
    const priority = priorityOf[spec.category];
    const signature = spec.tenant.settings.signature as string | undefined;
    const signaturePosition = spec.tenant.settings.signaturePosition as 'prefix' | 'suffix' | undefined;
    const earliest = spec.notBefore && spec.notBefore > now ? spec.notBefore : now;
    // every message is built with all its fields in one order: one object shape, no copies
    const message = (phone: string, contactId: string | null, reason: ExclusionReason | null, detail: string | null): Prepared => ({
      id: newId(), tenantId, campaignId: spec.campaignId, contactId, phone, sender: this.sender ?? null, text: '', category: spec.category, priority,
      status: reason ? 'excluded' : 'queued', reason, detail, segments: 0, price: 0n, channelId: null, routeId: null, carrier: null, region: null,
      notBefore: null, createdAt: nowIso, lease: undefined, linkId: null,
    });
    for (const { r, n } of normalized) {
      if (!n.ok) { out.push(message(String(r.phone ?? '').slice(0, 64), r.contactId ?? null, 'invalid_number', `${n.reason}: ${n.detail}`)); continue; }
      const phone = n.e164;
      const contact = contacts.get(phone);
      const contactId = r.contactId ?? contact?.id ?? null;
      if (this.seen.has(phone) || batch.has(phone)) { const dup = message(phone, contactId, 'duplicate', null); dup.id = ''; out.push(dup); continue; }
      if (!r.contact) batch.add(phone);
      if (contact?.optedOutAt && spec.category !== 'verification') { out.push(message(phone, contactId, 'opted_out', contact.optedOutAt)); continue; }
      if (blocked.has(phone)) { out.push(message(phone, contactId, 'blocklisted', null)); continue; }
      if (suppressed.has(phone)) { out.push(message(phone, contactId, 'suppressed', null)); continue; }
      if (consented && !consented.has(phone)) {
        out.push(pending?.has(phone) ? message(phone, contactId, 'consent_pending', 'the marketing consent awaits its confirmation reply (double opt-in)')
          : message(phone, contactId, 'no_consent', policy.doubleOptIn ? 'no confirmed marketing consent (double opt-in is on)' : 'no marketing consent on record'));
        continue;
      }
      if (contact && declinesCategory(contact.fields, spec.category)) { out.push(message(phone, contactId, 'preference', `the contact does not want ${spec.category} messages`)); continue; }
      if (spec.cap && recent && !capAllows(spec.cap, recent.get(phone) ?? [], now)) { out.push(message(phone, contactId, 'frequency_cap', `at most ${spec.cap.max} per ${spec.cap.days} days`)); continue; }
      const a = attribute(phone);
      const route = deps.router.route({ tenantId, phone, country: a.country, carrier: a.carrier, category: spec.category }, this.pinned);
      if (!route) { out.push(message(phone, contactId, 'no_route', spec.channel ? `no route allows channel ${spec.channel}` : 'no routing rule matches this number')); continue; }
      const vars = { phone, name: contact?.name ?? undefined, ...contact?.fields, ...r.vars };
      const zone = r.zone ?? contact?.timezone ?? a.timezone ?? policy.timezone;
      const m = message(phone, contactId, null, null);
      m.linkId = r.linkId ?? null;
      const t = this.templateOf(r);
      const rendered = t.render(vars, { zone }).text;
      m.text = composeText(t.urls.length ? this.withLinks(rendered, t.urls, m, now) : rendered, { category: spec.category, signature, signaturePosition, optOutText: spec.category === 'marketing' ? this.optOutText(contact?.language ?? null, a.country) : undefined });
      m.segments = deps.router.segments(route.channelId, m.text);
      m.price = route.price * BigInt(m.segments);
      m.channelId = route.channelId;
      m.routeId = route.id;
      m.carrier = a.carrier;
      m.region = a.province ?? a.region;
      const allowed = this.schedule.next(earliest, zone);
      if (allowed.getTime() > now.getTime()) {
        m.notBefore = allowed.toISOString();
        m.reason = allowed.getTime() === earliest.getTime() ? 'scheduled' : this.windows.allows(earliest, zone) ? 'quiet_hours' : 'send_window' satisfies HoldReason;
      }
      out.push(m);
    }
    return out;
  }
}

/** Rolls back a store whose messages the balance does not cover. */
class BalanceShort extends Error {}

/**
 * Stores the prepared messages and reserves the cost of the queued ones stored (not of those the unique index skipped
 * as a second message to a number), with `also` in the same transaction (a campaign's cursor, given the ids skipped);
 * null (nothing stored) when the balance is short, else the ids skipped.
 */
export async function storePrepared(deps: Deps, tenantId: string, prepared: Prepared[], note: { campaignId: string | null; note: string }, also?: (trx: Db, skipped: Set<string>) => Promise<void>): Promise<Set<string> | null> {
  const rows = prepared.filter((p) => p.id);
  if (costOf(rows) > 0n) heldReplies(deps)?.forget(tenantId);
  try {
    return await deps.store.db.transaction().execute(async (trx) => {
      const skipped = await insertMessages(trx, deps.store, rows);
      const cost = costOf(skipped.size ? rows.filter((p) => !skipped.has(p.id)) : rows);
      if (cost > 0n && (await moveBalance(trx, tenantId, -cost, { kind: 'reserve', campaignId: note.campaignId, note: note.note }, deps.now().toISOString())) === null) throw new BalanceShort();
      if (also) await also(trx, skipped);
      return skipped;
    });
  } catch (err) {
    if (err instanceof BalanceShort) return null;
    throw err;
  }
}

/** Messages leased to a dispatcher before they are stored, to hand over once committed; `rest`: due ones left for its claim loop. */
export interface Leased { handed: ClaimedMessage[]; rest: boolean }

/**
 * Marks the due queued messages that `dispatcher` has room for as leased to it, to hand over once stored (no claim
 * round trip; a crash lets the lease run out and another worker claims them).
 */
export function leaseTo(dispatcher: Dispatcher, prepared: Prepared[], now: Date): Leased {
  let room = dispatcher.room();
  const up = dispatcher.upChannels();
  const nowIso = now.toISOString();
  const lease = { owner: dispatcher.owner, until: new Date(now.getTime() + dispatcher.opts.leaseMs).toISOString() };
  const handed: ClaimedMessage[] = [];
  let rest = false;
  for (const p of prepared) {
    if (p.status !== 'queued' || !p.id) continue;
    if (room <= 0 || !up.has(p.channelId!) || (p.notBefore !== null && p.notBefore > nowIso)) {
      p.lease = undefined; // leased by an earlier attempt to store it that failed
      rest = true;
      continue;
    }
    p.lease = lease;
    handed.push({
      id: p.id, tenantId: p.tenantId, campaignId: p.campaignId, contactId: p.contactId, phone: p.phone, sender: p.sender, text: p.text, channelId: p.channelId!,
      segments: p.segments, attempts: 1, price: p.price, linkId: p.linkId ?? null,
    });
    room--;
  }
  return { handed, rest };
}

/** Hands the leased messages that were stored (not skipped as a second message to a number) to their dispatcher. */
export function handStored(dispatcher: Dispatcher, leased: Leased, skipped: Set<string>): void {
  dispatcher.hand(skipped.size ? leased.handed.filter((m) => !skipped.has(m.id)) : leased.handed);
}

/** What queueMessages answers per recipient. */
export interface QueuedMessage { id: string; to: string; status: string; segments: number; reason: string | null }

/** What the queued ones of prepared messages cost, in minor units. */
export function costOf(prepared: Prepared[]): bigint {
  return prepared.reduce((sum, p) => (p.status === 'queued' ? sum + p.price : sum), 0n);
}

/** The answer per recipient for prepared messages. */
export function answerOf(prepared: Prepared[]): QueuedMessage[] {
  return prepared.map((p) => ({ id: p.id, to: p.phone, status: p.status, segments: p.segments, reason: p.reason }));
}

/** The refusal of a send the tenant's balance does not cover. */
export function insufficientBalance(cost: bigint): DomainError {
  return new DomainError('insufficient_balance', `the balance does not cover the cost of ${cost} (minor units)`, { cost: cost.toString() });
}

/** A tenant read once per batch of MO (its settings; the balance is moved in SQL, never read from it), else read now. */
export function tenantInBatch(deps: Deps, tenantId: string): Promise<Tenant | undefined> {
  return onceInBatch(deps, `tenant:${tenantId}`, () => findTenant(deps.store.db, tenantId));
}

interface HeldSend { tenantId: string; source: string; rows: Prepared[]; cost: bigint }

/**
 * Replies queued while a batch of MO is routed, stored when the batch ends: one reservation per tenant and source,
 * the messages written together, stored leased to the node's dispatcher and handed to it once the batch commits (no
 * claim). Each is held only while the balance, less what is held, covers it; one that may not fit is stored at once,
 * after what was held before it.
 */
class HeldReplies implements BatchPart {
  readonly writes: HeldWrites<HeldSend>;
  /** What each tenant's balance allows, less what is held (a lower bound: releases in the batch are not counted). */
  private readonly available = new Map<string, bigint>();

  constructor(private readonly deps: Deps, private readonly memo: BatchMemo) {
    this.writes = new HeldWrites(memo, (sends) => this.store(sends), () => this.available.clear());
  }

  /** Holds a send's messages for the batch's end: false when the balance may not cover it. */
  async hold(tenantId: string, source: string, prepared: Prepared[]): Promise<boolean> {
    const cost = costOf(prepared);
    if (cost > 0n) {
      let available = this.available.get(tenantId);
      if (available === undefined) {
        const held = this.writes.items().reduce((sum, s) => (s.tenantId === tenantId ? sum + s.cost : sum), 0n);
        available = ((await findTenant(this.deps.store.db, tenantId))?.balance ?? 0n) - held;
      }
      if (available < cost) {
        this.available.delete(tenantId);
        return false;
      }
      this.available.set(tenantId, available - cost);
    }
    const rows = prepared.filter((p) => p.id);
    this.writes.hold({ tenantId, source, rows, cost }, rows.map((r) => r.phone));
    return true;
  }

  /** The tenant's balance moved outside the held sends: read it again when next needed. */
  forget(tenantId: string): void {
    this.available.delete(tenantId);
  }

  drop(mo: number): void {
    this.writes.drop(mo);
  }

  end(): Promise<void> {
    return this.writes.end();
  }

  private async store(sends: HeldSend[]): Promise<void> {
    const db = this.deps.store.db;
    const at = this.deps.now().toISOString();
    const moves = new Map<string, { tenantId: string; source: string; cost: bigint; count: number }>();
    for (const s of sends) {
      const key = `${s.tenantId}\u0000${s.source}`;
      const m = moves.get(key) ?? { tenantId: s.tenantId, source: s.source, cost: 0n, count: 0 };
      m.cost += s.cost; m.count++;
      moves.set(key, m);
    }
    for (const m of moves.values()) {
      // each was checked against the balance when held: a refusal here fails the batch, which is then routed MO by MO
      if (m.cost > 0n && await moveBalance(db, m.tenantId, -m.cost, { kind: 'reserve', campaignId: null, note: m.count === 1 ? `${m.source} send` : `${m.count} ${m.source} sends` }, at) === null) {
        throw insufficientBalance(m.cost);
      }
    }
    const rows = sends.flatMap((s) => s.rows);
    // a row written here and then undone with an MO's savepoint is handed over all the same: the dispatcher's mark
    // finds no such message leased to it, and drops it
    const dispatcher = rootDeps(this.deps).dispatcher;
    const leased = dispatcher ? leaseTo(dispatcher, rows, this.deps.now()) : null;
    const skipped = await insertMessages(db, this.deps.store, rows);
    if (dispatcher && leased) this.memo.committed.push(() => handStored(dispatcher, leased, skipped));
    // due ones the dispatcher had no room for (or no dispatcher on this node): the claim loop takes them after the commit
    if (!leased || leased.rest) this.deps.wakeDispatcher();
  }
}

function heldReplies(deps: Deps): HeldReplies | undefined {
  const memo = batchMemo(deps);
  return memo?.part('replies', () => new HeldReplies(deps, memo));
}

/** Stores the replies a batch holds when one goes to this number, so that a read of the number's messages sees them. */
export async function storeHeldTo(deps: Deps, phone: string): Promise<void> {
  const held = heldReplies(deps);
  if (held?.writes.holdsTo(phone)) await held.end();
}

/**
 * Queues messages to many recipients (API sends, replies, confirmations): pre-flight, routing, pricing and the
 * balance reservation; refused whole with insufficient_balance when the tenant cannot pay. With `hold`, in a batch
 * of MO, they are stored with the batch's other replies when it ends (for replies sent as the MO's last work, never
 * inside a transaction of their own that could roll back without the MO).
 */
export async function queueMessages(deps: Deps, input: {
  tenantId: string; recipients: Recipient[]; text: string; category: Category; campaignId?: string | null; channel?: string | null;
  sender?: string | null; notBefore?: Date | null; source?: string; hold?: boolean;
}): Promise<QueuedMessage[]> {
  const tenant = await tenantInBatch(deps, input.tenantId);
  if (!tenant) throw new DomainError('not_found', 'tenant not found');
  const preparer = new Preparer(deps, { tenant, category: input.category, text: input.text, campaignId: input.campaignId ?? null, channel: input.channel ?? null, sender: input.sender ?? null, notBefore: input.notBefore ?? null, windows: [], cap: null });
  const prepared = await preparer.prepare(input.recipients);
  const held = input.hold && !input.campaignId ? heldReplies(deps) : undefined;
  if (held) {
    if (await held.hold(tenant.id, input.source ?? 'api', prepared)) return answerOf(prepared);
    await held.end(); // what was held before this one is reserved first
  }
  const dispatcher = deps.dispatcher;
  const leased = dispatcher ? leaseTo(dispatcher, prepared, deps.now()) : null;
  const skipped = await storePrepared(deps, tenant.id, prepared, { campaignId: input.campaignId ?? null, note: `${input.source ?? 'api'} send` });
  if (!skipped) throw insufficientBalance(costOf(prepared));
  if (dispatcher && leased) handStored(dispatcher, leased, skipped);
  if (!leased || leased.rest) deps.wakeDispatcher();
  return answerOf(prepared);
}
