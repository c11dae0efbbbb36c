import type { Db, SignaturesTable } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertApproved, signaturesUsed, type SignatureStatus } from '../../domain/signatures.ts';

/** A signature as the rest of the code sees it (the proof file itself is read only by signatureProof). */
export interface Signature {
  id: string; tenantId: string; text: string; companyName: string; licenceNumber: string;
  proof: { name: string; type: string; size: number } | null; status: SignatureStatus; demo: boolean;
  reviewNote: string | null; reviewedBy: string | null; reviewedAt: string | null; submittedAt: string; createdAt: string; updatedAt: string;
}

/** What a tenant applies with. */
export interface SignatureApplication { text: string; companyName: string; licenceNumber: string; proof: { name: string; type: string; data: Buffer } }

const columns = ['id', 'tenant_id', 'text', 'company_name', 'licence_number', 'proof_name', 'proof_type', 'proof_size', 'status', 'demo',
  'review_note', 'reviewed_by', 'reviewed_at', 'submitted_at', 'created_at', 'updated_at'] as const;
type Row = Pick<SignaturesTable, (typeof columns)[number]>;

function toSignature(r: Row): Signature {
  return {
    id: r.id, tenantId: r.tenant_id, text: r.text, companyName: r.company_name, licenceNumber: r.licence_number,
    proof: r.proof_name && r.proof_type ? { name: r.proof_name, type: r.proof_type, size: Number(r.proof_size ?? 0) } : null,
    status: r.status as SignatureStatus, demo: Number(r.demo) === 1, reviewNote: r.review_note, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at,
    submittedAt: r.submitted_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(err.message ?? '');
}

/**
 * Applies for a signature (pending). A rejected application of the same text is replaced by the new one; a pending or
 * approved one is a conflict — also when two applications of one text arrive at the same moment.
 */
export async function applySignature(db: Db, tenantId: string, input: SignatureApplication, now = new Date()): Promise<Signature> {
  const at = now.toISOString();
  const fields = {
    company_name: input.companyName, licence_number: input.licenceNumber, proof_name: input.proof.name, proof_type: input.proof.type,
    proof_size: input.proof.data.length, proof: input.proof.data, status: 'pending', review_note: null, reviewed_by: null, reviewed_at: null,
    submitted_at: at, updated_at: at,
  };
  const again = await db.updateTable('signatures').set(fields).where('tenant_id', '=', tenantId).where('text', '=', input.text).where('status', '=', 'rejected')
    .returning(columns).executeTakeFirst();
  if (again) return toSignature(again);
  try {
    const row = await db.insertInto('signatures').values({ id: newId(now.getTime()), tenant_id: tenantId, text: input.text, demo: 0, created_at: at, ...fields })
      .returning(columns).executeTakeFirstOrThrow();
    return toSignature(row);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const existing = await db.selectFrom('signatures').select(['id', 'status']).where('tenant_id', '=', tenantId).where('text', '=', input.text).executeTakeFirst();
    throw new DomainError('conflict', `the signature ${input.text} was already applied for (${existing?.status ?? 'pending'})`, { signatureId: existing?.id, status: existing?.status });
  }
}

/** The tenant's signatures, by text. */
export async function listSignatures(db: Db, tenantId: string): Promise<Signature[]> {
  return (await db.selectFrom('signatures').select(columns).where('tenant_id', '=', tenantId).orderBy('text').execute()).map(toSignature);
}

/** One signature of the tenant (undefined for another tenant's id). */
export async function findSignature(db: Db, tenantId: string, id: string): Promise<Signature | undefined> {
  const r = await db.selectFrom('signatures').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toSignature(r);
}

/** One signature of any tenant (platform review). */
export async function findSignatureById(db: Db, id: string): Promise<Signature | undefined> {
  const r = await db.selectFrom('signatures').select(columns).where('id', '=', id).executeTakeFirst();
  return r && toSignature(r);
}

/** The proof file of a signature: of the tenant's own when tenantId is given, of any tenant's when null (platform review). */
export async function signatureProof(db: Db, tenantId: string | null, id: string): Promise<{ name: string; type: string; data: Buffer } | undefined> {
  let q = db.selectFrom('signatures').select(['proof_name', 'proof_type', 'proof']).where('id', '=', id);
  if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  if (!r?.proof || !r.proof_name || !r.proof_type) return undefined;
  return { name: r.proof_name, type: r.proof_type, data: Buffer.from(r.proof) };
}

/** Signatures of every tenant in a review state, oldest application first, with the tenant's slug. */
export async function listSignaturesForReview(db: Db, status: SignatureStatus): Promise<(Signature & { tenantSlug: string })[]> {
  const rows = await db.selectFrom('signatures').innerJoin('tenants', 'tenants.id', 'signatures.tenant_id')
    .select([...columns.map((c) => `signatures.${c}` as const), 'tenants.slug as tenant_slug']).where('signatures.status', '=', status)
    .orderBy('signatures.submitted_at').orderBy('signatures.id').limit(500).execute();
  return rows.map((r) => ({ ...toSignature(r), tenantSlug: r.tenant_slug }));
}

/** Approves or rejects a pending signature; a signature that is not pending (any more) is a conflict. */
export async function reviewSignature(db: Db, id: string, verdict: { approve: boolean; note: string | null; reviewer: string | null }, now = new Date()): Promise<Signature> {
  const at = now.toISOString();
  const r = await db.updateTable('signatures')
    .set({ status: verdict.approve ? 'approved' : 'rejected', review_note: verdict.note, reviewed_by: verdict.reviewer, reviewed_at: at, updated_at: at })
    .where('id', '=', id).where('status', '=', 'pending').returning(columns).executeTakeFirst();
  if (r) return toSignature(r);
  const current = await findSignatureById(db, id);
  throw new DomainError('conflict', `the signature ${current?.text ?? id} is ${current?.status ?? 'gone'}: only a pending one can be reviewed`, { status: current?.status });
}

/** Deletes a signature of the tenant; false when there is none. */
export async function deleteSignature(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('signatures').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The texts of the tenant's approved signatures. */
export async function approvedSignatures(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('signatures').select('text').where('tenant_id', '=', tenantId).where('status', '=', 'approved').execute();
  return new Set(rows.map((r) => r.text));
}

/**
 * Throws signature_not_approved unless every signature a send would carry — the configured one, and a 【…】 the
 * texts start or end with — is approved for the tenant. Reads nothing when no signature is involved.
 */
export async function checkSignatures(db: Db, tenantId: string, configured: unknown, texts: readonly (string | null | undefined)[] = []): Promise<void> {
  const used = signaturesUsed(configured, texts);
  if (used.length) assertApproved(used, await approvedSignatures(db, tenantId));
}

/** Records the demo tenant's signature as an approved demo one (first start); does nothing when it is there. */
export async function ensureDemoSignature(db: Db, tenantId: string, text: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.insertInto('signatures').values({
    id: newId(now.getTime()), tenant_id: tenantId, text, company_name: 'Tidings (demo)', licence_number: '', proof_name: null, proof_type: null,
    proof_size: null, proof: null, status: 'approved', demo: 1, review_note: '演示签名，仅供试用', reviewed_by: 'system', reviewed_at: at,
    submitted_at: at, created_at: at, updated_at: at,
  }).onConflict((oc) => oc.columns(['tenant_id', 'text']).doNothing()).execute();
}
