import { checkLinks } from '../../domain/links.ts';
import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { attribute } from '../../domain/attribution.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import {
  categories, compileTemplate, composeText, dateFormatWarnings, lintText, missingVariableWarnings, optOutTextFor, type Category, type LintWarning,
} from '../../domain/templates.ts';
import { tenantSettingsSchema, type TenantSettings } from '../../domain/tenants.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { preview } from '../../domain/text.ts';
import { parseTimezone } from '../../domain/compliance.ts';
import {
  createTemplate, deleteTemplate, findTemplate, findTemplateById, listTemplates, listTemplatesForReview, recipientForPreview, reviewTemplate,
  submitTemplate, templateStatuses, updateTemplate, type Template,
} from '../../store/repos/templates.ts';
import { loadSensitiveWordMatcher } from '../../store/repos/sensitive-words.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { checkSignatures } from '../../store/repos/signatures.ts';
import type { Db } from '../../store/database.ts';

const categoryEnum = z.enum(categories as [Category, ...Category[]]);
const statusEnum = z.enum(templateStatuses as ['draft', 'pending', 'approved', 'rejected']);
const warningSchema = z.object({
  code: z.string(), severity: z.enum(['error', 'warning']), message: z.string(),
  index: z.number().optional(), length: z.number().optional(), subject: z.string().optional(), suggestion: z.string().optional(),
});
const templateSchema = z.object({
  id: z.string(), tenantId: z.string(), name: z.string(), category: categoryEnum, text: z.string(), status: statusEnum,
  reviewNote: z.string().nullable(), submittedAt: z.string().nullable(), approvedBy: z.string().nullable(), approvedAt: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(),
  usable: z.boolean().describe('Whether sends and campaigns may use it now (marketing needs approval; a rejected template is unusable)'),
});
const linted = templateSchema.extend({ warnings: z.array(warningSchema).describe('Lint findings on the text as it will be sent (signature and opt-out added)') });
const idParams = z.object({ id: z.string().min(1) });
const templateText = z.string().min(1).max(2000).superRefine((text, ctx) => {
  try { checkLinks(text); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); }
});
const templateName = z.string().trim().min(1).max(100);

function show<T extends Template>(t: T): T & { usable: boolean } {
  const usable = t.category === 'marketing' ? t.status === 'approved' : t.status !== 'rejected';
  return { ...t, usable };
}

/** The tenant's settings, tolerating keys written before their schema existed. */
async function settingsOf(db: Db, tenantId: string): Promise<TenantSettings> {
  const t = await findTenant(db, tenantId);
  const parsed = tenantSettingsSchema.partial().safeParse(t?.settings ?? {});
  return parsed.success ? parsed.data : (t?.settings ?? {}) as TenantSettings;
}

/** A template's text as the tenant's recipients get it: with its signature and (marketing) opt-out text in its first language. */
function asSent(s: TenantSettings, text: string, category: Category): string {
  return composeText(text, { category, signature: s.signature, signaturePosition: s.signaturePosition, optOutText: optOutTextFor(s.languages?.[0] ?? null, s.defaultCountry ?? null, s.optOutTexts) });
}

/** Composes and lints a template's text with the tenant's signature, opt-out text, word lists and link allow-list. */
async function lintTemplate(db: Db, tenantId: string, text: string, category: Category, settings?: TenantSettings): Promise<LintWarning[]> {
  const s = settings ?? await settingsOf(db, tenantId);
  const composed = asSent(s, text, category);
  return lintText(composed, { category, signature: s.signature, matcher: await loadSensitiveWordMatcher(db, tenantId), linkAllowList: s.linkAllowList });
}

/** Templates (`/api/v1/templates`), their preview, and the platform's approval queue (`/api/v1/admin/templates`). */
export function templateRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['templates'];

  app.get('/api/v1/templates', {
    schema: { tags, summary: 'List templates', querystring: z.object({ status: statusEnum.optional(), category: categoryEnum.optional() }), response: { 200: z.object({ templates: z.array(templateSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ templates: (await listTemplates(db, tenantOf(request), request.query)).map(show) }));

  app.get('/api/v1/templates/:id', {
    schema: { tags, summary: 'One template, with lint findings', params: idParams, response: { 200: linted } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const t = await findTemplate(db, tenantId, request.params.id);
    if (!t) throw notFound('template');
    return { ...show(t), warnings: await lintTemplate(db, tenantId, t.text, t.category) };
  });

  app.post('/api/v1/templates', {
    schema: {
      tags, summary: 'Create a template (draft; marketing templates must be submitted and approved before use)',
      body: z.object({ name: templateName, category: categoryEnum, text: templateText }),
      response: { 201: linted },
    },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    await checkSignatures(db, tenantId, undefined, [request.body.text]);
    const t = await createTemplate(db, tenantId, request.body, deps.now());
    await audit(db, tenantId, actorOf(request), 'template.create', t.id, { name: t.name, category: t.category });
    return reply.status(201).send({ ...show(t), warnings: await lintTemplate(db, tenantId, t.text, t.category) });
  });

  app.patch('/api/v1/templates/:id', {
    schema: {
      tags, summary: 'Edit a template; changing the text or category of a reviewed template puts it back to draft',
      params: idParams, body: z.object({ name: templateName.optional(), category: categoryEnum.optional(), text: templateText.optional() }),
      response: { 200: linted.extend({ reset: z.boolean().describe('The edit cleared a review: submit again') }) },
    },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    await checkSignatures(db, tenantId, undefined, [request.body.text]);
    const r = await updateTemplate(db, tenantId, request.params.id, request.body, deps.now());
    if (!r) throw notFound('template');
    await audit(db, tenantId, actorOf(request), 'template.update', r.template.id, { changed: Object.keys(request.body), reset: r.reset });
    return { ...show(r.template), reset: r.reset, warnings: await lintTemplate(db, tenantId, r.template.text, r.template.category) };
  });

  app.delete('/api/v1/templates/:id', {
    schema: { tags, summary: 'Delete a template (not while an unfinished campaign uses it)', params: idParams, response: { 204: z.null() } },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    if (!await deleteTemplate(db, tenantId, request.params.id)) throw notFound('template');
    await audit(db, tenantId, actorOf(request), 'template.delete', request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/v1/templates/:id/submit', {
    schema: { tags, summary: 'Ask the platform to approve a template (draft or rejected → pending)', params: idParams, response: { 200: linted } },
    config: { permission: 'send' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const t = await submitTemplate(db, tenantId, request.params.id, deps.now());
    await audit(db, tenantId, actorOf(request), 'template.submit', t.id, { name: t.name });
    return { ...show(t), warnings: await lintTemplate(db, tenantId, t.text, t.category) };
  });

  app.post('/api/v1/templates/preview', {
    schema: {
      tags, summary: 'Render a text or template as one recipient would get it: encoding, segments, cost and lint findings',
      body: z.object({
        text: z.string().max(2000).optional().describe('The template text; or give templateId'),
        templateId: z.string().optional(),
        category: categoryEnum.optional().describe('Default: the template\'s, else notification'),
        vars: z.record(z.string(), z.unknown()).optional().describe('Variables; they win over the contact\'s fields'),
        phone: z.string().max(40).optional().describe('A recipient: its contact\'s name and fields fill variables, and its language picks the opt-out text'),
        language: z.string().max(20).optional().describe('Language for the opt-out text when the contact has none'),
        timezone: z.string().max(64).optional().describe('Zone for date variables (default: the contact\'s, else the tenant\'s, else UTC)'),
        pricePerSegment: z.union([z.string().regex(/^\d{1,15}$/), z.number().int().min(0)]).optional().describe('Price per segment in minor units (default: the route\'s price for the recipient, or for a mobile number of the tenant\'s country)'),
        compose: z.boolean().default(true).describe('Add signature and (marketing) opt-out text'),
      }),
      response: {
        200: z.object({
          text: z.string(), encoding: z.enum(['gsm7', 'ucs2']), characters: z.number(), units: z.number(), segments: z.number(),
          perSegment: z.number(), parts: z.array(z.string()), cost: z.string().nullable().describe('segments × pricePerSegment, minor units'),
          missing: z.array(z.string()), optOutText: z.string().nullable(), warnings: z.array(warningSchema),
        }),
      },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const b = request.body;
    let text = b.text;
    let category: Category = b.category ?? 'notification';
    if (b.templateId) {
      const t = await findTemplate(db, tenantId, b.templateId);
      if (!t) throw notFound('template');
      text ??= t.text;
      category = b.category ?? t.category;
    }
    if (text === undefined) throw new DomainError('invalid_request', 'give text or templateId', { field: 'text' });
    const s = await settingsOf(db, tenantId);
    let vars: Record<string, unknown> = {};
    let language = b.language ?? null;
    let country: string | null = null;
    let carrier: string | null = null;
    let e164 = '';
    let zone = b.timezone ? parseTimezone(b.timezone) : null;
    if (b.phone) {
      const p = normalizePhone(b.phone, s.defaultCountry as CountryCode | undefined);
      if (!p.ok) throw new DomainError('invalid_request', `phone: ${p.detail}`, { field: 'phone', reason: p.reason });
      country = p.country;
      e164 = p.e164;
      carrier = attribute(p.e164).carrier;
      const contact = await recipientForPreview(db, tenantId, p.e164);
      vars = { ...contact?.fields, phone: p.e164, ...(contact?.name ? { name: contact.name } : {}) };
      language = contact?.language ?? language;
      zone ??= contact?.timezone ?? null;
    }
    zone ??= s.timezone ?? 'UTC';
    vars = { ...vars, ...b.vars };
    const rendered = compileTemplate(text)(vars, { zone, locale: normalizeLocale(language) });
    const optOutText = category === 'marketing' ? optOutTextFor(language ?? (country ? null : s.languages?.[0] ?? null), country ?? s.defaultCountry ?? null, s.optOutTexts) : null;
    const final = b.compose ? composeText(rendered.text, { category, signature: s.signature, signaturePosition: s.signaturePosition, optOutText: optOutText ?? undefined }) : rendered.text;
    const p = preview(final);
    const warnings = [
      ...lintText(final, { category, signature: s.signature, matcher: await loadSensitiveWordMatcher(db, tenantId), linkAllowList: s.linkAllowList }),
      ...dateFormatWarnings(text),
      ...missingVariableWarnings(rendered.missing),
    ];
    // the price the recipient's route would charge (a route for any number of the tenant's country without one)
    await deps.router.refresh();
    const route = deps.router.route({ tenantId, phone: e164, country: country ?? s.defaultCountry ?? 'CN', carrier, category });
    const price = b.pricePerSegment !== undefined ? BigInt(b.pricePerSegment) : route?.price;
    const cost = price === undefined ? null : (BigInt(p.segments) * price).toString();
    return { text: final, encoding: p.encoding, characters: p.characters, units: p.units, segments: p.segments, perSegment: p.perSegment, parts: p.parts, cost, missing: rendered.missing, optOutText, warnings };
  });

  // ---- platform review ----
  const admin = ['admin'];
  app.get('/api/v1/admin/templates', {
    schema: {
      tags: admin, summary: 'Templates of every tenant in a review state (default: pending, oldest first)',
      querystring: z.object({ status: statusEnum.default('pending') }),
      response: { 200: z.object({ templates: z.array(templateSchema.extend({ tenantSlug: z.string(), warnings: z.array(warningSchema), asSent: z.string().describe('The text as recipients get it: with the tenant\'s signature and, for marketing, its opt-out text') })) }) },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const items = await listTemplatesForReview(db, request.query.status);
    const templates = [];
    for (const t of items) {
      const s = await settingsOf(db, t.tenantId);
      templates.push({ ...show(t), warnings: await lintTemplate(db, t.tenantId, t.text, t.category, s), asSent: asSent(s, t.text, t.category) });
    }
    return { templates };
  });

  for (const action of ['approve', 'reject'] as const) {
    app.post(`/api/v1/admin/templates/:id/${action}`, {
      schema: {
        tags: admin, summary: action === 'approve' ? 'Approve a pending template' : 'Reject a pending template, saying why',
        params: idParams,
        body: action === 'approve' ? z.object({ note: z.string().max(500).optional() }).default({}) : z.object({ note: z.string().trim().min(1).max(500) }),
        response: { 200: templateSchema },
      },
      config: { permission: 'platform' },
    }, async (request) => {
      const before = await findTemplateById(db, request.params.id);
      if (!before) throw notFound('template');
      const note = (request.body as { note?: string } | undefined)?.note ?? null;
      const t = await reviewTemplate(db, before.id, { approve: action === 'approve', note, reviewer: request.auth!.userId ?? request.auth!.keyId }, deps.now());
      const details = { name: t.name, note };
      await audit(db, null, actorOf(request), `template.${action}`, t.id, { ...details, tenantId: t.tenantId });
      await audit(db, t.tenantId, actorOf(request), `template.${action}`, t.id, details);
      return show(t);
    });
  }
}

function normalizeLocale(language: string | null): string {
  if (!language) return 'zh-CN';
  return language.toLowerCase().startsWith('zh') ? 'zh-CN' : language;
}
