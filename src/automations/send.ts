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
  claimDueOccurrences, finishOccurrence, getAutomation, missOverdue, moveOccurrence, releaseOccurrences, type Automation, type ClaimedOccurrence,
} from '../store/repos/automations.ts';
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
    const byAutomation = new Map<string, ClaimedOccurrence[]>();
    for (const o of claimed) byAutomation.set(o.automation_id, [...(byAutomation.get(o.automation_id) ?? []), o]);
    for (const list of byAutomation.values()) {
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
  const byStep = new Map<number, ClaimedOccurrence[]>();
  for (const o of due) byStep.set(o.step, [...(byStep.get(o.step) ?? []), o]);
  for (const [step, occurrences] of byStep) {
    let preparer: Preparer;
    try {
      preparer = await preparerFor(deps, a, tenant, step);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      for (const o of occurrences) if (await finishOccurrence(db, o.id, owner, { status: 'skipped', reason: `${err.code}: ${err.message}`, messageId: null }, nowIso)) report.excluded++;
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
      for (const o of later.filter((x) => !contacts.has(x.contact_id))) await finishOccurrence(db, o.id, owner, { status: 'skipped', reason: 'the contact was deleted', messageId: null }, nowIso);
      rest = later.filter((x) => contacts.has(x.contact_id));
      if (batch.length) await store(deps, owner, now, a, preparer, batch, contacts, report);
      preparer.seen.clear();
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
    else await finishOccurrence(deps.store.db, o.id, owner, { status: 'cancelled', reason: 'the date field changed to a date already past', messageId: null }, now.toISOString());
  }
  await releaseOccurrences(deps.store.db, back, owner);
  return keep;
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
  const finish = async (trx: Parameters<typeof finishOccurrence>[0], status: 'sent' | 'excluded', i: number, reason: string | null) => {
    if (!await finishOccurrence(trx, batch[i].id, owner, { status, reason, messageId: prepared[i].id || null }, nowIso)) throw new LeaseLost();
  };
  const skipped = await storePrepared(deps, a.tenantId, prepared, { campaignId: null, note: `automation ${a.name}` }, async (trx) => {
    for (let i = 0; i < batch.length; i++) await finish(trx, prepared[i].status === 'queued' ? 'sent' : 'excluded', i, prepared[i].reason);
  });
  if (!skipped) {
    // the balance does not cover them: nothing was stored; each occurrence records why
    for (const o of batch) await finishOccurrence(deps.store.db, o.id, owner, { status: 'excluded', reason: 'insufficient_balance', messageId: null }, nowIso);
    report.excluded += batch.length;
    return;
  }
  for (const p of prepared) {
    if (p.status === 'queued') report.sent++;
    else report.excluded++;
  }
  if (dispatcher && leased) handStored(dispatcher, leased, skipped);
  if (!leased || leased.rest) deps.wakeDispatcher();
}
