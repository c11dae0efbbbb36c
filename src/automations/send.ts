// Due occurrences → ordinary messages through the outbox (pre-flight, consent, send windows and quiet hours in the
// recipient's zone, caps, routing, billing): the message and the occurrence's new state commit in one transaction,
// only while this worker still holds the occurrence's lease, and the message's campaign id is the occurrence's id
// (unique per number), so an occurrence yields at most one message.
import type { Deps } from '../deps.ts';
import { DomainError } from '../domain/errors.ts';
import { parseSendWindows, type FrequencyCap } from '../domain/compliance.ts';
import { checkContent } from '../domain/templates.ts';
import { handStored, leaseTo, Preparer, storePrepared, type Recipient } from '../worker/outbox.ts';
import { contactPage, type RecipientFacts } from '../store/repos/recipients.ts';
import { findTenant, type Tenant } from '../store/repos/tenants.ts';
import { getTemplateForSending } from '../store/repos/templates.ts';
import {
  claimDueOccurrences, finishOccurrences, getAutomation, missOverdue, moveOccurrence, releaseOccurrences, type Automation, type ClaimedOccurrence, type OccurrenceStatus,
} from '../store/repos/automations.ts';
import { groupBy } from '../domain/lists.ts';
import { graceMs, plannerOf } from './materialize.ts';

/** The lease of a claimed occurrence was lost to another worker: the transaction storing its message rolls back. */
class LeaseLost extends Error {}

const claimBatch = 500;
const maxBatches = 20;

/** What a round of sending did. */
export interface SendReport { claimed: number; sent: number; excluded: number; moved: number; missed: number }

/** Sends every due occurrence (in batches) as `owner`; marks those past the grace as missed. */
export async function sendDue(deps: Deps, owner: string, now: Date): Promise<SendReport> {
  const nowIso = now.toISOString();
  const report: SendReport = { claimed: 0, sent: 0, excluded: 0, moved: 0, missed: await missOverdue(deps.store.db, new Date(now.getTime() - graceMs).toISOString(), nowIso) };
  // a bounded number of batches per round: what one leaves (released after an error) waits for the next round
  for (let batches = 0; batches < maxBatches; batches++) {
    const claimed = await claimDueOccurrences(deps.store.db, owner, nowIso, new Date(now.getTime() + deps.config.leaseSeconds * 1000).toISOString(), claimBatch);
    report.claimed += claimed.length;
    for (const list of groupBy(claimed, (o) => o.automation_id).values()) {
      try {
        await sendFor(deps, owner, now, list, report);
      } catch (err) {
        await releaseOccurrences(deps.store.db, list.map((o) => o.id), owner);
        if (!(err instanceof LeaseLost)) deps.log.error({ err, automation: list[0].automation_id }, 'automation occurrences could not be sent; they are retried');
      }
    }
    if (claimed.length < claimBatch) break;
  }
  return report;
}

/** The text and pre-flight settings of one step. */
async function preparerFor(deps: Deps, a: Automation, tenant: Tenant, step: number): Promise<Preparer> {
  const s = a.steps[step];
  const template = s.templateId ? await getTemplateForSending(deps.store.db, a.tenantId, s.templateId) : undefined;
  checkContent(a.category, template, tenant.settings);
  return new Preparer(deps, {
    tenant, category: a.category, text: template?.text ?? s.text!, campaignId: null, channel: a.channel ?? null, sender: null, notBefore: null,
    windows: parseSendWindows(a.sendWindows ?? tenant.settings.sendWindows),
    cap: a.frequencyCap ?? (tenant.settings.frequencyCap as FrequencyCap | null | undefined) ?? null,
  });
}

async function sendFor(deps: Deps, owner: string, now: Date, list: ClaimedOccurrence[], report: SendReport): Promise<void> {
  const db = deps.store.db;
  const nowIso = now.toISOString();
  const first = list[0];
  const a = await getAutomation(db, first.tenant_id, first.automation_id);
  const tenant = await findTenant(db, first.tenant_id);
  if (!a || !tenant || a.status !== 'on' || tenant.status !== 'active') {
    // paused (or its tenant is): kept pending, missed once past the grace unless turned on again in time
    await releaseOccurrences(db, list.map((o) => o.id), owner);
    return;
  }
  const ids = [...new Set(list.map((o) => o.contact_id))];
  const contacts = new Map((await contactPage(db, a.tenantId, (eb) => eb('id', 'in', ids), null, ids.length)).map((c) => [c.id, c]));
  let due = list;
  if (a.trigger.type === 'date') due = await recheckDates(deps, a, owner, now, list, contacts, report);
  // one pre-flight pass per step, and within it each number once (two occurrences to one number wait for the next pass)
  for (const [step, occurrences] of groupBy(due, (o) => o.step)) {
    let preparer: Preparer;
    try {
      preparer = await preparerFor(deps, a, tenant, step);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      report.excluded += await finish(deps, owner, occurrences, 'skipped', `${err.code}: ${err.message}`, nowIso);
      continue;
    }
    for (let rest = occurrences; rest.length;) {
      const seen = new Set<string>();
      const batch: ClaimedOccurrence[] = [];
      const later: ClaimedOccurrence[] = [];
      for (const o of rest) {
        (seen.has(o.contact_id) || !contacts.has(o.contact_id) ? later : batch).push(o);
        seen.add(o.contact_id);
      }
      await finish(deps, owner, later.filter((x) => !contacts.has(x.contact_id)), 'skipped', 'the contact was deleted', nowIso);
      rest = later.filter((x) => contacts.has(x.contact_id));
      if (batch.length) await store(deps, owner, now, a, preparer, batch, contacts, report);
    }
  }
}

/** A date occurrence whose contact's date changed since it was materialised moves to the new date instead of being sent. */
async function recheckDates(deps: Deps, a: Automation, owner: string, now: Date, list: ClaimedOccurrence[], contacts: Map<string, RecipientFacts>, report: SendReport): Promise<ClaimedOccurrence[]> {
  const years = [...new Set(list.map((o) => Number(o.key)))];
  const planner = await plannerOf(deps, a, years);
  const keep: ClaimedOccurrence[] = [];
  const back: string[] = [];
  for (const o of list) {
    const contact = contacts.get(o.contact_id);
    const c = contact && planner.plan(contact, [Number(o.key)], new Date(0), new Date(8.64e15)).candidates.find((x) => x.step === o.step);
    if (!contact || !c || c.source === o.source) { keep.push(o); continue; }
    back.push(o.id);
    if (c.dueAt.getTime() >= now.getTime() - graceMs && await moveOccurrence(deps.store.db, o.id, { dueAt: c.dueAt.toISOString(), localDate: c.localDate, source: c.source, zone: c.zone }, now.toISOString())) report.moved++;
    else await finish(deps, owner, [o], 'cancelled', 'the date field changed to a date already past', now.toISOString());
  }
  await releaseOccurrences(deps.store.db, back, owner);
  return keep;
}

/** Ends these claimed occurrences with one status and reason and no message; answers how many this worker still held. */
function finish(deps: Deps, owner: string, list: ClaimedOccurrence[], status: OccurrenceStatus, reason: string, now: string): Promise<number> {
  return finishOccurrences(deps.store, owner, list.map((o) => ({ id: o.id, status, reason, messageId: null })), now);
}

async function store(deps: Deps, owner: string, now: Date, a: Automation, preparer: Preparer, batch: ClaimedOccurrence[], contacts: Map<string, RecipientFacts>, report: SendReport): Promise<void> {
  const nowIso = now.toISOString();
  const recipients: Recipient[] = batch.map((o) => {
    const contact = contacts.get(o.contact_id)!;
    return { phone: contact.phone, contactId: contact.id, contact, zone: o.zone, vars: o.vars ? JSON.parse(o.vars) as Record<string, unknown> : undefined };
  });
  const prepared = await preparer.prepare(recipients);
  prepared.forEach((p, i) => { p.campaignId = batch[i].id; });
  const dispatcher = deps.dispatcher;
  const leased = dispatcher ? leaseTo(dispatcher, prepared, now) : null;
  const skipped = await storePrepared(deps, a.tenantId, prepared, { campaignId: null, note: `automation ${a.name}` }, async (trx) => {
    // every occurrence of the batch ends with its message, or none does (the lease of one was lost: all roll back)
    const ends = batch.map((o, i) => ({ id: o.id, status: (prepared[i].status === 'queued' ? 'sent' : 'excluded') as OccurrenceStatus, reason: prepared[i].reason, messageId: prepared[i].id || null }));
    if (await finishOccurrences(deps.store, owner, ends, nowIso, trx) !== ends.length) throw new LeaseLost();
  });
  if (!skipped) {
    // the balance does not cover them: nothing was stored; each occurrence records why
    report.excluded += await finish(deps, owner, batch, 'excluded', 'insufficient_balance', nowIso);
    return;
  }
  for (const p of prepared) {
    if (p.status === 'queued') report.sent++;
    else report.excluded++;
  }
  if (dispatcher && leased) handStored(dispatcher, leased, skipped);
  if (!leased || leased.rest) deps.wakeDispatcher();
}
