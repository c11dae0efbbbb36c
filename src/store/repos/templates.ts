import type { Db, TemplatesTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { needsApproval, type Category } from '../../domain/templates.ts';

/** Review state of a template. */
export type TemplateStatus = 'draft' | 'pending' | 'approved' | 'rejected';
/** Every review state. */
export const templateStatuses: readonly TemplateStatus[] = ['draft', 'pending', 'approved', 'rejected'];

/** A template as the rest of the code sees it. */
export interface Template {
  id: string; tenantId: string; name: string; category: Category; text: string; status: TemplateStatus;
  reviewNote: string | null; submittedAt: string | null; approvedBy: string | null; approvedAt: string | null;
  createdAt: string; updatedAt: string;
}

function toTemplate(r: TemplatesTable): Template {
  return {
    id: r.id, tenantId: r.tenant_id, name: r.name, category: r.category as Category, text: r.text, status: r.status as TemplateStatus,
    reviewNote: r.review_note, submittedAt: r.submitted_at, approvedBy: r.approved_by, approvedAt: r.approved_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Creates a template in draft. */
export async function createTemplate(db: Db, tenantId: string, input: { name: string; category: Category; text: string }, now = new Date()): Promise<Template> {
  const at = now.toISOString();
  const row: TemplatesTable = {
    id: newId(now.getTime()), tenant_id: tenantId, name: input.name, category: input.category, text: input.text, status: 'draft',
    review_note: null, submitted_at: null, approved_by: null, approved_at: null, created_at: at, updated_at: at,
  };
  await db.insertInto('templates').values(row).execute();
  return toTemplate(row);
}

/** One template of the tenant (undefined for another tenant's id). */
export async function findTemplate(db: Db, tenantId: string, id: string): Promise<Template | undefined> {
  const r = await db.selectFrom('templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toTemplate(r);
}

/** The tenant's templates, by name, optionally of one status or category. */
export async function listTemplates(db: Db, tenantId: string, filter: { status?: TemplateStatus; category?: Category } = {}): Promise<Template[]> {
  let q = db.selectFrom('templates').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.category) q = q.where('category', '=', filter.category);
  return (await q.orderBy('name').orderBy('id').execute()).map(toTemplate);
}

/**
 * Edits a template. Changing the text or the category of a template that is pending, approved or rejected puts
 * it back to draft and clears the review (an approval covers exactly the text that was reviewed); a rename keeps it.
 */
export async function updateTemplate(db: Db, tenantId: string, id: string, patch: { name?: string; category?: Category; text?: string }, now = new Date()): Promise<{ template: Template; reset: boolean } | undefined> {
  const current = await findTemplate(db, tenantId, id);
  if (!current) return undefined;
  const changesContent = (patch.text !== undefined && patch.text !== current.text) || (patch.category !== undefined && patch.category !== current.category);
  const reset = changesContent && current.status !== 'draft';
  await db.updateTable('templates').set({
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.category !== undefined && { category: patch.category }),
    ...(patch.text !== undefined && { text: patch.text }),
    ...(reset && { status: 'draft', review_note: null, submitted_at: null, approved_by: null, approved_at: null }),
    updated_at: now.toISOString(),
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return { template: (await findTemplate(db, tenantId, id))!, reset };
}

/** Deletes a template unless an unfinished campaign uses it (conflict). */
export async function deleteTemplate(db: Db, tenantId: string, id: string): Promise<boolean> {
  const inUse = await db.selectFrom('campaigns').select('id').where('tenant_id', '=', tenantId).where('template_id', '=', id)
    .where('status', 'not in', ['completed', 'cancelled']).executeTakeFirst();
  if (inUse) throw new DomainError('conflict', `template ${id} is used by campaign ${inUse.id}, which has not finished`, { campaignId: inUse.id });
  const r = await db.deleteFrom('templates').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Asks the platform to review a template (draft or rejected → pending). */
export async function submitTemplate(db: Db, tenantId: string, id: string, now = new Date()): Promise<Template> {
  const t = await findTemplate(db, tenantId, id);
  if (!t) throw notFound('template');
  if (t.status === 'pending') throw new DomainError('conflict', `template ${id} is already waiting for review`);
  if (t.status === 'approved') throw new DomainError('conflict', `template ${id} is already approved`);
  await db.updateTable('templates').set({ status: 'pending', review_note: null, submitted_at: now.toISOString(), updated_at: now.toISOString() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', t.status).execute();
  return (await findTemplate(db, tenantId, id))!;
}

/** A template in the platform's review queue, with its tenant's slug. */
export interface ReviewItem extends Template { tenantSlug: string }

/** Templates of every tenant in a status (the review queue: pending, oldest submission first). */
export async function listTemplatesForReview(db: Db, status: TemplateStatus = 'pending', limit = 500): Promise<ReviewItem[]> {
  const rows = await db.selectFrom('templates').innerJoin('tenants', 'tenants.id', 'templates.tenant_id')
    .selectAll('templates').select('tenants.slug as tenant_slug')
    .where('templates.status', '=', status).orderBy('templates.submitted_at').orderBy('templates.id').limit(limit).execute();
  return rows.map((r) => ({ ...toTemplate(r), tenantSlug: r.tenant_slug }));
}

/** Any tenant's template by id (platform review). */
export async function findTemplateById(db: Db, id: string): Promise<Template | undefined> {
  const r = await db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toTemplate(r);
}

/**
 * Approves or rejects a pending template (platform). Only a pending template can be reviewed, and the update is
 * conditional on it still being pending, so an edit that raced the review wins (conflict for the reviewer).
 */
export async function reviewTemplate(db: Db, id: string, decision: { approve: boolean; note?: string | null; reviewer: string | null }, now = new Date()): Promise<Template> {
  const t = await findTemplateById(db, id);
  if (!t) throw notFound('template');
  if (t.status !== 'pending') throw new DomainError('conflict', `template ${id} is ${t.status}, not pending review`);
  const at = now.toISOString();
  const r = await db.updateTable('templates').set(decision.approve
    ? { status: 'approved', review_note: decision.note ?? null, approved_by: decision.reviewer, approved_at: at, updated_at: at }
    : { status: 'rejected', review_note: decision.note ?? null, approved_by: null, approved_at: null, updated_at: at })
    .where('id', '=', id).where('status', '=', 'pending').where('updated_at', '=', t.updatedAt).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new DomainError('conflict', `template ${id} changed while it was being reviewed`);
  return (await findTemplateById(db, id))!;
}

/**
 * The template a send or campaign may use. Marketing templates must be approved; verification and notification
 * templates need no approval, but one a platform admin rejected stays unusable until it is edited.
 */
export async function getTemplateForSending(db: Db, tenantId: string, id: string): Promise<Template> {
  const t = await findTemplate(db, tenantId, id);
  if (!t) throw notFound('template');
  if (needsApproval(t.category) && t.status !== 'approved') {
    throw new DomainError('conflict', `template ${t.name} (${id}) is not approved: marketing templates are sent only after a platform admin approves them (status ${t.status})`, { templateId: id, status: t.status });
  }
  if (t.status === 'rejected') throw new DomainError('conflict', `template ${t.name} (${id}) was rejected by the platform: edit it first`, { templateId: id, status: t.status });
  return t;
}

/** What a preview needs to know about a recipient of the tenant: name, fields, language, time zone (by E.164 phone). */
export async function recipientForPreview(db: Db, tenantId: string, phone: string): Promise<{ name: string | null; fields: Record<string, unknown>; language: string | null; timezone: string | null; country: string | null } | undefined> {
  const r = await db.selectFrom('contacts').select(['name', 'fields', 'language', 'timezone', 'country'])
    .where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
  if (!r) return undefined;
  let fields: Record<string, unknown> = {};
  try { fields = JSON.parse(r.fields) as Record<string, unknown>; } catch { /* keep empty */ }
  return { name: r.name, fields, language: r.language, timezone: r.timezone, country: r.country };
}
