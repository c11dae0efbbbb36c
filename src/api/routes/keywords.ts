import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { ruleMatches } from '../../domain/keywords.ts';
import { createRule, deleteRule, getKeywordSettings, listRules, updateKeywordSettings, updateRule } from '../../store/repos/keywords.ts';
import { audit } from '../../store/repos/audit.ts';
import { invalidateInboundCache } from '../../worker/inbound.ts';

const wordList = z.array(z.string().min(1).max(50)).max(500);
const kinds = <T extends z.ZodType>(t: T) => z.object({ opt_out: t, opt_in: t, help: t });
const settingsSchema = z.object({
  languages: z.array(z.string()), words: kinds(z.array(z.string())), customized: kinds(z.boolean()), replies: kinds(z.string()),
  repliesByLanguage: kinds(z.record(z.string(), z.string())).describe('confirmations per recipient language (built-in zh-CN, en, ru, with the tenant\'s own over them): chosen by the contact\'s language, else the number\'s country, else replies'),
  ownRepliesByLanguage: kinds(z.record(z.string(), z.string())).describe('the tenant\'s own per-language texts only'),
});
const localizedTexts = z.record(z.string().min(2).max(20), z.string().max(500).nullable()).optional();
const iso = z.string().datetime({ offset: true }).transform((v) => new Date(v).toISOString());
const ruleSchema = z.object({
  id: z.string(), name: z.string(), match: z.enum(ruleMatches), pattern: z.string(), reply: z.string().nullable(), position: z.number(),
  activeFrom: z.string().nullable(), activeUntil: z.string().nullable(), enabled: z.boolean(), hits: z.number(), createdAt: z.string(), updatedAt: z.string(),
});
const ruleBody = z.object({
  name: z.string().min(1).max(100),
  match: z.enum(ruleMatches).describe('exact: the whole message; prefix: its start; pattern: a regular expression (case-insensitive); catch_all: anything no other rule took'),
  pattern: z.string().max(200).optional().describe('The keyword, prefix or regular expression (ignored for catch_all)'),
  reply: z.string().max(1000).nullable().optional().describe('Reply text; variables {{phone}}, {{name}}, {{text}}, {{keyword}}, {{rest}}, {{date}}, contact fields, {{var|default}}'),
  position: z.number().int().min(0).max(100000).optional(),
  activeFrom: iso.nullable().optional(), activeUntil: iso.nullable().optional(), enabled: z.boolean().optional(),
});
const idParams = z.object({ id: z.string().min(1) });

/** Keyword settings (opt-out / opt-in / help words and replies) and auto-reply rules of the tenant. */
export function keywordRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['keywords'];

  app.get('/api/v1/keywords/settings', {
    schema: { tags, summary: 'Opt-out, opt-in and help words (defaults of the tenant\'s languages unless customised) and the automatic reply texts', response: { 200: settingsSchema } },
    config: { permission: 'read' },
  }, async (request) => getKeywordSettings(db, tenantOf(request)));

  app.put('/api/v1/keywords/settings', {
    schema: {
      tags, summary: 'Change languages, word lists (null = back to the defaults) or reply texts (also per recipient language)',
      description: 'Words are matched case- and width-insensitively with punctuation and spaces ignored ("Ｔ Ｄ" = "TD"). A word ending in `*` also matches as the first word of a longer message.',
      body: z.object({
        languages: z.array(z.enum(['zh', 'en', 'ru'])).min(1).nullable().optional(),
        words: z.object({ opt_out: wordList.nullable().optional(), opt_in: wordList.nullable().optional(), help: wordList.nullable().optional() }).optional(),
        replies: z.object({ opt_out: z.string().max(500).nullable().optional(), opt_in: z.string().max(500).nullable().optional(), help: z.string().max(500).nullable().optional() }).optional(),
        repliesByLanguage: z.object({ opt_out: localizedTexts, opt_in: localizedTexts, help: localizedTexts }).optional()
          .describe('per-language confirmations to set, e.g. {"opt_out":{"ru":"Вы отписаны."}}; null removes the tenant\'s own text of that language'),
      }),
      response: { 200: settingsSchema },
    },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const s = await updateKeywordSettings(db, tenantId, request.body, deps.now().toISOString());
    invalidateInboundCache(deps, tenantId);
    await audit(db, tenantId, actorOf(request), 'keywords.settings', null, request.body);
    return s;
  });

  app.get('/api/v1/keywords/rules', {
    schema: { tags, summary: 'Auto-reply rules in position order', response: { 200: z.object({ rules: z.array(ruleSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => ({ rules: await listRules(db, tenantOf(request)) }));

  app.post('/api/v1/keywords/rules', {
    schema: { tags, summary: 'Create an auto-reply rule', body: ruleBody, response: { 201: ruleSchema } },
    config: { permission: 'manage' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const rule = await createRule(db, tenantId, request.body, deps.now().toISOString());
    invalidateInboundCache(deps, tenantId);
    await audit(db, tenantId, actorOf(request), 'keywords.rule.create', rule.id, { name: rule.name, match: rule.match, pattern: rule.pattern });
    return reply.status(201).send(rule);
  });

  app.patch('/api/v1/keywords/rules/:id', {
    schema: { tags, summary: 'Change an auto-reply rule', params: idParams, body: ruleBody.partial(), response: { 200: ruleSchema } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const rule = await updateRule(db, tenantId, request.params.id, request.body, deps.now().toISOString());
    if (!rule) throw notFound('rule');
    invalidateInboundCache(deps, tenantId);
    await audit(db, tenantId, actorOf(request), 'keywords.rule.update', rule.id, request.body);
    return rule;
  });

  app.delete('/api/v1/keywords/rules/:id', {
    schema: { tags, summary: 'Delete an auto-reply rule', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } },
    config: { permission: 'manage' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    if (!await deleteRule(db, tenantId, request.params.id)) throw notFound('rule');
    invalidateInboundCache(deps, tenantId);
    await audit(db, tenantId, actorOf(request), 'keywords.rule.delete', request.params.id);
    return { id: request.params.id, deleted: true };
  });
}
