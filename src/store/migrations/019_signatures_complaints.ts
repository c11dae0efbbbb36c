import type { Kysely } from 'kysely';
import { newId } from '../../domain/ids.ts';

/**
 * Signature review (签名报备): a tenant's signatures with the company and proof a carrier asks for, reviewed by the
 * platform; complaint and opt-out monitoring: the events counted per campaign and channel, the platform's thresholds
 * and keywords (scope '*', or a tenant id for an override), and tenants whose marketing the platform suspended.
 * Signatures that tenants had already set before review existed are kept as approved ones (noted as such), so an
 * upgrade does not stop their sending; the demo tenant's is marked as a demo signature.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('signatures').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('company_name', 'text', (c) => c.notNull())
    .addColumn('licence_number', 'text', (c) => c.notNull())
    .addColumn('proof_name', 'text')
    .addColumn('proof_type', 'text')
    .addColumn('proof_size', 'integer')
    .addColumn('proof', 'bytea')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('demo', 'integer', (c) => c.notNull())
    .addColumn('review_note', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signatures_tenant_text').ifNotExists().unique().on('signatures').columns(['tenant_id', 'text']).execute();
  await db.schema.createIndex('signatures_status').ifNotExists().on('signatures').columns(['status', 'submitted_at']).execute();

  await db.schema.createTable('complaints').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaints_inbound_kind').ifNotExists().unique().on('complaints').columns(['inbound_id', 'kind']).execute();
  // a recipient counts once per campaign and kind, however often it repeats itself
  await db.schema.createIndex('complaints_once').ifNotExists().unique().on('complaints').columns(['tenant_id', 'campaign_id', 'phone', 'kind']).execute();
  await db.schema.createIndex('complaints_tenant_at').ifNotExists().on('complaints').columns(['tenant_id', 'at']).execute();
  await db.schema.createIndex('complaints_campaign').ifNotExists().on('complaints').columns(['campaign_id', 'kind']).execute();
  await db.schema.createIndex('complaints_at').ifNotExists().on('complaints').column('at').execute();

  await db.schema.createTable('complaint_policies').ifNotExists()
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('marketing_suspensions').ifNotExists()
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('suspended_by', 'text')
    .addColumn('suspended_at', 'text', (c) => c.notNull())
    .execute();

  const now = new Date().toISOString();
  for (const t of await db.selectFrom('tenants').select(['id', 'slug', 'settings']).execute() as { id: string; slug: string; settings: string }[]) {
    let signature: unknown;
    try { signature = (JSON.parse(t.settings) as { signature?: unknown }).signature; } catch { continue; }
    if (typeof signature !== 'string' || !signature.trim()) continue;
    const s = signature.trim();
    const text = /^[【[〖［].+[】\]〗］]$/u.test(s) ? s : `【${s}】`;
    const demo = t.slug === 'demo' && text === '【Tidings】';
    await db.insertInto('signatures').values({
      id: newId(), tenant_id: t.id, text, company_name: demo ? 'Tidings (demo)' : '', licence_number: '', proof_name: null, proof_type: null,
      proof_size: null, proof: null, status: 'approved', demo: demo ? 1 : 0, review_note: demo ? '演示签名，仅供试用' : '签名审核上线前已在使用',
      reviewed_by: 'migration', reviewed_at: now, submitted_at: now, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['tenant_id', 'text']).doNothing()).execute();
  }
}
