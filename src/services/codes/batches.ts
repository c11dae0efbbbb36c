// Code batches: generated (codes derived from the node secret, so the printer's file can be exported again and a
// leaked database holds only keyed hashes) or imported; stored page by page as HMAC-SHA256 hashes.
import type { Deps } from '../../deps.ts';
import type { CodeBatchesTable } from '../../store/database.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { codeBatchRow, finishCodeBatch, insertCodeBatch, insertCodeHashes, toCodeBatch, type CodeBatch } from '../../store/repos/codes.ts';
import { serviceSecret } from '../secret.ts';
import { codeHash, codeLength, derivedCode, luhnValid, readCode } from './rules.ts';

/** Largest batch made at once. */
export const maxBatchCodes = 5_000_000;
const page = 1000;
/** Codes stored per transaction while a batch is made (each statement takes 1,024). */
const storePage = 16_384;

/** What a tenant gives to make a batch. */
export interface BatchInput { product: string; name?: string; length: number; expiresAt?: string | null }

function checkInput(input: BatchInput): void {
  if (!Number.isInteger(input.length) || input.length < codeLength.min || input.length > codeLength.max) {
    throw new DomainError('invalid_request', `length must be ${codeLength.min} to ${codeLength.max} digits (check digit included), not ${input.length}`, { field: 'length' });
  }
  if (input.expiresAt && Number.isNaN(Date.parse(input.expiresAt))) throw new DomainError('invalid_request', `expiresAt is not a time: ${input.expiresAt}`, { field: 'expiresAt' });
}

async function newBatch(deps: Deps, tenantId: string, input: BatchInput, source: 'generated' | 'imported', count: number): Promise<string> {
  const id = newId(deps.now().getTime());
  await insertCodeBatch(deps.store.db, {
    id, tenant_id: tenantId, product: input.product, name: input.name || input.product, source, length: input.length, count, skipped: '[]',
    expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null, created_at: deps.now().toISOString(),
  });
  return id;
}

/** Stores a page of hashes in one transaction (the prepared multi-row statements of SQLite need its connection held). */
function storeHashes(deps: Deps, tenantId: string, batchId: string, hashes: string[]): Promise<Set<string>> {
  const { db, dialect, sqlite } = deps.store;
  return db.transaction().execute((trx) => insertCodeHashes({ db: trx, dialect, sqlite }, tenantId, batchId, hashes));
}

/** Generates `count` codes of a product: each derived from the secret, hashed, stored; an index whose code the tenant already holds is skipped and one more is made. */
export async function generateBatch(deps: Deps, tenantId: string, input: BatchInput & { count: number }): Promise<CodeBatch> {
  checkInput(input);
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > maxBatchCodes) throw new DomainError('invalid_request', `count must be 1 to ${maxBatchCodes}, not ${input.count}`, { field: 'count' });
  if (input.length < 12 && input.count > 10 ** (input.length - 2)) throw new DomainError('invalid_request', `${input.count} codes of ${input.length} digits would be guessable; use longer codes`, { field: 'length' });
  const key = serviceSecret(deps.config);
  const id = await newBatch(deps, tenantId, input, 'generated', input.count);
  const skipped: number[] = [];
  let made = 0;
  let next = 0;
  while (made < input.count) {
    const want = Math.min(storePage, input.count - made);
    const indices = Array.from({ length: want }, () => next++);
    const hashes = indices.map((i) => codeHash(key, tenantId, derivedCode(key, id, i, input.length)));
    const fresh = await storeHashes(deps, tenantId, id, hashes);
    hashes.forEach((h, j) => { if (!fresh.has(h)) skipped.push(indices[j]); });
    made += fresh.size;
  }
  await finishCodeBatch(deps.store.db, tenantId, id, made, skipped);
  return toCodeBatch((await codeBatchRow(deps.store.db, tenantId, id))!);
}

/** A rejected line of an import. */
export interface ImportReject { line: number; reason: 'not_digits' | 'length' | 'check_digit' | 'duplicate' }

/** Imports printed codes (digits; each `length` long and, when `checkDigit`, passing Luhn); bad and duplicate lines are reported, the rest stored. */
export async function importBatch(deps: Deps, tenantId: string, input: BatchInput & { codes: string[]; checkDigit: boolean }): Promise<{ batch: CodeBatch; rejects: ImportReject[] }> {
  checkInput(input);
  if (!input.codes.length) throw new DomainError('invalid_request', 'codes: give at least one code', { field: 'codes' });
  const key = serviceSecret(deps.config);
  const rejects: ImportReject[] = [];
  const hashes: Array<{ hash: string; line: number }> = [];
  const seen = new Set<string>();
  input.codes.forEach((raw, i) => {
    const code = readCode(raw);
    const line = i + 1;
    if (!code) rejects.push({ line, reason: 'not_digits' });
    else if (code.length !== input.length) rejects.push({ line, reason: 'length' });
    else if (input.checkDigit && !luhnValid(code)) rejects.push({ line, reason: 'check_digit' });
    else if (seen.has(code)) rejects.push({ line, reason: 'duplicate' });
    else { seen.add(code); hashes.push({ hash: codeHash(key, tenantId, code), line }); }
  });
  if (!hashes.length) throw new DomainError('invalid_request', `no code could be imported (${rejects.length} rejected; first: line ${rejects[0].line} ${rejects[0].reason})`, { field: 'codes', rejects: rejects.slice(0, 100) });
  const id = await newBatch(deps, tenantId, input, 'imported', hashes.length);
  let made = 0;
  for (let i = 0; i < hashes.length; i += storePage) {
    const part = hashes.slice(i, i + storePage);
    const fresh = await storeHashes(deps, tenantId, id, part.map((h) => h.hash));
    for (const h of part) if (!fresh.has(h.hash)) rejects.push({ line: h.line, reason: 'duplicate' });
    made += fresh.size;
  }
  await finishCodeBatch(deps.store.db, tenantId, id, made, []);
  rejects.sort((a, b) => a.line - b.line);
  return { batch: toCodeBatch((await codeBatchRow(deps.store.db, tenantId, id))!), rejects };
}

/** A batch of the tenant that can be exported again (a generated one). */
export async function exportableBatch(deps: Deps, tenantId: string, batchId: string): Promise<CodeBatchesTable> {
  const b = await codeBatchRow(deps.store.db, tenantId, batchId);
  if (!b) throw notFound('code batch');
  if (b.source !== 'generated') throw new DomainError('conflict', 'an imported batch cannot be exported: only its hashes are kept');
  return b;
}

/** The codes of a generated batch again, page by page, for the printer (derived from the secret, never read from the database). */
export async function* batchCodes(deps: Deps, b: CodeBatchesTable): AsyncGenerator<Array<{ serial: number; code: string; product: string; batch: string }>> {
  const key = serviceSecret(deps.config);
  const skipped = new Set(JSON.parse(b.skipped) as number[]);
  let serial = 0;
  let rows: Array<{ serial: number; code: string; product: string; batch: string }> = [];
  for (let i = 0; serial < b.count; i++) {
    if (skipped.has(i)) continue;
    rows.push({ serial: ++serial, code: derivedCode(key, b.id, i, b.length), product: b.product, batch: b.name });
    if (rows.length === page) { yield rows; rows = []; }
  }
  if (rows.length) yield rows;
}
