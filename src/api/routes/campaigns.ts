import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable } from '../plugins/table-export.ts';
import { exportLabels, exportLanguageQuery } from '../export-labels.ts';
import { contactsByPhone } from '../../store/repos/recipients.ts';
import { bulkOn } from '../../store/bulk.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { assertTransition, campaignInputSchema, type CampaignInput } from '../../domain/campaigns.ts';
import { nextCronTime, parseCron } from '../../domain/compliance.ts';
import { checkContent, type Category } from '../../domain/templates.ts';
import {
  cancelCampaignMessages, createCampaign, getCampaign, holdCampaignMessages, listCampaigns, releaseCampaignMessages, setCampaignStatus, updateCampaign,
  type Campaign, type CampaignFields,
} from '../../store/repos/campaigns.ts';
import { campaignProgress, campaignStats } from '../../store/repos/stats.ts';
import { listMessages, type MessageView } from '../../store/repos/messages.ts';
import { moveBalance } from '../../store/repos/billing.ts';
import { getTemplateForSending } from '../../store/repos/templates.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { audienceFilter } from '../../worker/audience.ts';
import { preflight } from '../../worker/preflight.ts';
import { checkSignatures } from '../../store/repos/signatures.ts';
import { checkMarketing } from '../../store/repos/complaints.ts';
import { cronZone } from '../../domain/tenants.ts';
import { beforeQuery, nextField } from '../cursor.ts';
import { nextCursor } from '../../store/keyset.ts';

const statsSchema = z.object({
  total: z.number(), excluded: z.number(), queued: z.number(), submitted: z.number(), delivered: z.number(), failed: z.number(),
  awaitingReceipt: z.number(), deliveryRate: z.number().nullable(), resubmitted: z.number().describe('messages that may have been sent twice after a worker crash'),
  cost: z.string(), segments: z.number(), byStatus: z.record(z.string(), z.number()), excludedBy: z.record(z.string(), z.number()), failedBy: z.record(z.string(), z.number()),
  byCarrier: z.array(z.object({ carrier: z.string(), total: z.number(), delivered: z.number(), failed: z.number() })),
  byRegion: z.array(z.object({ region: z.string(), total: z.number(), delivered: z.number(), failed: z.number() })),
  perMinute: z.array(z.object({ minute: z.string(), submitted: z.number() })),
  held: z.array(z.object({ reason: z.string(), count: z.number(), until: z.string() })).describe('queued messages that wait: why (quiet_hours, send_window, scheduled, retry) and the earliest time one goes'),
});
const progressSchema = z.object({ total: z.number(), excluded: z.number(), queued: z.number(), submitted: z.number(), delivered: z.number(), failed: z.number() });
const campaignSchema = z.object({
  id: z.string(), name: z.string(), status: z.string(), category: z.string(), text: z.string().nullable(), templateId: z.string().nullable(),
  audience: z.record(z.string(), z.unknown()), channel: z.string().nullable(), options: z.record(z.string(), z.unknown()), scheduleAt: z.string().nullable(),
  cron: z.string().nullable(), pauseReason: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(), startedAt: z.string().nullable(), completedAt: z.string().nullable(),
  stats: statsSchema.optional(),
  progress: progressSchema.optional().describe('core counts, in the list (the detail has them in stats)'),
});
const preflightSchema = z.object({ total: z.number(), queued: z.number(), deferred: z.number(), deferredBy: z.record(z.string(), z.number()).describe('deferred by why: quiet_hours, send_window, scheduled'), excluded: z.record(z.string(), z.number()), segments: z.number(), cost: z.string(), balance: z.string(), sufficient: z.boolean() });
const idParams = z.object({ id: z.string() });

function show(c: Campaign) {
  const { tenantId: _t, cursor: _c, materialized: _m, ...rest } = c;
  return { ...rest, audience: rest.audience as Record<string, unknown>, options: rest.options as Record<string, unknown> };
}

function fields(b: CampaignInput, category: Category): CampaignFields {
  if (b.cron) parseCron(b.cron);
  return {
    name: b.name, category, text: b.text ?? null, templateId: b.templateId ?? null, audience: b.audience, channel: b.channel ?? null,
    options: b.timezone ? { ...b.options, timezone: b.timezone } as CampaignFields['options'] : b.options, scheduleAt: b.scheduleAt ? new Date(b.scheduleAt).toISOString() : null, cron: b.cron ?? null,
  };
}

/** Campaigns: create, pre-flight, start (now, at a time, or by cron), pause, resume, cancel, statistics, export. */
export function campaignRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  async function load(tenantId: string, id: string): Promise<Campaign> {
    const c = await getCampaign(db, tenantId, id);
    if (!c) throw notFound('campaign');
    return c;
  }
  /** The category a campaign goes out under (its template's unless given, else marketing), checked against the content policy, a marketing suspension and the signatures it carries. */
  async function contentCategory(tenantId: string, category: Category | undefined, templateId: string | null | undefined, text: string | null | undefined): Promise<Category> {
    const template = templateId ? await getTemplateForSending(db, tenantId, templateId) : undefined;
    const resolved = category ?? template?.category ?? 'marketing';
    const settings = (await findTenant(db, tenantId))?.settings;
    checkContent(resolved, template, settings);
    await checkMarketing(db, tenantId, resolved);
    await checkSignatures(db, tenantId, settings?.signature, [template?.text ?? text]);
    return resolved;
  }

  /** The stored fields of a create or update, after checking its template, content and audience. */
  async function prepare(tenantId: string, b: CampaignInput): Promise<CampaignFields> {
    const f = fields(b, await contentCategory(tenantId, b.category, b.templateId, b.text));
    await audienceFilter(deps, tenantId, f.audience);
    return f;
  }

  app.post('/api/v1/campaigns', {
    schema: { tags: ['campaigns'], summary: 'Create a draft campaign', body: campaignInputSchema, response: { 201: campaignSchema } },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const f = await prepare(tenantId, request.body);
    const c = await createCampaign(db, tenantId, f, deps.now().toISOString());
    await audit(db, tenantId, actorOf(request), 'campaign.create', c.id, { name: c.name });
    return reply.status(201).send(show(c));
  });

  app.get('/api/v1/campaigns', {
    schema: { tags: ['campaigns'], summary: 'List campaigns, newest first, each with its progress counts', querystring: z.object({ status: z.string().optional(), before: beforeQuery, limit: z.coerce.number().int().min(1).max(200).default(50) }), response: { 200: z.object({ campaigns: z.array(campaignSchema), next: nextField }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const campaigns = await listCampaigns(db, tenantOf(request), request.query);
    const progress = await campaignProgress(db, campaigns.map((c) => c.id), new Map(campaigns.map((c) => [c.id, c.cursor.duplicates ?? 0])));
    const none = { total: 0, excluded: 0, queued: 0, submitted: 0, delivered: 0, failed: 0 };
    return { campaigns: campaigns.map((c) => ({ ...show(c), progress: progress.get(c.id) ?? none })), next: nextCursor(campaigns, request.query.limit, (c) => ({ at: c.createdAt, id: c.id })) };
  });

  app.get('/api/v1/campaigns/:id', {
    schema: { tags: ['campaigns'], summary: 'A campaign with its statistics', params: idParams, response: { 200: campaignSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const c = await load(tenantOf(request), request.params.id);
    return { ...show(c), stats: await campaignStats(db, c.id, deps.now().toISOString(), c.cursor.duplicates ?? 0) };
  });

  app.put('/api/v1/campaigns/:id', {
    schema: { tags: ['campaigns'], summary: 'Replace a draft campaign', params: idParams, body: campaignInputSchema, response: { 200: campaignSchema } },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const c = await load(tenantId, request.params.id);
    if (c.status !== 'draft') throw new DomainError('conflict', `only a draft can be edited; this campaign is ${c.status}`);
    const f = await prepare(tenantId, request.body);
    await updateCampaign(db, tenantId, c.id, f, deps.now().toISOString());
    return show(await load(tenantId, c.id));
  });

  app.post('/api/v1/campaigns/:id/preflight', {
    schema: { tags: ['campaigns'], summary: 'What starting now would do: recipients by outcome and exclusion reason, segments, cost, balance', params: idParams, response: { 200: preflightSchema } },
    config: { permission: 'read' },
  }, async (request) => preflight(deps, await load(tenantOf(request), request.params.id)));

  app.post('/api/v1/campaigns/:id/start', {
    schema: { tags: ['campaigns'], summary: 'Start now, or schedule when scheduleAt or cron is set; refused when the balance is short', params: idParams, response: { 200: campaignSchema } },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const c = await load(tenantId, request.params.id);
    assertTransition('start', c.status);
    const report = await preflight(deps, c); // checks the template and the content policy again
    if (!report.sufficient) throw new DomainError('insufficient_balance', `the campaign costs ${report.cost} but the balance is ${report.balance} (minor units)`, { cost: report.cost, balance: report.balance });
    const now = deps.now();
    const iso = now.toISOString();
    if (c.cron) {
      const tenant = await findTenant(db, tenantId);
      const zone = cronZone(c.options as { timezone?: string }, tenant?.settings);
      const next = nextCronTime(c.cron, now, zone);
      if (!next) throw new DomainError('invalid_request', `cron "${c.cron}" never fires again`, { field: 'cron' });
      await setCampaignStatus(db, tenantId, c.id, ['draft'], 'scheduled', { scheduleAt: next.toISOString() }, iso);
    } else if (c.scheduleAt && c.scheduleAt > iso) await setCampaignStatus(db, tenantId, c.id, ['draft'], 'scheduled', {}, iso);
    else await setCampaignStatus(db, tenantId, c.id, ['draft'], 'running', { startedAt: iso }, iso);
    await audit(db, tenantId, actorOf(request), 'campaign.start', c.id, { recipients: report.queued, cost: report.cost });
    return show(await load(tenantId, c.id));
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(`/api/v1/campaigns/:id/${action}`, {
      schema: { tags: ['campaigns'], summary: `${action[0].toUpperCase()}${action.slice(1)} the campaign`, params: idParams, response: { 200: campaignSchema } },
      config: { permission: 'send' },
    }, async (request) => {
      const tenantId = tenantOf(request);
      const c = await load(tenantId, request.params.id);
      assertTransition(action, c.status);
      const iso = deps.now().toISOString();
      if (action === 'pause') {
        if (!await setCampaignStatus(db, tenantId, c.id, [c.status], 'paused', { pauseReason: 'paused by a user' }, iso)) throw new DomainError('conflict', 'the campaign changed meanwhile; try again');
        await holdCampaignMessages(db, c.id);
      } else if (action === 'resume') {
        await checkMarketing(db, tenantId, c.category);
        if (!await setCampaignStatus(db, tenantId, c.id, ['paused'], c.startedAt ? 'running' : 'scheduled', { pauseReason: null, ...(c.startedAt ? {} : { startedAt: iso }) }, iso)) throw new DomainError('conflict', 'the campaign changed meanwhile; try again');
        await releaseCampaignMessages(db, c.id);
        deps.wakeDispatcher();
      } else {
        await db.transaction().execute(async (trx) => {
          if (!await setCampaignStatus(trx, tenantId, c.id, [c.status], 'cancelled', { completedAt: iso }, iso)) throw new DomainError('conflict', 'the campaign changed meanwhile; try again');
          const released = await cancelCampaignMessages(trx, c.id, iso);
          if (released > 0n) await moveBalance(trx, tenantId, released, { kind: 'release', campaignId: c.id, note: 'campaign cancelled' }, iso);
        });
      }
      await audit(db, tenantId, actorOf(request), `campaign.${action}`, c.id);
      return show(await load(tenantId, c.id));
    });
  }

  app.get('/api/v1/campaigns/:id/export', {
    schema: {
      tags: ['campaigns'], summary: 'Every message of the campaign as CSV or XLSX: headers, statuses and reasons in `lang`, times in the tenant\'s zone, prices in yuan',
      params: idParams, querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx'), lang: exportLanguageQuery }),
    },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const c = await load(tenantId, request.params.id);
    const l = await exportLabels(db, tenantId, request.query.lang);
    type Row = MessageView & { name: string | null };
    async function* pages(): AsyncGenerator<Row[]> {
      let before: string | undefined;
      while (true) {
        const page = await listMessages(db, tenantId, { campaignId: c.id, before, limit: 2000 });
        if (!page.length) return;
        const contacts = await contactsByPhone(bulkOn(deps.store, db), tenantId, [...new Set(page.map((m) => m.to))]);
        yield page.map((m) => ({ ...m, name: contacts.get(m.to)?.name ?? null }));
        before = page[page.length - 1].id;
      }
    }
    const col = (key: Parameters<typeof l.header>[0], value: (m: Row) => string | number | null, kind?: 'time' | 'money') => ({ header: l.header(key), value, kind });
    return sendTable(reply, request.query.format, `campaign-${c.name}`, [
      col('export.id', (m) => m.id), col('messages.to', (m) => m.to), col('contacts.name', (m) => m.name), col('messages.status', (m) => l.code('message.status', m.status)),
      col('export.reason', (m) => l.code('reason', m.reason)), col('export.segments', (m) => m.segments), col('export.price', (m) => m.price, 'money'),
      col('messages.channel', (m) => m.channel), col('messages.carrierId', (m) => m.carrierMessageId), col('messages.carrierStatus', (m) => m.carrierStat),
      col('export.error', (m) => m.error), col('export.text', (m) => m.text), col('messages.createdAt', (m) => m.createdAt, 'time'),
      col('messages.submittedAt', (m) => m.submittedAt, 'time'), col('messages.doneAt', (m) => m.doneAt, 'time'),
    ], pages(), l.options);
  });
}
