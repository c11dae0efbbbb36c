// A service's life: created as a draft with its keywords held, opened (live, rules frozen: a change makes a new
// version), closed (keywords released, waiting conversations interrupted), deleted.
import type { Deps } from '../deps.ts';
import type { ServicesTable } from '../store/database.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { WordMatcher } from '../domain/keywords.ts';
import { resolveDestination } from '../domain/inbound.ts';
import { getKeywordSettings } from '../store/repos/keywords.ts';
import { loadAttributionTables } from '../store/repos/service-numbers.ts';
import { endConversationsOf, holdKeywords, insertService, releaseKeywords, saveService, serviceRow, toService, type KeywordClaim, type Service } from '../store/repos/services.ts';
import { invalidateServiceCache } from './engine.ts';
import { keywordKey, tenantScope } from './matching.ts';
import { serviceType, serviceTypes } from './registry.ts';
import { serviceSecret } from './secret.ts';
import type { ServiceType } from './service.ts';

/** What a tenant gives to create or change a service. */
export interface ServiceInput { type: string; name: string; keywords?: string[]; number?: string | null; config?: unknown }

function typeOf(name: string): ServiceType {
  const t = serviceType(name);
  if (!t) throw new DomainError('invalid_request', `type must be one of ${[...serviceTypes.keys()].join(', ')}`, { field: 'type' });
  return t;
}

function parseConfig(type: ServiceType, config: unknown): unknown {
  const r = type.schema.safeParse(config ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = ['config', ...issue.path.map(String)].join('.');
  throw new DomainError('invalid_request', `${field}: ${issue.message}`, { field, issues: r.error.issues.map((i) => ({ path: ['config', ...i.path.map(String)].join('.'), message: i.message })) });
}

/** The keywords a service holds (normalised), refused when one is an opt-out, opt-in or help word of the tenant. */
async function keywordClaims(deps: Deps, tenantId: string, type: ServiceType, keywords: string[], number: string | null, config: unknown): Promise<KeywordClaim[]> {
  const scope = number ?? tenantScope(tenantId);
  const words = new WordMatcher((await getKeywordSettings(deps.store.db, tenantId)).words);
  const all = [...keywords, ...(type.configKeywords?.(config) ?? [])];
  const seen = new Set<string>();
  const claims: KeywordClaim[] = [];
  for (const raw of all) {
    const k = keywordKey(raw);
    if (!k) throw new DomainError('invalid_request', `keyword "${raw}" has no letters or digits`, { field: 'keywords', keyword: raw });
    const reserved = words.classify(raw);
    if (reserved) throw new DomainError('invalid_request', `keyword "${raw}" is an ${reserved.kind.replace('_', '-')} word of the tenant; those are always answered first`, { field: 'keywords', keyword: raw, kind: reserved.kind });
    if (seen.has(k)) continue;
    seen.add(k);
    claims.push({ scope, keyword: k });
  }
  if (type.ownsAddress) {
    if (!number) throw new DomainError('invalid_request', `a ${type.type} service needs its own number (a service number or extension of the tenant)`, { field: 'number' });
    claims.push({ scope, keyword: '' });
  } else if (!claims.length) throw new DomainError('invalid_request', 'keywords: give at least one keyword', { field: 'keywords' });
  return claims;
}

/** Checks that an address (service number + extension digits) belongs to the tenant. */
async function checkNumber(deps: Deps, tenantId: string, number: string | null | undefined): Promise<string | null> {
  if (number === null || number === undefined || number === '') return null;
  if (!/^\d{1,21}$/.test(number)) throw new DomainError('invalid_request', 'number must be the digits of a service number and extension', { field: 'number' });
  const tables = await loadAttributionTables(deps.store.db);
  const dest = resolveDestination(number, null, tables.numbers, tables.tenantCodes, () => []);
  if ((dest.kind !== 'dedicated' && dest.kind !== 'extension') || dest.tenantId !== tenantId) {
    throw new DomainError('invalid_request', `number ${number} is not a service number or extension of this tenant`, { field: 'number' });
  }
  return number;
}

/** Creates a draft service; its keywords are held at once (409 naming the holder when taken). */
export async function createService(deps: Deps, tenantId: string, input: ServiceInput): Promise<Service> {
  const type = typeOf(input.type);
  const config = parseConfig(type, input.config);
  const number = await checkNumber(deps, tenantId, input.number);
  const keywords = input.keywords ?? [];
  const claims = await keywordClaims(deps, tenantId, type, keywords, number, config);
  const now = deps.now().toISOString();
  const row: ServicesTable = {
    id: newId(), tenant_id: tenantId, type: type.type, name: input.name, status: 'draft', version: 1, number, keywords: JSON.stringify(keywords),
    config: JSON.stringify(config), opened_at: null, closed_at: null, created_at: now, updated_at: now,
  };
  await deps.store.db.transaction().execute(async (trx) => {
    await insertService(trx, row);
    await holdKeywords(trx, tenantId, row.id, claims, now);
  });
  return toService(row);
}

/** Changes a service: a draft in place; a live or closed one gets a new version (results keep theirs). */
export async function updateService(deps: Deps, tenantId: string, id: string, patch: Partial<Omit<ServiceInput, 'type'>>): Promise<Service> {
  const row = await serviceRow(deps.store.db, tenantId, id);
  if (!row) throw notFound('service');
  const type = typeOf(row.type);
  const config = patch.config !== undefined ? parseConfig(type, patch.config) : JSON.parse(row.config) as unknown;
  const number = patch.number !== undefined ? await checkNumber(deps, tenantId, patch.number) : row.number;
  const keywords = patch.keywords ?? JSON.parse(row.keywords) as string[];
  const rulesChanged = patch.config !== undefined || patch.number !== undefined || patch.keywords !== undefined;
  const claims = rulesChanged && row.status !== 'closed' ? await keywordClaims(deps, tenantId, type, keywords, number, config) : null;
  const now = deps.now().toISOString();
  const newVersion = rulesChanged && row.status !== 'draft';
  if (newVersion && type.frozen) throw new DomainError('conflict', `the rules of a ${type.type} service are frozen since it opened at ${row.opened_at ?? row.updated_at}; create a new one instead`, { field: 'config' });
  const next: ServicesTable = {
    ...row, name: patch.name ?? row.name, number, keywords: JSON.stringify(keywords), config: JSON.stringify(config),
    version: newVersion ? row.version + 1 : row.version, updated_at: now,
  };
  await deps.store.db.transaction().execute(async (trx) => {
    await saveService(trx, next, newVersion);
    if (claims) await holdKeywords(trx, tenantId, id, claims, now);
  });
  invalidateServiceCache(deps, tenantId);
  return toService(next);
}

/** Opens a service (draft or closed → live), holding its keywords again after a close. */
export async function openService(deps: Deps, tenantId: string, id: string): Promise<Service> {
  const row = await serviceRow(deps.store.db, tenantId, id);
  if (!row) throw notFound('service');
  if (row.status === 'live') throw new DomainError('conflict', 'the service is already live');
  const type = typeOf(row.type);
  const config = parseConfig(type, JSON.parse(row.config));
  const claims = await keywordClaims(deps, tenantId, type, JSON.parse(row.keywords) as string[], row.number, config);
  const now = deps.now().toISOString();
  const next: ServicesTable = { ...row, status: 'live', opened_at: now, closed_at: null, updated_at: now };
  await deps.store.db.transaction().execute(async (trx) => {
    await holdKeywords(trx, tenantId, id, claims, now);
    await saveService(trx, next, false);
    await type.opened?.({ db: trx, now: deps.now(), secret: () => serviceSecret(deps.config) }, { id, tenantId, type: row.type, name: row.name, version: row.version, number: row.number, keywords: JSON.parse(row.keywords) as string[], config });
  });
  invalidateServiceCache(deps, tenantId);
  return toService(next);
}

/** Closes a live service: keywords released, waiting conversations interrupted. */
export async function closeService(deps: Deps, tenantId: string, id: string): Promise<Service> {
  const row = await serviceRow(deps.store.db, tenantId, id);
  if (!row) throw notFound('service');
  if (row.status !== 'live') throw new DomainError('conflict', `the service is ${row.status}, not live`);
  const now = deps.now().toISOString();
  const next: ServicesTable = { ...row, status: 'closed', closed_at: now, updated_at: now };
  await deps.store.db.transaction().execute(async (trx) => {
    await saveService(trx, next, false);
    await releaseKeywords(trx, id);
    await endConversationsOf(trx, { serviceId: id }, 'interrupted', 'service_closed', now);
  });
  invalidateServiceCache(deps, tenantId);
  return toService(next);
}
