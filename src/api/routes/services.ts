import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { sendTable, type ExportColumn } from '../plugins/table-export.ts';
import { exportLabels, exportLanguageQuery } from '../export-labels.ts';
import type { Messages } from '../../../web/src/i18n/en.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { audit } from '../../store/repos/audit.ts';
import {
  deleteService, eachResponse, entryStore, listServiceConversations, listServices, replaceEntries, serviceRow, toService,
} from '../../store/repos/services.ts';
import { closeService, createService, openService, updateService } from '../../services/lifecycle.ts';
import { invalidateServiceCache } from '../../services/engine.ts';
import { serviceResults } from '../../services/results.ts';
import { serviceTypes } from '../../services/registry.ts';
import { tableRows } from '../../services/inquiry/rules.ts';
import { endpointSecretKey } from '../../services/inquiry/service.ts';
import { newWebhookSecret } from '../../domain/webhooks.ts';
import { cleanName } from '../../services/teamchat/rules.ts';
import type { StoredResponse } from '../../services/service.ts';
import { inspectSource, readRows, formatBytes, type SourceRow } from '../../worker/imports/reader.ts';
import { phoneFrom } from './contacts.ts';

const serviceSchema = z.object({
  id: z.string(), type: z.string(), name: z.string(), status: z.enum(['draft', 'live', 'closed']), version: z.number(), number: z.string().nullable(),
  keywords: z.array(z.string()), config: z.unknown(), openedAt: z.string().nullable(), closedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});
const body = z.object({
  type: z.enum([...serviceTypes.keys()] as [string, ...string[]]),
  name: z.string().min(1).max(100),
  keywords: z.array(z.string().min(1).max(30)).max(20).optional().describe('Keywords on the number (case/width-insensitive; 查询 also matches 查询123)'),
  number: z.string().max(21).nullable().optional().describe('A service number + extension of the tenant (digits); none = every number of the tenant'),
  config: z.record(z.string(), z.unknown()).optional().describe('The rules of the type (see the README section of each type)'),
});
const conversationSchema = z.object({
  id: z.string(), phone: z.string(), address: z.string(), state: z.string(), step: z.string().nullable(), version: z.number(), retries: z.number(),
  endedReason: z.string().nullable(), remindAt: z.string().nullable(), expiresAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});
const idParams = z.object({ id: z.string().min(1) });
const memberParams = idParams.extend({ phone: z.string().min(1).max(30) });
const tableMaxBytes = 10 << 20;
const memberTypes = ['teamchat', 'subscription'];

async function loadRow(deps: Deps, tenantId: string, id: string) {
  const row = await serviceRow(deps.store.db, tenantId, id);
  if (!row) throw notFound('service');
  return row;
}

function requireType(row: { type: string }, types: string[], what: string): void {
  if (!types.includes(row.type)) throw new DomainError('invalid_request', `${what} belong to ${types.join(' and ')} services, not ${row.type}`);
}

/** The service a request names, checked to be of one of `types`, with its entry store. */
async function entriesOf(deps: Deps, request: FastifyRequest, types: string[], what: string) {
  const tenantId = tenantOf(request);
  const row = await loadRow(deps, tenantId, idParams.parse(request.params).id);
  requireType(row, types, what);
  return { tenantId, row, entries: entryStore(deps.store.db, tenantId, row.id, () => deps.now().toISOString()) };
}

/** Interactive services (`/api/v1/services`): create, change, open, close, results and export, conversations, inquiry tables, members and content items. */
export function serviceRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['services'];
  const now = () => deps.now().toISOString();

  app.get('/api/v1/services/types', {
    schema: { tags, summary: 'The service types and their names', response: { 200: z.object({ types: z.array(z.object({ type: z.string(), labels: z.object({ zh: z.string(), en: z.string(), ru: z.string() }), ownsAddress: z.boolean() })) }) } },
    config: { permission: 'read' },
  }, async () => ({ types: [...serviceTypes.values()].map((t) => ({ type: t.type, labels: t.labels, ownsAddress: !!t.ownsAddress })) }));

  app.get('/api/v1/services', {
    schema: { tags, summary: 'The tenant\'s services, newest first', querystring: z.object({ type: z.string().optional(), status: z.string().optional() }), response: { 200: z.object({ services: z.array(serviceSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ services: await listServices(db, tenantOf(request), request.query) }));

  app.post('/api/v1/services', {
    schema: { tags, summary: 'Create a service (a draft; its keywords are held at once — 409 names the service holding one)', body, response: { 201: serviceSchema } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const s = await createService(deps, tenantId, request.body);
    await audit(db, tenantId, actorOf(request), 'service.create', s.id, { type: s.type, name: s.name, keywords: s.keywords });
    return reply.status(201).send(s);
  });

  app.get('/api/v1/services/:id', {
    schema: { tags, summary: 'One service', params: idParams, response: { 200: serviceSchema } },
    config: { permission: 'read' },
  }, async (request) => toService(await loadRow(deps, tenantOf(request), request.params.id)));

  app.patch('/api/v1/services/:id', {
    schema: { tags, summary: 'Change a service: a draft in place, a live one gets a new version (results keep the version they were given under)', params: idParams, body: body.omit({ type: true }).partial(), response: { 200: serviceSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const s = await updateService(deps, tenantId, request.params.id, request.body);
    await audit(db, tenantId, actorOf(request), 'service.update', s.id, { version: s.version });
    return s;
  });

  app.delete('/api/v1/services/:id', {
    schema: { tags, summary: 'Delete a service with its responses and conversations', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteService(db, tenantId, request.params.id)) throw notFound('service');
    invalidateServiceCache(deps, tenantId);
    await audit(db, tenantId, actorOf(request), 'service.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });

  for (const [verb, run] of [['open', openService], ['close', closeService]] as const) {
    app.post(`/api/v1/services/:id/${verb}`, {
      schema: { tags, summary: verb === 'open' ? 'Open a service (live; its rules are frozen from now on)' : 'Close a live service (keywords released, waiting conversations interrupted)', params: idParams, response: { 200: serviceSchema } },
      config: { permission: 'manage' },
    }, async (request) => {
      const tenantId = tenantOf(request);
      const s = await run(deps, tenantId, request.params.id);
      await audit(db, tenantId, actorOf(request), `service.${verb}`, s.id);
      return s;
    });
  }

  app.get('/api/v1/services/:id/results', {
    schema: { tags, summary: 'Results: poll tallies, survey funnel, quiz leaderboard, members…, over every response kept', params: idParams },
    config: { permission: 'read' },
  }, async (request) => serviceResults(deps, await loadRow(deps, tenantOf(request), request.params.id)));

  app.get('/api/v1/services/:id/results/export', {
    schema: { tags, summary: 'Every response as CSV or XLSX (cells starting with = + - @ are escaped)', params: idParams, querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv'), lang: exportLanguageQuery }) },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const [row, l] = await Promise.all([loadRow(deps, tenantId, request.params.id), exportLabels(db, tenantId, request.query.lang)]);
    const h = (k: string) => l.header(`services.export.${k}` as keyof Messages);
    const columns: ExportColumn<StoredResponse>[] = [
      { header: h('receivedAt'), value: (r) => r.receivedAt, kind: 'time' }, { header: h('phone'), value: (r) => r.phone }, { header: h('version'), value: (r) => r.serviceVersion },
      { header: h('step'), value: (r) => r.step }, { header: h('raw'), value: (r) => r.raw }, { header: h('value'), value: (r) => r.value },
      { header: h('category'), value: (r) => r.category }, { header: h('valid'), value: (r) => l.code('services.export.valid', r.valid ? '1' : '0') },
      { header: h('score'), value: (r) => r.score ?? null }, { header: h('conversation'), value: (r) => r.conversationId }, { header: h('inbound'), value: (r) => r.inboundId },
    ];
    return sendTable(reply, request.query.format, `service-${row.name}`, columns, eachResponse(db, tenantId, row.id), l.options);
  });

  app.get('/api/v1/services/:id/conversations', {
    schema: {
      tags, summary: 'Conversations of a service, newest first', params: idParams, querystring: z.object({ state: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      response: { 200: z.object({ conversations: z.array(conversationSchema) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const row = await loadRow(deps, tenantId, request.params.id);
    const list = await listServiceConversations(db, tenantId, row.id, request.query);
    return {
      conversations: list.map((c) => ({
        id: c.id, phone: c.phone, address: c.address, state: c.state, step: c.step, version: c.service_version, retries: c.retries,
        endedReason: c.ended_reason, remindAt: c.remind_at, expiresAt: c.expires_at, createdAt: c.created_at, updatedAt: c.updated_at,
      })),
    };
  });

  // Members of a team chat or a subscription list: the console and the API add, rename and remove them.
  app.get('/api/v1/services/:id/members', {
    schema: { tags, summary: 'Members of a team chat or a subscription list', params: idParams },
    config: { permission: 'read' },
  }, async (request) => {
    const { entries } = await entriesOf(deps, request, memberTypes, 'members');
    const list = await entries.list<Record<string, unknown>>('member');
    return { members: list.map((m) => ({ phone: m.key, ...m.value, updatedAt: m.updatedAt })) };
  });

  app.put('/api/v1/services/:id/members/:phone', {
    schema: { tags, summary: 'Add or rename a member of a team chat (or add a number to a subscription list)', params: memberParams, body: z.object({ name: z.string().max(40).optional(), muted: z.boolean().optional() }) },
    config: { permission: 'manage' },
  }, async (request) => {
    const { tenantId, row, entries } = await entriesOf(deps, request, memberTypes, 'members');
    const phone = await phoneFrom(deps, tenantId, request.params.phone);
    const value = row.type === 'teamchat'
      ? { name: cleanName(request.body.name ?? '') || phone.slice(-4), muted: request.body.muted ?? false }
      : { joinedAt: now(), expiresAt: null };
    await entries.put('member', phone, value);
    await audit(db, tenantId, actorOf(request), 'service.member.put', row.id, { phone });
    return { phone, ...value };
  });

  app.delete('/api/v1/services/:id/members/:phone', {
    schema: { tags, summary: 'Remove a member', params: memberParams },
    config: { permission: 'manage' },
  }, async (request) => {
    const { tenantId, row, entries } = await entriesOf(deps, request, memberTypes, 'members');
    const phone = await phoneFrom(deps, tenantId, request.params.phone);
    if (!await entries.remove('member', phone)) throw notFound('member');
    await audit(db, tenantId, actorOf(request), 'service.member.delete', row.id, { phone });
    return { phone, deleted: true };
  });

  app.get('/api/v1/services/:id/items', {
    schema: { tags, summary: 'Content items of an on-demand service, oldest first (the keyword returns the latest)', params: idParams },
    config: { permission: 'read' },
  }, async (request) => {
    const { entries } = await entriesOf(deps, request, ['subscription'], 'items');
    return { items: (await entries.list<{ text: string }>('item')).map((i) => ({ id: i.key, text: i.value.text, at: i.updatedAt })) };
  });

  app.post('/api/v1/services/:id/items', {
    schema: { tags, summary: 'Publish a content item (e.g. today\'s prices) for the on-demand keyword', params: idParams, body: z.object({ text: z.string().min(1).max(1000) }) },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const { entries } = await entriesOf(deps, request, ['subscription'], 'items');
    const id = newId(deps.now().getTime());
    await entries.put('item', id, { text: request.body.text });
    return reply.status(201).send({ id, text: request.body.text, at: now() });
  });

  app.post('/api/v1/services/:id/endpoint-secret', {
    schema: { tags, summary: 'Make a new signing secret for the requests of an endpoint inquiry (shown once; X-Tidings-Signature as on webhooks)', params: idParams, response: { 200: z.object({ secret: z.string() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const { tenantId, row, entries } = await entriesOf(deps, request, ['inquiry'], 'endpoint secrets');
    const secret = newWebhookSecret();
    await entries.put(endpointSecretKey.kind, endpointSecretKey.key, secret);
    await audit(db, tenantId, actorOf(request), 'service.endpoint_secret', row.id);
    return { secret };
  });

  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: tableMaxBytes, files: 1, fields: 5 } });
    scope.post('/api/v1/services/:id/table', {
      schema: {
        tags, summary: 'Upload the table of an inquiry service (CSV or XLSX, multipart field "file"; first row = column names, first column = the key); replaces the previous one',
        params: idParams, consumes: ['multipart/form-data'],
      },
      config: { permission: 'manage' },
    }, async (request) => {
      const tenantId = tenantOf(request);
      const row = await loadRow(deps, tenantId, idParams.parse(request.params).id);
      requireType(row, ['inquiry'], 'tables');
      if (!request.isMultipart()) throw new DomainError('invalid_request', 'send the file as multipart/form-data in a field named "file"');
      const file = await request.file();
      if (!file) throw new DomainError('invalid_request', 'no file: send it in a multipart field named "file"', { field: 'file' });
      const dir = join(deps.config.dataDir, 'imports');
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${newId()}${extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 6)}`);
      try {
        await pipeline(file.file, createWriteStream(path));
        if (file.file.truncated) throw new DomainError('payload_too_large', `the file is larger than the limit of ${formatBytes(tableMaxBytes)}`, { limit: tableMaxBytes });
        const source: SourceRow[] = [];
        for await (const page of readRows(path, await inspectSource(path, tableMaxBytes))) source.push(...page);
        const t = tableRows(source);
        if (!t.columns.length) throw new DomainError('invalid_request', 'the file is empty: the first row names the columns', { field: 'file' });
        await db.transaction().execute((trx) => replaceEntries(trx, tenantId, row.id, 'row', t.rows, now()));
        await audit(db, tenantId, actorOf(request), 'service.table', row.id, { rows: t.rows.length, rejected: t.rejects.length });
        return { columns: t.columns, rows: t.rows.length, rejected: t.rejects.length, rejects: t.rejects.slice(0, 1000) };
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new DomainError('payload_too_large', `the file is larger than the limit of ${formatBytes(tableMaxBytes)}`, { limit: tableMaxBytes });
        throw e;
      } finally {
        await rm(path, { force: true });
      }
    });
  });
}
