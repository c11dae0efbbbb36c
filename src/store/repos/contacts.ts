import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { ContactsTable, Database, Db } from '../database.ts';
import type { DialectName } from '../dialect.ts';
import { chunks, insertRows, placeholderList, runStatement, runWrite, statementText, type BulkTarget, type RowValues } from '../bulk.ts';
import { newId } from '../../domain/ids.ts';
import { attribute, attributionKey } from '../../domain/attribution.ts';
import { DomainError } from '../../domain/errors.ts';
import { emptyRecord } from '../../domain/records.ts';
import type { ContactSource, FieldType, FieldValue } from '../../domain/contacts.ts';

/** A contact as the API and the rest of the code see it. */
export interface Contact {
  id: string; phone: string; name: string | null; language: string | null; timezone: string | null;
  fields: Record<string, FieldValue>; tags: string[]; groups: string[];
  country: string | null; numberType: string | null; carrier: string | null; region: string | null;
  province: string | null; city: string | null; optedOutAt: string | null; optedOutChannel: string | null;
  createdAt: string; updatedAt: string; lastMessagedAt: string | null; lastRepliedAt: string | null;
}

/** What a caller gives to create or import a contact; `phone` is already E.164. */
export interface ContactInput {
  phone: string; name?: string | null; language?: string | null; timezone?: string | null;
  fields?: Record<string, FieldValue>;
  /** Where it is created (kept only when the contact is new). */
  source?: ContactSource;
}

/** A custom field definition. */
export interface FieldDefinition { key: string; label: string; type: FieldType }

/** A filter over contacts, compiled from a segment (see repos/segments.ts). */
export type ContactFilter = (eb: ExpressionBuilder<Database, 'contacts'>) => Expression<SqlBool>;

function toContact(r: ContactsTable, tags: string[] = [], groups: string[] = []): Contact {
  return {
    id: r.id, phone: r.phone, name: r.name, language: r.language, timezone: r.timezone,
    fields: JSON.parse(r.fields) as Record<string, FieldValue>, tags, groups,
    country: r.country, numberType: r.number_type, carrier: r.carrier, region: r.region, province: r.province, city: r.city,
    optedOutAt: r.opted_out_at, optedOutChannel: r.opted_out_channel, createdAt: r.created_at, updatedAt: r.updated_at,
    lastMessagedAt: r.last_messaged_at, lastRepliedAt: r.last_replied_at,
  };
}

/** Builds a full contact row with attribution derived from the number; `id` is new. */
export function contactRow(tenantId: string, input: ContactInput, now: string): ContactsTable {
  const a = attribute(input.phone);
  return {
    id: newId(), tenant_id: tenantId, phone: input.phone, name: input.name ?? null, language: input.language ?? null,
    timezone: input.timezone ?? a.timezone, fields: JSON.stringify(input.fields ?? {}), country: a.country,
    number_type: a.numberType, carrier: a.carrier, region: a.region, province: a.province, city: a.city,
    opted_out_at: null, opted_out_channel: null, created_at: now, updated_at: now, last_messaged_at: null, last_replied_at: null,
    source: input.source ?? null, import_id: null,
  };
}

async function hydrate(db: Db, tenantId: string, rows: ContactsTable[]): Promise<Contact[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tags, groups] = await Promise.all([
    db.selectFrom('contact_tags').select(['contact_id', 'tag']).where('tenant_id', '=', tenantId).where('contact_id', 'in', ids)
      .orderBy('tag').execute(),
    db.selectFrom('contact_groups').innerJoin('groups', 'groups.id', 'contact_groups.group_id')
      .select(['contact_groups.contact_id', 'groups.name']).where('contact_groups.tenant_id', '=', tenantId)
      .where('contact_groups.contact_id', 'in', ids).orderBy('groups.name').execute(),
  ]);
  const tagsOf = new Map<string, string[]>();
  for (const t of tags) tagsOf.set(t.contact_id, [...(tagsOf.get(t.contact_id) ?? []), t.tag]);
  const groupsOf = new Map<string, string[]>();
  for (const g of groups) groupsOf.set(g.contact_id, [...(groupsOf.get(g.contact_id) ?? []), g.name]);
  return rows.map((r) => toContact(r, tagsOf.get(r.id), groupsOf.get(r.id)));
}

/** Creates a contact; a number the tenant already has is a conflict naming it. */
export async function createContact(db: Db, tenantId: string, input: ContactInput & { tags?: string[] }, now: string): Promise<Contact> {
  const existing = await db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('phone', '=', input.phone).executeTakeFirst();
  if (existing) throw new DomainError('conflict', `a contact with phone ${input.phone} already exists`, { id: existing.id });
  const row = contactRow(tenantId, input, now);
  await db.insertInto('contacts').values(row).execute();
  if (input.tags?.length) await addTags(db, tenantId, [row.id], input.tags);
  return toContact(row, [...new Set(input.tags ?? [])].sort(), []);
}

/** A contact of the tenant by id. */
export async function getContact(db: Db, tenantId: string, id: string): Promise<Contact | undefined> {
  const r = await db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r ? (await hydrate(db, tenantId, [r]))[0] : undefined;
}

/** A contact of the tenant by E.164 number. */
export async function findContactByPhone(db: Db, tenantId: string, phone: string): Promise<Contact | undefined> {
  const r = await db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
  return r ? (await hydrate(db, tenantId, [r]))[0] : undefined;
}

/** A page of the tenant's contacts in creation order, optionally filtered; `next` is the cursor for the following page. */
export async function listContacts(db: Db, tenantId: string, opts: { limit: number; after?: string; filter?: ContactFilter }): Promise<{ contacts: Contact[]; next: string | null }> {
  let q = db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId);
  if (opts.after) q = q.where('id', '>', opts.after);
  if (opts.filter) q = q.where(opts.filter);
  const rows = await q.orderBy('id').limit(opts.limit + 1).execute();
  const page = rows.slice(0, opts.limit);
  return { contacts: await hydrate(db, tenantId, page), next: rows.length > opts.limit ? page[page.length - 1].id : null };
}

/** Streams the tenant's contacts matching a filter in pages, for exports and audiences. */
export async function* eachContact(db: Db, tenantId: string, filter?: ContactFilter, pageSize = 2000): AsyncGenerator<Contact[]> {
  let after: string | undefined;
  while (true) {
    const { contacts, next } = await listContacts(db, tenantId, { limit: pageSize, after, filter });
    if (contacts.length) yield contacts;
    if (!next) return;
    after = next;
  }
}

/** Counts the tenant's contacts matching a filter. */
export async function countContacts(db: Db, tenantId: string, filter?: ContactFilter): Promise<number> {
  let q = db.selectFrom('contacts').select((eb) => eb.fn.countAll<number | string>().as('n')).where('tenant_id', '=', tenantId);
  if (filter) q = q.where(filter);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Changes a contact's own attributes; `fields` replaces the custom fields given and keeps the others. */
export async function updateContact(db: Db, tenantId: string, id: string,
  patch: Partial<Omit<ContactInput, 'phone'>>, now: string): Promise<Contact | undefined> {
  const current = await db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!current) return undefined;
  let fields = current.fields;
  if (patch.fields) {
    // given fields replace, a null removes one, others stay
    const merged = Object.assign(emptyRecord<FieldValue>(), JSON.parse(current.fields) as Record<string, FieldValue>);
    for (const [k, v] of Object.entries(patch.fields)) if (v === null) delete merged[k]; else merged[k] = v;
    fields = JSON.stringify(merged);
  }
  await db.updateTable('contacts').set({
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.language !== undefined ? { language: patch.language } : {}),
    ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
    fields, updated_at: now,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return getContact(db, tenantId, id);
}

/** Deletes a contact with its tags, memberships and consent records; false if the tenant has no such contact. */
export async function deleteContact(db: Db, tenantId: string, id: string): Promise<boolean> {
  await db.deleteFrom('contact_tags').where('tenant_id', '=', tenantId).where('contact_id', '=', id).execute();
  await db.deleteFrom('contact_groups').where('tenant_id', '=', tenantId).where('contact_id', '=', id).execute();
  await db.deleteFrom('consents').where('tenant_id', '=', tenantId).where('contact_id', '=', id).execute();
  const r = await db.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** What routing an MO reads of its sender's contact. */
export interface SenderContact { id: string; phone: string; name: string | null; opted_out_at: string | null; fields: string; language: string | null }

/** The tenant's contacts among these numbers (MO senders), by number. */
export async function senderContacts(db: Db, tenantId: string, phones: string[]): Promise<Map<string, SenderContact>> {
  const out = new Map<string, SenderContact>();
  for (let at = 0; at < phones.length; at += 500) {
    const rows = await db.selectFrom('contacts').select(['id', 'phone', 'name', 'opted_out_at', 'fields', 'language']).where('tenant_id', '=', tenantId)
      .where('phone', 'in', phones.slice(at, at + 500)).execute();
    for (const r of rows) out.set(r.phone, r);
  }
  return out;
}

/** Marks a number opted out (time and channel, e.g. 'sms:退订' or 'api'), or clears it with `null`; returns whether a contact matched. */
export async function setOptOut(db: Db, tenantId: string, phone: string, optOut: { at: string; channel: string } | null): Promise<boolean> {
  const r = await db.updateTable('contacts')
    .set({ opted_out_at: optOut?.at ?? null, opted_out_channel: optOut?.channel ?? null, updated_at: optOut?.at ?? new Date().toISOString() })
    .where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** When a number last replied, for many numbers in one update from a list of values per chunk (the last time given for a number wins). */
export async function markReplied(t: BulkTarget, replies: { tenantId: string; phone: string; at: string }[]): Promise<void> {
  const last = new Map(replies.map((r) => [`${r.tenantId}\u0000${r.phone}`, r]));
  const rows = [...last.values()];
  for (const [at, size] of chunks(rows.length, 256)) {
    // a VALUES list names its columns column1, column2, … on SQLite and PostgreSQL alike
    const text = statementText(`mark-replied|${size}`, () => `update contacts set last_replied_at = v.column3
      from (values ${new Array(size).fill('(?, ?, ?)').join(', ')}) as v where contacts.tenant_id = v.column1 and contacts.phone = v.column2`);
    await runWrite(t, text, rows.slice(at, at + size).flatMap((r) => [r.tenantId, r.phone, r.at]));
  }
}

/**
 * A FROM item giving the strings of a JSON array, passed as one parameter, as rows of a column `value`: the import
 * hot path writes thousands of ids with one parameter instead of a row of parameters each.
 */
export function jsonTextRows(dialect: DialectName): string {
  return dialect === 'postgres' ? 'json_array_elements_text(cast(? as json)) as ids(value)' : 'json_each(?)';
}

/** Tags contacts known to belong to the tenant, one statement per tag (the import hot path). */
export async function addTagsBulk(t: BulkTarget, tenantId: string, contactIds: string[], tags: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  const ids = JSON.stringify(contactIds);
  const text = `insert into contact_tags (contact_id, tenant_id, tag) select value, ?, ? from ${jsonTextRows(t.dialect)} where true`
    + ' on conflict (contact_id, tag) do nothing';
  for (const tag of tags) await runWrite(t, text, [tenantId, tag, ids]);
}

/** Tags contacts of the tenant (ids of other tenants are ignored); existing tags stay. */
export async function addTags(db: Db, tenantId: string, contactIds: string[], tags: string[]): Promise<void> {
  if (contactIds.length === 0 || tags.length === 0) return;
  const owned = await db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('id', 'in', contactIds).execute();
  const rows = owned.flatMap(({ id }) => [...new Set(tags)].map((tag) => ({ contact_id: id, tenant_id: tenantId, tag })));
  if (rows.length) await db.insertInto('contact_tags').values(rows).onConflict((oc) => oc.columns(['contact_id', 'tag']).doNothing()).execute();
}

/** Removes tags from contacts of the tenant. */
export async function removeTags(db: Db, tenantId: string, contactIds: string[], tags: string[]): Promise<void> {
  if (contactIds.length === 0 || tags.length === 0) return;
  await db.deleteFrom('contact_tags').where('tenant_id', '=', tenantId).where('contact_id', 'in', contactIds).where('tag', 'in', tags).execute();
}

/** The tenant's custom field definitions. */
export async function listFields(db: Db, tenantId: string): Promise<FieldDefinition[]> {
  const rows = await db.selectFrom('contact_fields').select(['key', 'label', 'type']).where('tenant_id', '=', tenantId).orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, label: r.label, type: r.type as FieldType }));
}

/** Changes the label of a custom field (its key, which templates and filters use, stays); false when there is no such field. */
export async function relabelField(db: Db, tenantId: string, key: string, label: string): Promise<boolean> {
  const r = await db.updateTable('contact_fields').set({ label }).where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Deletes a custom field's definition and its values from every contact of the tenant, in one transaction; false when
 * there is no such field. Keys hold only letters, digits and _ (fieldKey), so the JSON path needs no escaping.
 */
export async function deleteField(db: Db, dialect: DialectName, tenantId: string, key: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('contact_fields').where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    const without = dialect === 'sqlite' ? sql<string>`json_remove(fields, ${`$."${key}"`})` : sql<string>`cast(cast(fields as jsonb) - ${key} as text)`;
    await trx.updateTable('contacts').set({ fields: without }).where('tenant_id', '=', tenantId).where('fields', 'like', `%"${key}"%`).execute();
    return true;
  });
}

/** Defines custom fields that do not exist yet (existing definitions are kept as they are). */
export async function defineFields(db: Db, tenantId: string, defs: FieldDefinition[], now: string): Promise<void> {
  // In statements of 100 rows: the number of SQL variables never grows with the file.
  for (let at = 0; at < defs.length; at += 100) {
    await db.insertInto('contact_fields')
      .values(defs.slice(at, at + 100).map((d) => ({ id: newId(), tenant_id: tenantId, key: d.key, label: d.label, type: d.type, created_at: now })))
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing()).execute();
  }
}

/** How an import treats numbers the tenant already has. */
export type ExistingMode = 'update' | 'skip';

/** The outcome of writing one batch of imported contacts. */
export interface ContactBatchResult { inserted: number; updated: number; skipped: number; ids: string[] }

/** A contact arriving through an import: E.164 number, name, and its custom fields already as JSON text. */
export interface ImportedContact { phone: string; name: string | null; fields: string }

/**
 * A batch of imported contacts ready to write (see prepareContactBatch), as parallel arrays so it crosses to another
 * thread as a few arrays of strings: distinct numbers sorted, an attribution key each, and the attributions (key,
 * country, number type, carrier, region, province, city, time zone) not stored before.
 */
export interface ContactBatch {
  phones: string[]; names: (string | null)[]; fields: string[]; keys: string[]; attributions: RowValues[];
}

/**
 * The insert of `n` imported contacts: per row id, number, name, fields and attribution key (values columns 1–5);
 * tenant, times and the import once per statement, the attribution columns from the attributions table. Numbers the tenant
 * already has are skipped. Text built once per dialect and size.
 */
function importStatement(dialect: DialectName, n: number): string {
  return statementText(`contacts-import|${dialect}|${n}`, () => 'insert into contacts (id, tenant_id, phone, name, fields, country, number_type, carrier, region, province, city, timezone, created_at, updated_at, source, import_id)'
    + ' select v.column1, ?, v.column2, v.column3, v.column4, a.country, a.number_type, a.carrier, a.region, a.province, a.city, a.timezone, ?, ?, \'import\', ?'
    + ` from (values ${new Array(n).fill('(?, ?, ?, ?, ?)').join(', ')}) as v join attributions a on a.key = v.column5`
    + ' where true on conflict (tenant_id, phone) do nothing');
}

/**
 * Prepares contacts with distinct numbers for writeContactBatch, without touching the database (an import does this
 * on its reading thread): sorts them by number (so the unique (tenant_id, phone) index is visited in order) and
 * derives each number's attribution. `stored` lists the attribution keys already handed to the writer (and is added
 * to), so each distinct answer is stored once.
 */
export function prepareContactBatch(rows: ImportedContact[], stored: Set<string>): ContactBatch {
  const n = rows.length;
  // Sorted through numbers: the digits right-padded with zeros to 15 (exact below 2^53) order as the text does (but
  // for ties such as 12 and 120, which may come either way: the order only serves the index), and comparing numbers
  // in a typed array is about twice as fast as comparing the strings.
  const sortKeys = new Float64Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = rows[i].phone;
    sortKeys[i] = Number(p.slice(1)) * 10 ** (16 - p.length);
    order[i] = i;
  }
  order.sort((a, b) => sortKeys[a] - sortKeys[b]);
  const batch: ContactBatch = { phones: new Array<string>(n), names: new Array<string | null>(n),
    fields: new Array<string>(n), keys: new Array<string>(n), attributions: [] };
  for (let i = 0; i < n; i++) {
    const r = rows[order[i]];
    const a = attribute(r.phone);
    const key = attributionKey(a);
    batch.phones[i] = r.phone;
    batch.names[i] = r.name;
    batch.fields[i] = r.fields;
    batch.keys[i] = key;
    if (stored.has(key)) continue;
    stored.add(key);
    batch.attributions.push([key, a.country, a.numberType, a.carrier, a.region, a.province, a.city, a.timezone]);
  }
  return batch;
}

/** Rows per insert statement of an import: 5 parameters each, well under every limit. */
const IMPORT_CHUNK = 1024;

/**
 * Writes a prepared batch of contacts (the hot path of imports): stores its new attributions, then multi-row inserts
 * with ids drawn in the batch's order skip numbers the tenant already has, and only when some were skipped are their
 * ids looked up, to update them (name and given fields merged) or count them as skipped. Answers the contacts' ids
 * (the stored id for known numbers). Call inside a transaction.
 */
export async function writeContactBatch(t: BulkTarget, tenantId: string, batch: ContactBatch, mode: ExistingMode, now: string, importId: string | null = null): Promise<ContactBatchResult> {
  const { phones, names, fields, keys } = batch;
  const ids = phones.map(() => newId());
  await insertRows(t, 'attributions', ['key', 'country', 'number_type', 'carrier', 'region', 'province', 'city', 'timezone'], batch.attributions, ['key']);
  let inserted = 0;
  for (let at = 0; at < ids.length;) {
    // Chunks of IMPORT_CHUNK rows, then powers of two: a handful of statement shapes, each prepared once.
    let size = IMPORT_CHUNK;
    while (size > ids.length - at) size >>= 1;
    const params: (string | null)[] = [tenantId, now, now, importId];
    for (let i = at; i < at + size; i++) params.push(ids[i], phones[i], names[i], fields[i], keys[i]);
    inserted += await runWrite(t, importStatement(t.dialect, size), params);
    at += size;
  }
  let updated = 0;
  let known = 0;
  if (inserted < ids.length) {
    // Some numbers were there already: their stored ids differ from the ones just drawn.
    const existing = new Map<string, string>();
    for (let at = 0; at < phones.length; at += 500) {
      const chunk = phones.slice(at, at + 500);
      // Always 500 numbers (the last chunk repeats one), so the statement is prepared once.
      while (chunk.length < 500) chunk.push(chunk[0]);
      const found = await runStatement<{ id: string; phone: string }>(t,
        `select id, phone from contacts where tenant_id = ? and phone in (${placeholderList(chunk.length)})`, [tenantId, ...chunk]);
      for (const f of found) existing.set(f.phone, f.id);
    }
    const merged = t.dialect === 'postgres' ? '(cast(fields as jsonb) || cast(? as jsonb))::text' : 'json_patch(fields, ?)';
    const text = `update contacts set name = coalesce(?, name), fields = ${merged}, updated_at = ? where tenant_id = ? and id = ?`;
    for (let i = 0; i < phones.length; i++) {
      const id = existing.get(phones[i]);
      if (id === undefined || id === ids[i]) continue;
      ids[i] = id;
      known++;
      if (mode !== 'update') continue;
      await runWrite(t, text, [names[i], fields[i], now, tenantId, id]);
      updated++;
    }
  }
  return { inserted, updated, skipped: known - updated, ids };
}

/**
 * The contact id of a number of the tenant, creating a bare contact when the number is unknown (a winner, a code
 * checker). Its callers ask for numbers that had no contact when their MO came: the insert goes first (one statement
 * for a new number), and the contact is read only when the number has one by now.
 */
export async function ensureContactId(db: Db, tenantId: string, phone: string, now: string): Promise<string> {
  const made = await db.insertInto('contacts').values(contactRow(tenantId, { phone }, now)).onConflict((oc) => oc.columns(['tenant_id', 'phone']).doNothing())
    .returning('id').executeTakeFirst();
  return made?.id ?? (await db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
}
