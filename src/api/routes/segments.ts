import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { countContacts } from '../../store/repos/contacts.ts';
import { createSegment, deleteSegment, getSegment, listSegments, segmentFilter, updateSegment } from '../../store/repos/segments.ts';
import { audit } from '../../store/repos/audit.ts';
import { exportQuery, sendContacts } from './contacts.ts';

const segmentSchema = z.object({ id: z.string(), name: z.string(), filter: z.string(), createdAt: z.string(), updatedAt: z.string() });
const idParams = z.object({ id: z.string().min(1) });
const filterText = z.string().trim().min(1).max(4000).describe('e.g. city = "北京" and age >= 32 and tag:vip and not replied within 30d');
const countSchema = z.object({ count: z.number() });

/** Segments (`/api/v1/segments`): saved filters with a live count, a count of an unsaved filter, and export. Syntax errors are 400 filter_syntax with the position. */
export function segmentRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['segments'];
  const now = () => deps.now().toISOString();
  const count = async (tenantId: string, filter: string) =>
    ({ count: await countContacts(db, tenantId, await segmentFilter(db, deps.store.dialect, tenantId, filter, deps.now())) });

  app.get('/api/v1/segments', {
    schema: { tags, summary: 'List saved segments', response: { 200: z.object({ segments: z.array(segmentSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ segments: await listSegments(db, tenantOf(request)) }));

  app.post('/api/v1/segments', {
    schema: { tags, summary: 'Save a segment (the filter is checked first)', body: z.object({ name: z.string().trim().min(1).max(100), filter: filterText }), response: { 201: segmentSchema } },
    config: { permission: 'import' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    await segmentFilter(db, deps.store.dialect, tenantId, request.body.filter, deps.now());
    const s = await createSegment(db, tenantId, request.body, now());
    await audit(db, tenantId, actorOf(request), 'segment.create', s.id, { name: s.name });
    return reply.status(201).send(s);
  });

  app.post('/api/v1/segments/count', {
    schema: { tags, summary: 'Live count of an unsaved filter', body: z.object({ filter: filterText }), response: { 200: countSchema } },
    config: { permission: 'read' },
  }, async (request) => count(tenantOf(request), request.body.filter));

  app.get('/api/v1/segments/:id', {
    schema: { tags, summary: 'One segment', params: idParams, response: { 200: segmentSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const s = await getSegment(db, tenantOf(request), request.params.id);
    if (!s) throw notFound('segment');
    return s;
  });

  app.get('/api/v1/segments/:id/count', {
    schema: { tags, summary: 'How many contacts the segment matches now', params: idParams, response: { 200: countSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const s = await getSegment(db, tenantId, request.params.id);
    if (!s) throw notFound('segment');
    return count(tenantId, s.filter);
  });

  app.patch('/api/v1/segments/:id', {
    schema: { tags, summary: 'Rename a segment or change its filter', params: idParams, body: z.object({ name: z.string().trim().min(1).max(100).optional(), filter: filterText.optional() }), response: { 200: segmentSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!(await getSegment(db, tenantId, request.params.id))) throw notFound('segment');
    if (request.body.filter) await segmentFilter(db, deps.store.dialect, tenantId, request.body.filter, deps.now());
    return (await updateSegment(db, tenantId, request.params.id, request.body, now()))!;
  });

  app.delete('/api/v1/segments/:id', {
    schema: { tags, summary: 'Delete a segment', params: idParams, response: { 204: z.null() } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    if (!(await deleteSegment(db, tenantId, request.params.id))) throw notFound('segment');
    await audit(db, tenantId, actorOf(request), 'segment.delete', request.params.id, {});
    return reply.status(204).send(null);
  });

  app.get('/api/v1/segments/:id/export', {
    schema: { tags, summary: 'Export the contacts the segment matches as CSV or XLSX', params: idParams, querystring: exportQuery },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const s = await getSegment(db, tenantId, request.params.id);
    if (!s) throw notFound('segment');
    return sendContacts(deps, reply, tenantId, request.query, `segment-${s.name}`, await segmentFilter(db, deps.store.dialect, tenantId, s.filter, deps.now()));
  });
}
