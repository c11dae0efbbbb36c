import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable, type ExportColumn } from '../plugins/table-export.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { normalizePhone, type CountryCode } from '../../domain/phone.ts';
import { fieldTypes } from '../../domain/contacts.ts';
import {
  addTags, createContact, defineFields, deleteContact, deleteField, relabelField, eachContact, findContactByPhone, getContact, listContacts, listFields,
  removeTags, setOptOut, updateContact, type Contact, type ContactFilter,
} from '../../store/repos/contacts.ts';
import { addMembers, findGroupByName, ensureGroup } from '../../store/repos/groups.ts';
import { segmentFilter } from '../../store/repos/segments.ts';
import { exportSubject, eraseSubject, isSuppressed } from '../../store/repos/subjects.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';
import { ownValue } from '../../domain/records.ts';
import { exportLabels, exportLanguageQuery } from '../export-labels.ts';

const fieldValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
/** The contact as the API shows it (DESIGN §5), with the derived attributes. */
export const contactSchema = z.object({
  id: z.string(), phone: z.string(), name: z.string().nullable(), language: z.string().nullable(), timezone: z.string().nullable(),
  fields: z.record(z.string(), fieldValue), tags: z.array(z.string()), groups: z.array(z.string()),
  country: z.string().nullable(), numberType: z.string().nullable(), carrier: z.string().nullable(), region: z.string().nullable(),
  province: z.string().nullable(), city: z.string().nullable(), optedOutAt: z.string().nullable(), optedOutChannel: z.string().nullable(),
  createdAt: z.string(), updatedAt: z.string(), lastMessagedAt: z.string().nullable(), lastRepliedAt: z.string().nullable(),
});
const idParams = z.object({ id: z.string().min(1) });
const tagName = z.string().trim().min(1).max(64);
const contactBody = z.object({
  name: z.string().max(200).nullable().optional(), language: z.string().max(16).nullable().optional(),
  timezone: z.string().max(64).nullable().optional(), fields: z.record(z.string().min(1).max(64), fieldValue).optional(),
});
/** Query of exports: a group (name or id), a saved segment id, or an ad-hoc filter; all contacts when none. */
export const exportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: exportLanguageQuery });

/** The tenant's default country for national numbers (tenant setting, else CN). */
export async function defaultCountryOf(deps: Deps, tenantId: string): Promise<CountryCode> {
  const t = await findTenant(deps.store.db, tenantId);
  const c = t?.settings.defaultCountry;
  return (typeof c === 'string' && /^[A-Z]{2}$/.test(c) ? c : 'CN') as CountryCode;
}

/** Normalises a number from a request, or a 400 naming the field and the reason. */
export async function phoneFrom(deps: Deps, tenantId: string, raw: string, field = 'phone', country?: string): Promise<string> {
  const r = normalizePhone(raw, (country as CountryCode | undefined) ?? await defaultCountryOf(deps, tenantId));
  if (!r.ok) throw new DomainError('invalid_request', `${field}: ${r.detail}`, { field, reason: r.reason });
  return r.e164;
}

/** Streams contacts matching a filter as CSV or XLSX: phone, name, tags, groups, attribution, then every custom field (headers in `lang`). */
export async function sendContacts(deps: Deps, reply: Parameters<typeof sendTable>[0], tenantId: string, query: z.output<typeof exportQuery>,
  filename: string, filter?: ContactFilter) {
  const [fields, l] = await Promise.all([listFields(deps.store.db, tenantId), exportLabels(deps.store.db, tenantId, query.lang)]);
  const columns: ExportColumn<Contact>[] = [
    { header: l.header('contacts.phone'), value: (c) => c.phone }, { header: l.header('contacts.name'), value: (c) => c.name },
    { header: l.header('contacts.tags'), value: (c) => c.tags.join(';') }, { header: l.header('contacts.groups'), value: (c) => c.groups.join(';') },
    { header: l.header('export.carrier'), value: (c) => c.carrier }, { header: l.header('export.province'), value: (c) => c.province },
    { header: l.header('export.city'), value: (c) => c.city }, { header: l.header('export.timezone'), value: (c) => c.timezone },
    { header: l.header('export.optedOutAt'), value: (c) => c.optedOutAt, kind: 'time' },
    ...fields.map((f) => ({ header: f.label, value: (c: Contact) => { const v = ownValue(c.fields, f.key); return v === undefined || v === null ? null : typeof v === 'boolean' ? String(v) : v; } })),
  ];
  return sendTable(reply, query.format, filename, columns, eachContact(deps.store.db, tenantId, filter), l.options);
}

/** Contacts (`/api/v1/contacts`): find by number in any format, list and filter, create, change, tag, opt out, export, field definitions, data-subject export and erase. */
export function contactRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['contacts'];
  const now = () => deps.now().toISOString();
  const owned = async (request: FastifyRequest, id: string) => {
    const c = await getContact(db, tenantOf(request), id);
    if (!c) throw notFound('contact');
    return c;
  };

  app.get('/api/v1/contacts', {
    schema: {
      tags, summary: 'Find a contact by number (any format), or list contacts, optionally filtered by the segment language',
      querystring: z.object({
        phone: z.string().optional(), filter: z.string().max(4000).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100), after: z.string().optional(),
      }),
      response: { 200: z.object({ contacts: z.array(contactSchema), next: z.string().nullable() }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const q = request.query;
    if (q.phone !== undefined) {
      const c = await findContactByPhone(db, tenantId, await phoneFrom(deps, tenantId, q.phone));
      return { contacts: c ? [c] : [], next: null };
    }
    const filter = q.filter ? await segmentFilter(db, deps.store.dialect, tenantId, q.filter, deps.now()) : undefined;
    return listContacts(db, tenantId, { limit: q.limit, after: q.after, filter });
  });

  app.post('/api/v1/contacts', {
    schema: {
      tags, summary: 'Create a contact; the number is normalised to E.164 and attributed (carrier, region, time zone)',
      body: contactBody.extend({ phone: z.string().min(1).max(64), tags: z.array(tagName).max(100).optional(), groups: z.array(z.string().min(1).max(100)).max(100).optional().describe('Group names; missing groups are created') }),
      response: { 201: contactSchema },
    },
    config: { permission: 'import' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const { phone, tags: tagList, groups, ...rest } = request.body;
    const e164 = await phoneFrom(deps, tenantId, phone);
    if (await isSuppressed(db, tenantId, e164)) throw new DomainError('conflict', `${e164} was erased at the subject's request and may not be added again`);
    const created = await createContact(db, tenantId, { phone: e164, ...rest, tags: tagList, source: request.auth?.via === 'session' ? 'console' : 'api' }, now());
    for (const g of groups ?? []) await addMembers(db, tenantId, (await ensureGroup(db, tenantId, g, now())).id, [created.id], now());
    await audit(db, tenantId, actorOf(request), 'contact.create', created.id, {});
    return reply.status(201).send((await getContact(db, tenantId, created.id))!);
  });

  app.get('/api/v1/contacts/export', {
    schema: {
      tags, summary: 'Export contacts (all, a group, or a filter) as CSV or XLSX; cells starting with = + - @ are escaped',
      querystring: exportQuery.extend({ group: z.string().optional(), filter: z.string().max(4000).optional() }),
    },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const { group, filter } = request.query;
    let f: ContactFilter | undefined;
    if (group) {
      const g = await findGroupByName(db, tenantId, group);
      if (!g) throw notFound(`group "${group}"`);
      f = await segmentFilter(db, deps.store.dialect, tenantId, `group:${JSON.stringify(g.id)}`, deps.now());
    } else if (filter) f = await segmentFilter(db, deps.store.dialect, tenantId, filter, deps.now());
    return sendContacts(deps, reply, tenantId, request.query, group ? `contacts-${group}` : 'contacts', f);
  });

  app.get('/api/v1/contacts/subject', {
    schema: { tags, summary: 'Data-subject access: everything stored about one number', querystring: z.object({ phone: z.string().min(1) }) },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const data = await exportSubject(db, tenantId, await phoneFrom(deps, tenantId, request.query.phone));
    await audit(db, tenantId, actorOf(request), 'contact.subject_export', data.contact?.id ?? null, {});
    return data;
  });

  app.delete('/api/v1/contacts/subject', {
    schema: {
      tags, summary: 'Erase a number: the contact and its records go; a salted hash stays so it is never messaged again',
      querystring: z.object({ phone: z.string().min(1) }), response: { 200: z.object({ erased: z.boolean(), suppressed: z.literal(true) }) },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const erased = await eraseSubject(db, tenantId, await phoneFrom(deps, tenantId, request.query.phone), now());
    await audit(db, tenantId, actorOf(request), 'contact.erase', null, {});
    return { erased, suppressed: true as const };
  });

  app.get('/api/v1/contact-fields', {
    schema: { tags, summary: 'Custom field definitions', response: { 200: z.object({ fields: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(fieldTypes) })) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ fields: await listFields(db, tenantOf(request)) }));

  app.post('/api/v1/contact-fields', {
    schema: {
      tags, summary: 'Define a typed custom field (text, number, date, boolean)',
      body: z.object({ key: z.string().regex(/^[\p{L}_][\p{L}\p{N}_]{0,63}$/u, 'letters, digits and _'), label: z.string().min(1).max(100).optional(), type: z.enum(fieldTypes) }),
      response: { 201: z.object({ key: z.string(), label: z.string(), type: z.enum(fieldTypes) }) },
    },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const { key, type } = request.body;
    if ((await listFields(db, tenantId)).some((f) => f.key === key)) throw new DomainError('conflict', `field "${key}" is already defined`);
    const def = { key, label: request.body.label ?? key, type };
    await defineFields(db, tenantId, [def], now());
    return reply.status(201).send(def);
  });

  const fieldParams = z.object({ key: z.string().min(1).max(64) });
  app.patch('/api/v1/contact-fields/:key', {
    schema: { tags, summary: 'Rename a custom field (its label; the key that templates and filters use stays)', params: fieldParams, body: z.object({ label: z.string().trim().min(1).max(100) }), response: { 200: z.object({ key: z.string(), label: z.string() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const { key } = request.params;
    if (!await relabelField(db, tenantId, key, request.body.label)) throw notFound(`field "${key}"`);
    await audit(db, tenantId, actorOf(request), 'contact_field.update', null, { key, label: request.body.label });
    return { key, label: request.body.label };
  });

  app.delete('/api/v1/contact-fields/:key', {
    schema: { tags, summary: 'Delete a custom field and its values on every contact (templates and filters that use it then report it missing)', params: fieldParams, response: { 204: z.null() } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const { key } = request.params;
    if (!await deleteField(db, deps.store.dialect, tenantId, key)) throw notFound(`field "${key}"`);
    await audit(db, tenantId, actorOf(request), 'contact_field.delete', null, { key });
    return reply.status(204).send(null);
  });

  app.get('/api/v1/contacts/:id', {
    schema: { tags, summary: 'One contact', params: idParams, response: { 200: contactSchema } },
    config: { permission: 'read' },
  }, async (request) => owned(request, request.params.id));

  app.patch('/api/v1/contacts/:id', {
    schema: { tags, summary: 'Change name, language, time zone or custom fields (given fields replace, a null removes one, others stay)', params: idParams, body: contactBody, response: { 200: contactSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const c = await updateContact(db, tenantId, request.params.id, request.body, now());
    if (!c) throw notFound('contact');
    return c;
  });

  app.delete('/api/v1/contacts/:id', {
    schema: { tags, summary: 'Delete a contact (its number may be added again; use /contacts/subject to erase for good)', params: idParams, response: { 204: z.null() } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    if (!(await deleteContact(db, tenantId, request.params.id))) throw notFound('contact');
    await audit(db, tenantId, actorOf(request), 'contact.delete', request.params.id, {});
    return reply.status(204).send(null);
  });

  app.post('/api/v1/contacts/:id/tags', {
    schema: { tags, summary: 'Add tags', params: idParams, body: z.object({ tags: z.array(tagName).min(1).max(100) }), response: { 200: contactSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const c = await owned(request, request.params.id);
    await addTags(db, tenantOf(request), [c.id], request.body.tags);
    return (await getContact(db, tenantOf(request), c.id))!;
  });

  app.delete('/api/v1/contacts/:id/tags/:tag', {
    schema: { tags, summary: 'Remove a tag', params: idParams.extend({ tag: tagName }), response: { 200: contactSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const c = await owned(request, request.params.id);
    await removeTags(db, tenantOf(request), [c.id], [request.params.tag]);
    return (await getContact(db, tenantOf(request), c.id))!;
  });

  app.post('/api/v1/contacts/:id/opt-out', {
    schema: { tags, summary: 'Mark the contact opted out (time and channel kept)', params: idParams, body: z.object({ channel: z.string().min(1).max(64).default('api') }).default({ channel: 'api' }), response: { 200: contactSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const c = await owned(request, request.params.id);
    await setOptOut(db, tenantOf(request), c.phone, { at: now(), channel: request.body.channel });
    await audit(db, tenantOf(request), actorOf(request), 'contact.opt_out', c.id, { channel: request.body.channel });
    return (await getContact(db, tenantOf(request), c.id))!;
  });

  app.delete('/api/v1/contacts/:id/opt-out', {
    schema: { tags, summary: 'Clear the opt-out (only with the contact’s renewed consent)', params: idParams, response: { 200: contactSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const c = await owned(request, request.params.id);
    await setOptOut(db, tenantOf(request), c.phone, null);
    await audit(db, tenantOf(request), actorOf(request), 'contact.opt_in', c.id, {});
    return (await getContact(db, tenantOf(request), c.id))!;
  });
}
