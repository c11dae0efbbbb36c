import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { breaches, complaintPolicySchema, feedbackRates, type ComplaintPolicy, type FeedbackCounts } from '../../domain/complaints.ts';
import {
  findSuspension, holdTenantMarketing, liftMarketing, releaseTenantMarketing, listComplaints, listSuspensions, platformPolicy, policyFor, savePolicy, suspendMarketing, tenantFeedback, tenantOverride, tenantsFeedback,
  type Suspension,
} from '../../store/repos/complaints.ts';
import { listCampaigns } from '../../store/repos/campaigns.ts';
import { findTenantByIdOrSlug } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { pauseCampaign } from '../../worker/scheduler.ts';
import { invalidateComplaintPolicies } from '../../worker/complaints.ts';

const kindEnum = z.enum(['opt_out', 'complaint']);
const countsSchema = z.object({
  sent: z.number().describe('messages that reached the carrier'), optOuts: z.number(), complaints: z.number(),
  optOutRate: z.number().nullable(), complaintRate: z.number().nullable(),
  above: z.array(kindEnum).describe('the rates above their thresholds (counted once at least minSample messages were sent)'),
});
const thresholdsSchema = complaintPolicySchema.pick({ optOutRate: true, complaintRate: true, minSample: true, windowDays: true });
const suspensionSchema = z.object({ reason: z.string(), suspendedBy: z.string().nullable(), suspendedAt: z.string() }).nullable();
const complaintSchema = z.object({
  id: z.string(), kind: kindEnum, inboundId: z.string(), campaignId: z.string().nullable(), channelId: z.string().nullable(), messageId: z.string().nullable(),
  phone: z.string(), keyword: z.string().nullable(), text: z.string(), at: z.string(),
});
const tenantParams = z.object({ tenant: z.string().min(1).describe('tenant id or slug') });
const partialPolicy = complaintPolicySchema.partial();

function withRates(c: FeedbackCounts, p: ComplaintPolicy): z.infer<typeof countsSchema> {
  return { ...c, ...feedbackRates(c), above: breaches(c, p).map((b) => b.kind) };
}

function showSuspension(s: Suspension | undefined): z.infer<typeof suspensionSchema> {
  return s ? { reason: s.reason, suspendedBy: s.suspendedBy, suspendedAt: s.suspendedAt } : null;
}

/** Complaint and opt-out monitoring: the tenant's statistics and events, the platform's watch list, policy and marketing suspensions. */
export function complaintRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['complaints'];
  const admin = ['admin'];
  const windowStart = (days: number) => deps.now().getTime() - days * 86_400_000;

  async function tenantFor(idOrSlug: string) {
    const t = await findTenantByIdOrSlug(db, idOrSlug);
    if (!t) throw notFound('tenant');
    return t;
  }

  app.get('/api/v1/complaints/stats', {
    schema: {
      tags, summary: 'Opt-out and complaint rates of the tenant, per channel and per campaign, over the monitoring window, with the thresholds that apply',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(92).optional().describe('default: the policy\'s window') }),
      response: {
        200: z.object({
          days: z.number(), since: z.string(), thresholds: thresholdsSchema, total: countsSchema, suspension: suspensionSchema,
          byChannel: z.array(countsSchema.extend({ channelId: z.string().nullable(), channel: z.string().nullable() })),
          byCampaign: z.array(countsSchema.extend({ campaignId: z.string(), name: z.string(), status: z.string() })),
        }),
      },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const policy = await policyFor(db, tenantId);
    const days = request.query.days ?? policy.windowDays;
    const since = windowStart(days);
    const f = await tenantFeedback(db, tenantId, since);
    return {
      days, since: new Date(since).toISOString(),
      thresholds: { optOutRate: policy.optOutRate, complaintRate: policy.complaintRate, minSample: policy.minSample, windowDays: policy.windowDays },
      total: withRates(f.total, policy), suspension: showSuspension(await findSuspension(db, tenantId)),
      byChannel: f.byChannel.map((c) => ({ ...c, ...withRates(c, policy) })),
      byCampaign: f.byCampaign.map((c) => ({ ...c, ...withRates(c, policy) })),
    };
  });

  app.get('/api/v1/complaints', {
    schema: {
      tags, summary: 'The tenant\'s recorded opt-outs and complaints, newest first',
      querystring: z.object({ kind: kindEnum.optional(), campaignId: z.string().optional(), before: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: z.object({ complaints: z.array(complaintSchema) }) },
    },
    config: { permission: 'read' },
  }, async (request) => ({ complaints: await listComplaints(db, tenantOf(request), request.query) }));

  // ---- platform ----
  app.get('/api/v1/admin/complaints', {
    schema: {
      tags: admin, summary: 'Tenants with opt-outs or complaints in the window (or suspended marketing), their rates against their thresholds',
      querystring: z.object({ above: z.enum(['true', 'false']).optional().describe('true: only tenants above a threshold or suspended') }),
      response: {
        200: z.object({
          policy: complaintPolicySchema,
          tenants: z.array(countsSchema.extend({ tenantId: z.string(), slug: z.string(), name: z.string(), thresholds: thresholdsSchema, suspension: suspensionSchema })),
        }),
      },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const policy = await platformPolicy(db);
    const suspensions = new Map((await listSuspensions(db)).map((s) => [s.tenantId, s]));
    const rows = await tenantsFeedback(db, windowStart(policy.windowDays));
    const tenants = [];
    for (const r of rows) {
      const p = { ...policy, ...await tenantOverride(db, r.tenantId) };
      const counts = p.windowDays === policy.windowDays ? r : { ...(await tenantFeedback(db, r.tenantId, windowStart(p.windowDays))).total, tenantId: r.tenantId, slug: r.slug, name: r.name };
      const entry = {
        tenantId: r.tenantId, slug: r.slug, name: r.name, ...withRates(counts, p),
        thresholds: { optOutRate: p.optOutRate, complaintRate: p.complaintRate, minSample: p.minSample, windowDays: p.windowDays }, suspension: showSuspension(suspensions.get(r.tenantId)),
      };
      if (request.query.above !== 'true' || entry.above.length || entry.suspension) tenants.push(entry);
    }
    tenants.sort((a, b) => b.above.length - a.above.length || (b.optOutRate ?? 0) - (a.optOutRate ?? 0));
    return { policy, tenants };
  });

  app.get('/api/v1/admin/complaints/policy', {
    schema: { tags: admin, summary: 'The platform\'s complaint thresholds and words', response: { 200: complaintPolicySchema } },
    config: { permission: 'platform' },
  }, async () => platformPolicy(db));

  app.put('/api/v1/admin/complaints/policy', {
    schema: { tags: admin, summary: 'Change the platform\'s complaint thresholds and words (fields not given stay)', body: partialPolicy, response: { 200: complaintPolicySchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const next = { ...await platformPolicy(db), ...request.body };
    await savePolicy(db, null, next, request.auth!.userId ?? request.auth!.keyId, deps.now().toISOString());
    invalidateComplaintPolicies(deps);
    await audit(db, null, actorOf(request), 'complaints.policy', null, { changed: Object.keys(request.body) });
    return next;
  });

  app.put('/api/v1/admin/complaints/tenants/:tenant/policy', {
    schema: {
      tags: admin, summary: 'Set a tenant\'s own thresholds or words over the platform\'s (the whole override; {} removes it)', params: tenantParams, body: partialPolicy,
      response: { 200: z.object({ override: partialPolicy, policy: complaintPolicySchema }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await tenantFor(request.params.tenant);
    await savePolicy(db, t.id, request.body, request.auth!.userId ?? request.auth!.keyId, deps.now().toISOString());
    invalidateComplaintPolicies(deps);
    const details = { override: request.body };
    await audit(db, null, actorOf(request), 'complaints.tenantPolicy', t.id, { ...details, tenantId: t.id });
    await audit(db, t.id, actorOf(request), 'complaints.tenantPolicy', t.id, details);
    return { override: request.body, policy: await policyFor(db, t.id) };
  });

  app.post('/api/v1/admin/complaints/tenants/:tenant/suspend', {
    schema: {
      tags: admin, summary: 'Suspend a tenant\'s marketing: marketing sends and campaigns are refused, its running marketing campaigns pause and its queued marketing messages are held (notifications still go out)',
      params: tenantParams, body: z.object({ reason: z.string().trim().min(1).max(500) }),
      response: { 200: z.object({ suspension: suspensionSchema, pausedCampaigns: z.array(z.string()), heldMessages: z.number().describe('queued marketing messages outside campaigns held until the lift') }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await tenantFor(request.params.tenant);
    const now = deps.now().toISOString();
    if (!await suspendMarketing(db, t.id, request.body.reason, request.auth!.userId ?? request.auth!.keyId, now)) {
      throw new DomainError('conflict', `the marketing of ${t.slug} is already suspended`, { tenant: t.slug });
    }
    const paused: string[] = [];
    for (const status of ['running', 'scheduled']) {
      for (const c of await listCampaigns(db, t.id, { limit: 200, status })) {
        if (c.category === 'marketing' && await pauseCampaign(deps, c, `marketing suspended by the platform: ${request.body.reason}`)) paused.push(c.id);
      }
    }
    const heldMessages = await holdTenantMarketing(db, t.id);
    const details = { reason: request.body.reason, pausedCampaigns: paused, heldMessages };
    await audit(db, null, actorOf(request), 'marketing.suspend', t.id, { ...details, tenantId: t.id });
    await audit(db, t.id, actorOf(request), 'marketing.suspend', t.id, details);
    return { suspension: showSuspension(await findSuspension(db, t.id)), pausedCampaigns: paused, heldMessages };
  });

  app.post('/api/v1/admin/complaints/tenants/:tenant/lift', {
    schema: {
      tags: admin, summary: 'Lift the suspension of a tenant\'s marketing (held marketing messages go out again; its paused campaigns stay paused until the tenant resumes them)', params: tenantParams,
      body: z.object({ note: z.string().trim().max(500).optional() }).default({}), response: { 200: z.object({ suspension: suspensionSchema }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const t = await tenantFor(request.params.tenant);
    const before = await findSuspension(db, t.id);
    if (!before || !await liftMarketing(db, t.id)) throw new DomainError('conflict', `the marketing of ${t.slug} is not suspended`, { tenant: t.slug });
    const releasedMessages = await releaseTenantMarketing(db, t.id);
    if (releasedMessages) deps.wakeDispatcher();
    const details = { reason: before.reason, note: request.body?.note ?? null, releasedMessages };
    await audit(db, null, actorOf(request), 'marketing.lift', t.id, { ...details, tenantId: t.id });
    await audit(db, t.id, actorOf(request), 'marketing.lift', t.id, details);
    return { suspension: null };
  });
}
