import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { addSensitiveWords, deleteSensitiveWord, listSensitiveWords, platformScope } from '../../store/repos/sensitive-words.ts';
import { audit } from '../../store/repos/audit.ts';

const wordSchema = z.object({ id: z.string(), word: z.string(), createdAt: z.string() });
const idParams = z.object({ id: z.string().min(1).describe('The word\'s id, or the word itself') });

/**
 * Sensitive-word lists: the tenant's own (`/api/v1/sensitive-words`) and the platform's
 * (`/api/v1/admin/sensitive-words`, applied to every tenant and never shown to them). The linter checks both.
 */
export function sensitiveWordRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const scopes: { path: string; read: 'read' | 'platform'; write: 'manage' | 'platform'; scope: (r: FastifyRequest) => string; tenant: (r: FastifyRequest) => string | null }[] = [
    { path: '/api/v1/sensitive-words', read: 'read', write: 'manage', scope: tenantOf, tenant: tenantOf },
    { path: '/api/v1/admin/sensitive-words', read: 'platform', write: 'platform', scope: () => platformScope, tenant: () => null },
  ];
  for (const s of scopes) {
    const tags = [s.write === 'platform' ? 'admin' : 'templates'];
    app.get(s.path, {
      schema: { tags, summary: 'List the sensitive words', response: { 200: z.object({ words: z.array(wordSchema) }) } },
      config: { permission: s.read },
    }, async (request) => ({ words: await listSensitiveWords(db, s.scope(request)) }));

    app.post(s.path, {
      schema: {
        tags, summary: 'Add sensitive words (case and full-/half-width do not matter; duplicates are skipped)',
        body: z.object({ words: z.array(z.string().max(200)).min(1).max(5000) }),
        response: { 201: z.object({ added: z.array(wordSchema), duplicates: z.array(z.string()) }) },
      },
      config: { permission: s.write },
    }, async (request, reply) => {
      const r = await addSensitiveWords(db, s.scope(request), request.body.words, deps.now());
      await audit(db, s.tenant(request), actorOf(request), 'sensitive_words.add', null, { count: r.added.length });
      return reply.status(201).send(r);
    });

    app.delete(`${s.path}/:id`, {
      schema: { tags, summary: 'Remove a sensitive word', params: idParams, response: { 200: wordSchema } },
      config: { permission: s.write },
    }, async (request) => {
      const w = await deleteSensitiveWord(db, s.scope(request), request.params.id);
      if (!w) throw notFound('sensitive word');
      await audit(db, s.tenant(request), actorOf(request), 'sensitive_words.delete', w.id, { word: w.word });
      return w;
    });
  }
}
