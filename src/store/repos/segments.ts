import { sql, type Expression, type ExpressionBuilder, type SqlBool, type RawBuilder } from 'kysely';
import type { Database, Db } from '../database.ts';
import type { DialectName } from '../dialect.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { contactAttributes, parseSegment, type SegmentNode, type SegmentValue, type CompareOp } from '../../domain/segments.ts';
import type { FieldType } from '../../domain/contacts.ts';
import { listFields, type ContactFilter } from './contacts.ts';
import { ownValue } from '../../domain/records.ts';

/** A saved segment. */
export interface Segment { id: string; name: string; filter: string; createdAt: string; updatedAt: string }

/** What compiling needs besides the tree: the dialect, the tenant (for group names), field types and the clock. */
export interface CompileContext { dialect: DialectName; tenantId: string; fieldTypes: Record<string, FieldType>; now: Date }

type EB = ExpressionBuilder<Database, 'contacts'>;
const attributes = new Set<string>(contactAttributes);
const carrierNames: Record<string, string> = {
  中国移动: 'China Mobile', 移动: 'China Mobile', 中国联通: 'China Unicom', 联通: 'China Unicom',
  中国电信: 'China Telecom', 电信: 'China Telecom', 中国广电: 'China Broadnet', 广电: 'China Broadnet',
};
const activityColumn = { created: 'created_at', messaged: 'last_messaged_at', replied: 'last_replied_at' } as const;

function literalFor(field: string, v: SegmentValue): SegmentValue {
  if (typeof v !== 'string') return v;
  if (field === 'carrier') return ownValue(carrierNames, v) ?? v;
  if (field === 'province' || field === 'city') return v.replace(/(省|市)$/, '') || v;
  return v;
}

/** The SQL operand for a field: a contact column, or a custom field read from the JSON column and cast by type. */
function operand(field: string, type: FieldType, ctx: CompileContext): RawBuilder<unknown> {
  if (attributes.has(field)) return sql.ref(`contacts.${field}`);
  if (ctx.dialect === 'postgres') {
    const node = sql`(cast(contacts.fields as jsonb) -> ${field})`;
    if (type === 'number') return sql`(case when jsonb_typeof(${node}) = 'number' then cast(cast(contacts.fields as jsonb) ->> ${field} as double precision) end)`;
    if (type === 'boolean') return sql`(case when jsonb_typeof(${node}) = 'boolean' then cast(contacts.fields as jsonb) ->> ${field} end)`;
    return sql`(cast(contacts.fields as jsonb) ->> ${field})`;
  }
  const path = `$."${field.replace(/["\\]/g, '')}"`;
  if (type === 'number') return sql`(case when json_type(contacts.fields, ${path}) in ('integer', 'real') then json_extract(contacts.fields, ${path}) end)`;
  if (type === 'boolean') return sql`(case json_type(contacts.fields, ${path}) when 'true' then 'true' when 'false' then 'false' end)`;
  return sql`cast(json_extract(contacts.fields, ${path}) as text)`;
}

/** The SQL text of a custom field of contacts (for lookups by a field such as externalId). */
export function customFieldText(dialect: DialectName, field: string): RawBuilder<unknown> {
  return operand(field, 'text', { dialect } as CompileContext);
}

function typeOf(field: string, values: SegmentValue[], ctx: CompileContext): FieldType {
  if (attributes.has(field)) return 'text';
  const defined = ownValue(ctx.fieldTypes, field);
  if (defined) return defined;
  if (values.every((v) => typeof v === 'number')) return 'number';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  return 'text';
}

function param(type: FieldType, v: SegmentValue): SegmentValue {
  if (type === 'boolean') return String(v === true || v === 'true');
  if (type === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new DomainError('invalid_request', `"${String(v)}" is not a number`);
    return n;
  }
  return String(v);
}

function compare(eb: EB, x: RawBuilder<unknown>, op: CompareOp, value: SegmentValue): Expression<SqlBool> {
  const present = eb(x, 'is not', null);
  if (op === '!=') return eb.or([eb(x, 'is', null), eb(x, '<>', value)]);
  return eb.and([present, eb(x, op, value)]);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function compileNode(eb: EB, node: SegmentNode, ctx: CompileContext): Expression<SqlBool> {
  switch (node.kind) {
    case 'and': return eb.and(node.items.map((n) => compileNode(eb, n, ctx)));
    case 'or': return eb.or(node.items.map((n) => compileNode(eb, n, ctx)));
    case 'not': return eb.not(compileNode(eb, node.item, ctx));
    case 'compare': {
      const type = typeOf(node.field, [node.value], ctx);
      if (type === 'boolean' && node.op !== '=' && node.op !== '!=') {
        throw new DomainError('invalid_request', `${node.field} is a yes/no field: use = or !=`);
      }
      return compare(eb, operand(node.field, type, ctx), node.op, param(type, literalFor(node.field, node.value)));
    }
    case 'in': {
      const type = typeOf(node.field, node.values, ctx);
      const x = operand(node.field, type, ctx);
      return eb.and([eb(x, 'is not', null), eb(x, 'in', node.values.map((v) => param(type, literalFor(node.field, v))))]);
    }
    case 'contains': {
      const x = operand(node.field, 'text', ctx);
      const pattern = `%${escapeLike(node.value.toLowerCase())}%`;
      return eb.and([eb(x, 'is not', null), sql<SqlBool>`lower(${x}) like ${pattern} escape '\\'`]);
    }
    case 'tag':
      return eb.exists(eb.selectFrom('contact_tags').select(sql`1`.as('one'))
        .whereRef('contact_tags.contact_id', '=', 'contacts.id').where('contact_tags.tag', '=', node.name));
    case 'group':
      return eb.exists(eb.selectFrom('contact_groups').innerJoin('groups', 'groups.id', 'contact_groups.group_id').select(sql`1`.as('one'))
        .whereRef('contact_groups.contact_id', '=', 'contacts.id').where('groups.tenant_id', '=', ctx.tenantId)
        .where((e) => e.or([e('groups.name', '=', node.name), e('groups.id', '=', node.name)])));
    case 'opted_out':
      return eb('contacts.opted_out_at', 'is not', null);
    case 'within': {
      const column = sql.ref(`contacts.${activityColumn[node.activity]}`);
      const since = new Date(ctx.now.getTime() - node.seconds * 1000).toISOString();
      return eb.and([eb(column, 'is not', null), eb(column, '>=', since)]);
    }
  }
}

/** Compiles a segment tree into a parameterised filter over contacts, never putting a value into the SQL text. */
export function compileSegment(node: SegmentNode, ctx: CompileContext): ContactFilter {
  return (eb) => compileNode(eb, node, ctx);
}

/** Parses and compiles a filter for a tenant, with the tenant's field types. */
export async function segmentFilter(db: Db, dialect: DialectName, tenantId: string, filter: string, now: Date): Promise<ContactFilter> {
  const node = parseSegment(filter);
  const fieldTypes = Object.fromEntries((await listFields(db, tenantId)).map((f) => [f.key, f.type]));
  return compileSegment(node, { dialect, tenantId, fieldTypes, now });
}

function toSegment(r: { id: string; name: string; filter: string; created_at: string; updated_at: string }): Segment {
  return { id: r.id, name: r.name, filter: r.filter, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Saves a segment after checking its filter parses; a name in use is a conflict. */
export async function createSegment(db: Db, tenantId: string, input: { name: string; filter: string }, now: string): Promise<Segment> {
  parseSegment(input.filter);
  const clash = await db.selectFrom('segments').select('id').where('tenant_id', '=', tenantId).where('name', '=', input.name).executeTakeFirst();
  if (clash) throw new DomainError('conflict', `a segment named "${input.name}" already exists`);
  const row = { id: newId(), tenant_id: tenantId, name: input.name, filter: input.filter, created_at: now, updated_at: now };
  await db.insertInto('segments').values(row).execute();
  return toSegment(row);
}

/** A segment of the tenant by id. */
export async function getSegment(db: Db, tenantId: string, id: string): Promise<Segment | undefined> {
  const r = await db.selectFrom('segments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toSegment(r);
}

/** The tenant's segments by name. */
export async function listSegments(db: Db, tenantId: string): Promise<Segment[]> {
  return (await db.selectFrom('segments').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute()).map(toSegment);
}

/** Changes a segment's name or filter (the filter is checked first). */
export async function updateSegment(db: Db, tenantId: string, id: string, patch: { name?: string; filter?: string }, now: string): Promise<Segment | undefined> {
  if (patch.filter !== undefined) parseSegment(patch.filter);
  await db.updateTable('segments').set({ ...patch, updated_at: now }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return getSegment(db, tenantId, id);
}

/** Deletes a segment of the tenant. */
export async function deleteSegment(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('segments').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
