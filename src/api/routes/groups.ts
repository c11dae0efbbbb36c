import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { addMembers, createGroup, deleteGroup, getGroup, listGroups, removeMembers, updateGroup } from '../../store/repos/groups.ts';
import { findContactByPhone } from '../../store/repos/contacts.ts';
import { segmentFilter } from '../../store/repos/segments.ts';
import { audit } from '../../store/repos/audit.ts';
import { exportQuery, phoneFrom, sendContacts } from './contacts.ts';

const groupSchema = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), size: z.number(), createdAt: z.string(), updatedAt: z.string() });
const idParams = z.object({ id: z.string().min(1) });
const groupName = z.string().trim().min(1).max(100);
const members = z.object({ contactIds: z.array(z.string().min(1)).max(10000).default([]), phones: z.array(z.string().min(1)).max(10000).default([]) });

/** Groups (`/api/v1/groups`): create, list with sizes, rename, delete, add and remove members, export. */
export function groupRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['groups'];
  const now = () => deps.now().toISOString();

  /** Contact ids from ids and numbers (any format) of the tenant; unknown numbers are skipped. */
  async function memberIds(tenantId: string, body: z.infer<typeof members>): Promise<string[]> {
    const ids = [...body.contactIds];
    for (const p of body.phones) {
      const c = await findContactByPhone(db, tenantId, await phoneFrom(deps, tenantId, p, 'phones'));
      if (c) ids.push(c.id);
    }
    return ids;
  }

  app.get('/api/v1/groups', {
    schema: { tags, summary: 'List groups with their sizes', response: { 200: z.object({ groups: z.array(groupSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ groups: await listGroups(db, tenantOf(request)) }));

  app.post('/api/v1/groups', {
    schema: { tags, summary: 'Create a group', body: z.object({ name: groupName, description: z.string().max(500).nullable().optional() }), response: { 201: groupSchema } },
    config: { permission: 'import' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const g = await createGroup(db, tenantId, request.body, now());
    await audit(db, tenantId, actorOf(request), 'group.create', g.id, { name: g.name });
    return reply.status(201).send(g);
  });

  app.get('/api/v1/groups/:id', {
    schema: { tags, summary: 'One group', params: idParams, response: { 200: groupSchema } },
    config: { permission: 'read' },
  }, async (request) => {
    const g = await getGroup(db, tenantOf(request), request.params.id);
    if (!g) throw notFound('group');
    return g;
  });

  app.patch('/api/v1/groups/:id', {
    schema: { tags, summary: 'Rename or describe a group', params: idParams, body: z.object({ name: groupName.optional(), description: z.string().max(500).nullable().optional() }), response: { 200: groupSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!(await getGroup(db, tenantId, request.params.id))) throw notFound('group');
    return (await updateGroup(db, tenantId, request.params.id, request.body, now()))!;
  });

  app.delete('/api/v1/groups/:id', {
    schema: { tags, summary: 'Delete a group (its contacts stay)', params: idParams, response: { 204: z.null() } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    if (!(await deleteGroup(db, tenantId, request.params.id))) throw notFound('group');
    await audit(db, tenantId, actorOf(request), 'group.delete', request.params.id, {});
    return reply.status(204).send(null);
  });

  app.post('/api/v1/groups/:id/members', {
    schema: { tags, summary: 'Add contacts by id or by number (any format)', params: idParams, body: members, response: { 200: groupSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!(await getGroup(db, tenantId, request.params.id))) throw notFound('group');
    await addMembers(db, tenantId, request.params.id, await memberIds(tenantId, request.body), now());
    return (await getGroup(db, tenantId, request.params.id))!;
  });

  app.delete('/api/v1/groups/:id/members', {
    schema: { tags, summary: 'Remove contacts by id or by number', params: idParams, body: members, response: { 200: groupSchema } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!(await getGroup(db, tenantId, request.params.id))) throw notFound('group');
    await removeMembers(db, tenantId, request.params.id, await memberIds(tenantId, request.body));
    return (await getGroup(db, tenantId, request.params.id))!;
  });

  app.get('/api/v1/groups/:id/export', {
    schema: { tags, summary: 'Export the group as CSV or XLSX', params: idParams, querystring: exportQuery },
    config: { permission: 'read' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const g = await getGroup(db, tenantId, request.params.id);
    if (!g) throw notFound('group');
    const filter = await segmentFilter(db, deps.store.dialect, tenantId, `group:${JSON.stringify(g.id)}`, deps.now());
    return sendContacts(deps, reply, tenantId, request.query, `group-${g.name}`, filter);
  });
}
