import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { compileTemplate } from '../../domain/templates.ts';
import { automationInputSchema, dateValueProblem, localDate, parseDateValue, type AutomationStatus } from '../../automations/rules.ts';
import { festivals, festivalDate, lunarToSolar, ymdText } from '../../automations/calendar/lunar.ts';
import { missingYearWarning } from '../../automations/calendar/holidays.ts';
import { conditionFilter, materializeYearly } from '../../automations/materialize.ts';
import {
  automationStats, cancelOccurrence, occurrenceState, createAutomation, deleteAutomation, getAutomation, listAutomations, listOccurrences, setAutomationStatus, updateAutomation, type Automation,
} from '../../store/repos/automations.ts';
import { coveredHolidayYears } from '../../store/repos/holidays.ts';
import { contactPage } from '../../store/repos/recipients.ts';
import { getTemplateForSending } from '../../store/repos/templates.ts';
import { audit } from '../../store/repos/audit.ts';
import { requestOptIn } from '../../automations/optin.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { contactsByPhone } from '../../store/repos/recipients.ts';
import { bulkOn } from '../../store/bulk.ts';
import { findGroupByName, getGroup } from '../../store/repos/groups.ts';
import { getImport } from '../../store/repos/imports.ts';
import { findSubscriptionList } from '../../automations/welcome.ts';

const idParams = z.object({ id: z.string().min(1) });
const statsSchema = z.object({
  occurrences: z.record(z.string(), z.number()), messages: z.record(z.string(), z.number()), replied: z.number(), optedOut: z.number(),
});
const automationSchema = z.object({
  id: z.string(), name: z.string(), status: z.string(), category: z.string(), trigger: z.record(z.string(), z.unknown()), conditions: z.record(z.string(), z.unknown()),
  steps: z.array(z.record(z.string(), z.unknown())), channel: z.string().nullable(), timezone: z.string().nullable(), horizonDays: z.number(),
  sendWindows: z.array(z.unknown()).nullable(), frequencyCap: z.record(z.string(), z.unknown()).nullable(),
  lastRun: z.record(z.string(), z.unknown()).nullable(), activatedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(), stats: statsSchema.optional(),
});
const occurrenceSchema = z.object({
  id: z.string(), automationId: z.string(), contactId: z.string(), phone: z.string().nullable(), name: z.string().nullable(), key: z.string(), step: z.number(),
  dueAt: z.string(), localDate: z.string().nullable(), zone: z.string(), status: z.string(), reason: z.string().nullable(), messageId: z.string().nullable(),
  messageStatus: z.string().nullable(), vars: z.record(z.string(), z.unknown()).nullable(), createdAt: z.string(),
});
const previewRow = z.object({ contactId: z.string(), phone: z.string(), name: z.string().nullable(), step: z.number(), dueAt: z.string(), localDate: z.string(), zone: z.string(), text: z.string(), status: z.string() });

function show(a: Automation) {
  return {
    id: a.id, name: a.name, status: a.status, category: a.category, trigger: a.trigger, conditions: a.conditions ?? {}, steps: a.steps, channel: a.channel ?? null,
    timezone: a.timezone ?? null, horizonDays: a.horizonDays, sendWindows: a.sendWindows ?? null, frequencyCap: a.frequencyCap ?? null,
    lastRun: a.lastRun, activatedAt: a.activatedAt, createdAt: a.createdAt, updatedAt: a.updatedAt,
  };
}

const transitions: Record<'on' | 'pause', AutomationStatus[]> = { on: ['draft', 'paused'], pause: ['on'] };

/** Automations of the tenant (date, holiday, event and welcome triggers), their occurrences, preview and statistics; the festival list and a lunar date converter. */
export function automationRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['automations'];

  async function load(tenantId: string, id: string): Promise<Automation> {
    const a = await getAutomation(db, tenantId, id);
    if (!a) throw notFound('automation');
    return a;
  }

  /** Checks what the schema cannot: its groups or segment, its trigger's group, list or import, and its templates exist. */
  async function check(tenantId: string, a: Automation): Promise<void> {
    await conditionFilter(deps, a);
    const t = a.trigger;
    if (t.type === 'join' && t.group && !(await getGroup(db, tenantId, t.group) ?? await findGroupByName(db, tenantId, t.group))) {
      throw new DomainError('invalid_request', `trigger.group: no group "${t.group}"`, { field: 'trigger.group' });
    }
    if (t.type === 'join' && t.subscription && !await findSubscriptionList(deps, tenantId, t.subscription)) {
      throw new DomainError('invalid_request', `trigger.subscription: no subscription service in list mode "${t.subscription}"`, { field: 'trigger.subscription' });
    }
    if (t.type === 'created' && t.importId && !await getImport(db, tenantId, t.importId)) {
      throw new DomainError('invalid_request', `trigger.importId: no import ${t.importId}`, { field: 'trigger.importId' });
    }
    for (const s of a.steps) if (s.templateId) await getTemplateForSending(db, tenantId, s.templateId);
  }

  app.get('/api/v1/automations', {
    schema: {
      tags, summary: 'The tenant\'s automations, newest first, and a warning when next year\'s holiday calendar is missing (from 1 December)',
      response: { 200: z.object({ automations: z.array(automationSchema), calendarWarning: z.string().nullable() }) },
    },
    config: { permission: 'read' },
  }, async (request) => ({
    automations: (await listAutomations(db, tenantOf(request))).map(show),
    calendarWarning: missingYearWarning(localDate(deps.now(), 'Asia/Shanghai'), await coveredHolidayYears(db)),
  }));

  app.post('/api/v1/automations', {
    schema: { tags, summary: 'Create a draft automation (trigger → conditions → steps)', body: automationInputSchema, response: { 201: automationSchema } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const draft = { ...request.body, id: '', tenantId } as Automation;
    await check(tenantId, draft);
    const a = await createAutomation(db, tenantId, request.body, deps.now().toISOString());
    await audit(db, tenantId, actorOf(request), 'automation.create', a.id, { name: a.name, trigger: a.trigger.type });
    return reply.status(201).send(show(a));
  });

  app.get('/api/v1/automations/festivals', {
    schema: {
      tags, summary: 'Festival keys of holiday triggers with their dates this year and next (resolved each year, never stored)',
      response: { 200: z.object({ festivals: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string(), kind: z.string(), dates: z.record(z.string(), z.string()) })) }) },
    },
    config: { permission: 'read' },
  }, async () => {
    const year = localDate(deps.now(), 'Asia/Shanghai').year;
    return { festivals: festivals.map((f) => ({ key: f.key, zh: f.zh, en: f.en, kind: f.rule.kind, dates: { [year]: ymdText(festivalDate(f, year)), [year + 1]: ymdText(festivalDate(f, year + 1)) } })) };
  });

  app.get('/api/v1/automations/lunar', {
    schema: {
      tags, summary: 'The solar date of a lunar date in a year (refused with the reason when it cannot exist)',
      querystring: z.object({ date: z.string().min(3).max(20).describe('lunar month-day, e.g. 08-15, L06-10 (leap month), or with its year 2027-12-30'), year: z.coerce.number().int().min(1901).max(2099).optional() }),
      response: { 200: z.object({ lunar: z.string(), year: z.number(), solar: z.string() }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const v = parseDateValue(request.query.date);
    if (!v) throw new DomainError('invalid_request', 'not a lunar date: give MM-DD, LMM-DD for a leap month, or YYYY-MM-DD', { field: 'date' });
    const year = request.query.year ?? v.year ?? localDate(deps.now(), 'Asia/Shanghai').year;
    const problem = dateValueProblem({ ...v, year }, 'lunar');
    if (problem) throw new DomainError('invalid_request', problem, { field: 'date' });
    return { lunar: request.query.date, year, solar: ymdText(lunarToSolar(year, v)) };
  });

  app.post('/api/v1/automations/opt-in', {
    schema: {
      tags, summary: 'Double opt-in: record a pending marketing consent (web form, import) and send the confirmation SMS',
      description: 'A reply Y / 是 / 确认 within 72 hours confirms the consent (the reply is kept as evidence); otherwise it expires. A pending consent never counts as consent.',
      body: z.object({
        contactId: z.string().min(1).optional(), phone: z.string().min(1).max(64).optional(),
        source: z.string().min(1).max(100).describe('where the consent was collected, e.g. web_form:/signup'), textShown: z.string().max(1000).optional(), ip: z.string().max(64).optional(),
        text: z.string().min(1).max(500).optional().describe('the confirmation SMS (default: 请回复 Y、是 或 确认…)'),
      }).strict().refine((b) => !!b.contactId !== !!b.phone, 'give contactId or phone'),
      response: { 202: z.object({ consentId: z.string(), status: z.string(), messageId: z.string().nullable(), messageStatus: z.string().nullable() }) },
    },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const b = request.body;
    let contactId = b.contactId;
    if (b.phone) {
      const tenant = await findTenant(db, tenantId);
      const n = normalizePhone(b.phone, (tenant?.settings.defaultCountry as CountryCode | undefined) ?? 'CN');
      if (!n.ok) throw new DomainError('invalid_request', `${n.reason}: ${n.detail}`, { field: 'phone' });
      contactId = (await contactsByPhone(bulkOn(deps.store, db), tenantId, [n.e164])).get(n.e164)?.id;
      if (!contactId) throw notFound('contact');
    }
    const r = await requestOptIn(deps, tenantId, { contactId: contactId!, source: b.source, textShown: b.textShown, ip: b.ip ?? request.ip, text: b.text });
    await audit(db, tenantId, actorOf(request), 'consent.double_opt_in', r.consent.id, { contact: contactId });
    return reply.status(202).send({ consentId: r.consent.id, status: r.consent.status, messageId: r.message?.id || null, messageStatus: r.message?.status ?? null });
  });

  app.get('/api/v1/automations/:id', {
    schema: { tags, summary: 'An automation with its statistics', params: idParams, response: { 200: automationSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const a = await load(tenantId, request.params.id);
    return { ...show(a), stats: await automationStats(db, tenantId, a.id) };
  });

  app.put('/api/v1/automations/:id', {
    schema: { tags, summary: 'Replace an automation\'s definition (pending occurrences are moved or cancelled at its next run)', params: idParams, body: automationInputSchema, response: { 200: automationSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const a = await load(tenantId, request.params.id);
    if (a.trigger.type !== request.body.trigger.type) throw new DomainError('conflict', `the trigger type cannot change (${a.trigger.type}); create another automation`, { field: 'trigger.type' });
    await check(tenantId, { ...a, ...request.body });
    await updateAutomation(db, tenantId, a.id, request.body, deps.now().toISOString());
    await audit(db, tenantId, actorOf(request), 'automation.update', a.id, { name: request.body.name });
    return show(await load(tenantId, a.id));
  });

  for (const action of ['on', 'pause'] as const) {
    app.post(`/api/v1/automations/:id/${action}`, {
      schema: { tags, summary: action === 'on' ? 'Turn the automation on (from draft or paused)' : 'Pause the automation (its pending occurrences wait; those past the grace are missed)', params: idParams, response: { 200: automationSchema } },
      config: { permission: 'send' },
    }, async (request) => {
      const tenantId = tenantOf(request);
      const a = await load(tenantId, request.params.id);
      if (!transitions[action].includes(a.status)) throw new DomainError('conflict', `cannot ${action === 'on' ? 'turn on' : 'pause'} an automation that is ${a.status}`, { status: a.status });
      if (action === 'on') await check(tenantId, a);
      await setAutomationStatus(db, tenantId, a.id, action === 'on' ? 'on' : 'paused', deps.now().toISOString());
      await audit(db, tenantId, actorOf(request), `automation.${action}`, a.id);
      return show(await load(tenantId, a.id));
    });
  }

  app.delete('/api/v1/automations/:id', {
    schema: { tags, summary: 'Delete an automation and its occurrences (messages already sent stay)', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteAutomation(db, tenantId, request.params.id)) throw notFound('automation');
    await audit(db, tenantId, actorOf(request), 'automation.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });

  app.get('/api/v1/automations/:id/occurrences', {
    schema: {
      tags, summary: 'The automation\'s occurrences in due order (materialised ahead over its horizon)', params: idParams,
      querystring: z.object({
        status: z.enum(['pending', 'sent', 'excluded', 'cancelled', 'skipped', 'missed']).optional(),
        from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      response: { 200: z.object({ occurrences: z.array(occurrenceSchema) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const a = await load(tenantId, request.params.id);
    const q = request.query;
    return { occurrences: await listOccurrences(db, tenantId, a.id, { ...q, from: q.from && new Date(q.from).toISOString(), to: q.to && new Date(q.to).toISOString() }) };
  });

  app.post('/api/v1/automations/:id/occurrences/:occurrenceId/cancel', {
    schema: { tags, summary: 'Cancel a pending occurrence (it will not be sent, nor materialised again)', params: z.object({ id: z.string().min(1), occurrenceId: z.string().min(1) }), response: { 200: z.object({ id: z.string(), cancelled: z.boolean() }) } },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const a = await load(tenantId, request.params.id);
    const o = await occurrenceState(db, tenantId, a.id, request.params.occurrenceId);
    if (!o) throw notFound('occurrence');
    if (!await cancelOccurrence(db, tenantId, o.id, 'cancelled by a user', deps.now().toISOString())) throw new DomainError('conflict', `only a pending occurrence can be cancelled; this one is ${o.status}`, { status: o.status });
    await audit(db, tenantId, actorOf(request), 'automation.occurrence.cancel', o.id, { automation: a.id });
    return { id: o.id, cancelled: true };
  });

  app.get('/api/v1/automations/:id/preview', {
    schema: {
      tags, summary: 'Who would receive what on which date in the next days (yearly triggers computed, others from their pending occurrences)', params: idParams,
      querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30), limit: z.coerce.number().int().min(1).max(5000).default(1000) }),
      response: { 200: z.object({ days: z.number(), rows: z.array(previewRow), skipped: z.record(z.string(), z.number()), samples: z.array(z.object({ contactId: z.string(), value: z.string(), reason: z.string() })) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const a = await load(tenantId, request.params.id);
    const { days, limit } = request.query;
    const now = deps.now();
    const texts = a.steps.map((s) => (s.text ? compileTemplate(s.text) : null));
    let rows: { contactId: string; step: number; dueAt: string; localDate: string; zone: string; status: string }[];
    let skipped: Record<string, number> = {};
    let samples: { contactId: string; value: string; reason: string }[] = [];
    if (a.trigger.type === 'date' || a.trigger.type === 'holiday') {
      const { report, candidates } = await materializeYearly(deps, a, now, { dryRun: true, horizonDays: days, limit });
      rows = candidates.slice(0, limit).map((c) => ({ contactId: c.contactId, step: c.step, dueAt: c.dueAt.toISOString(), localDate: c.localDate, zone: c.zone, status: 'planned' }));
      skipped = report.skipped; samples = report.samples;
    } else {
      rows = (await listOccurrences(db, tenantId, a.id, { status: 'pending', from: now.toISOString(), to: new Date(now.getTime() + days * 86_400_000).toISOString(), limit, offset: 0 }))
        .map((o) => ({ contactId: o.contactId, step: o.step, dueAt: o.dueAt, localDate: o.localDate ?? o.dueAt.slice(0, 10), zone: o.zone, status: o.status }));
    }
    rows.sort((x, y) => x.dueAt.localeCompare(y.dueAt));
    const ids = [...new Set(rows.map((r) => r.contactId))];
    const contacts = new Map(ids.length ? (await contactPage(db, tenantId, (eb) => eb('id', 'in', ids), null, ids.length)).map((c) => [c.id, c]) : []);
    return {
      days, skipped, samples,
      rows: rows.flatMap((r) => {
        const c = contacts.get(r.contactId);
        if (!c) return [];
        const t = texts[r.step];
        return [{ ...r, phone: c.phone, name: c.name, text: t ? t({ phone: c.phone, name: c.name ?? undefined, ...c.fields }, { zone: r.zone }).text : `(template ${a.steps[r.step].templateId})` }];
      }),
    };
  });
}
