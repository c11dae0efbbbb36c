import { z, ZodError } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { createChannel as buildChannel } from '../../channels/registry.ts';
import { channelForms, explainFailure, testSettings } from '../../channels/form.ts';
import type { SendError } from '../../channels/errors.ts';
import { createChannel, deleteChannel, findChannel, listChannels, updateChannel, type ChannelRecord } from '../../store/repos/channels.ts';
import { audit } from '../../store/repos/audit.ts';

/** Config keys never shown: every form's password fields, and the usual names of an HTTP provider's secrets. */
const secretKeys = new Set(['password', 'sharedSecret', 'secret', 'apiKey', 'token', ...channelForms.flatMap((f) => f.fields.filter((x) => x.kind === 'password').map((x) => x.name))]);
const mask = '********';

const channelSchema = z.object({
  id: z.string(), name: z.string(), type: z.string(), enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()).describe('the channel settings; secrets are never shown'),
  state: z.string().describe('connecting, bound, down or stopped, as the worker last reported; unknown before that'),
  stateReason: z.string().nullable(), counters: z.record(z.string(), z.number()), stateAt: z.string().nullable(),
});

function show(c: ChannelRecord) {
  const config = Object.fromEntries(Object.entries(c.config).map(([k, v]) => [k, secretKeys.has(k) ? mask : v]));
  return { id: c.id, name: c.name, type: c.type, enabled: c.enabled, config, state: c.state ?? 'unknown', stateReason: c.stateReason, counters: c.counters ?? {}, stateAt: c.stateAt };
}

/** Validates a config by building the channel (no connection is made); errors name the field. */
function validate(config: Record<string, unknown>): void {
  try {
    buildChannel(config as { type: string });
  } catch (e) {
    if (e instanceof ZodError) {
      const issue = e.issues[0];
      const field = issue.path.join('.');
      throw new DomainError('invalid_request', `${field}: ${issue.message}`, { field, fields: e.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
    }
    throw new DomainError('invalid_request', (e as Error).message, { field: 'type' });
  }
}

const channelBody = z.object({ name: z.string().min(1).max(60).regex(/^[\w.-]+$/, 'letters, digits, _ . -'), type: z.string().min(1), enabled: z.boolean().optional() }).catchall(z.unknown());

const formText = z.object({ 'zh-CN': z.string(), en: z.string(), ru: z.string() });
const formSchema = z.object({
  type: z.string(), label: formText,
  fields: z.array(z.object({
    name: z.string().describe('the config key; a dotted name (reconnect.minMs) fills a nested object'),
    kind: z.enum(['text', 'password', 'number', 'select', 'switch']), label: formText, hint: formText.optional(), required: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(), min: z.number().optional(), max: z.number().optional(),
    maxLength: z.number().optional(), digits: z.boolean().optional().describe('only digits'), advanced: z.boolean().optional().describe('shown under advanced settings'),
    options: z.array(z.object({ value: z.union([z.string(), z.number()]), label: formText })).optional(),
  })),
});
const testTimeoutMs = 10_000;
const testResult = z.object({
  ok: z.boolean(), state: z.string(), reason: z.string().nullable().describe('what the gateway or the connection said, as the channel log words it'),
  code: z.string().nullable().describe('the failure\'s stable code, e.g. cmpp-connect:3, sgip:1, smgp:21, connect, timeout'),
  explanation: formText.nullable().describe('what the code means for the operator, in zh-CN, en and ru'),
});

/**
 * Logs in once with a configuration (one bind, whatever `binds` says; the type's test settings over it) and logs out:
 * whether the host answers and takes the credentials, within ten seconds. Never throws: the answer says what went wrong.
 */
async function testConnection(config: { type: string } & Record<string, unknown>): Promise<z.infer<typeof testResult>> {
  const channel = buildChannel({ ...config, ...testSettings[config.type], binds: 1 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${testTimeoutMs / 1000} s`), { code: 'timeout' })), testTimeoutMs); });
  try {
    await Promise.race([channel.start(), timeout]);
    return { ok: true, state: channel.state().state, reason: null, code: null, explanation: null };
  } catch (e) {
    const err = e as Partial<SendError> & Error;
    const code = typeof err.code === 'string' ? err.code : null;
    return { ok: false, state: channel.state().state, reason: channel.state().reason ?? err.message, code, explanation: explainFailure(config.type, code ?? undefined, err.kind) };
  } finally {
    clearTimeout(timer);
    await channel.stop().catch(() => undefined);
  }
}

/** Platform administration of carrier channels: they are data — create, change, disable, see state and counters. */
export function channelRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  app.get('/api/v1/admin/channel-types', {
    schema: { tags: ['admin'], summary: 'Channel types and the fields of their settings forms (labels in zh-CN, en, ru)', response: { 200: z.object({ types: z.array(formSchema) }) } },
    config: { permission: 'platform' },
  }, async () => ({ types: [...channelForms] }));

  app.post('/api/v1/admin/channels/test', {
    schema: {
      tags: ['admin'], summary: 'Test a channel configuration: log in once and out (nothing is stored); a masked secret of an existing channel of that name is its stored one. A refused login says the gateway\'s status (code) and what it means (explanation)',
      body: channelBody, response: { 200: testResult },
    },
    config: { permission: 'platform' },
  }, async (request) => {
    const { enabled: _e, ...given } = request.body;
    const existing = await findChannel(db, given.name);
    const config = existing ? { ...existing.config, ...Object.fromEntries(Object.entries(given).filter(([k, v]) => !(secretKeys.has(k) && v === mask))) } : given;
    validate(config);
    const result = await testConnection(config as { type: string } & Record<string, unknown>);
    await audit(db, null, actorOf(request), 'channel.test', existing?.id ?? null, { name: given.name, type: given.type, ok: result.ok });
    return result;
  });

  app.get('/api/v1/admin/channels', {
    schema: { tags: ['admin'], summary: 'List channels with state and counters', response: { 200: z.object({ channels: z.array(channelSchema) }) } },
    config: { permission: 'platform' },
  }, async () => ({ channels: (await listChannels(db)).map(show) }));

  app.get('/api/v1/admin/channels/:id', {
    schema: { tags: ['admin'], summary: 'One channel by id or name', params: z.object({ id: z.string() }), response: { 200: channelSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const c = await findChannel(db, request.params.id);
    if (!c) throw notFound('channel');
    return show(c);
  });

  app.post('/api/v1/admin/channels', {
    schema: { tags: ['admin'], summary: 'Add a channel, e.g. {"name","type":"smpp","host","port","systemId","password","binds","window","tps","idFormat"}', body: channelBody, response: { 201: channelSchema } },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const { enabled, ...config } = request.body;
    validate(config);
    if (await findChannel(db, config.name)) throw new DomainError('conflict', `channel ${config.name} already exists`, { field: 'name' });
    const c = await createChannel(db, { name: config.name, type: config.type, config, enabled }, deps.now().toISOString());
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'channel.create', c.id, { name: c.name, type: c.type });
    return reply.status(201).send(show(c));
  });

  app.patch('/api/v1/admin/channels/:id', {
    schema: { tags: ['admin'], summary: 'Change settings (merged; leave secrets out to keep them) or enable/disable', params: z.object({ id: z.string() }), body: z.object({ enabled: z.boolean().optional() }).catchall(z.unknown()), response: { 200: channelSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const c = await findChannel(db, request.params.id);
    if (!c) throw notFound('channel');
    const { enabled, ...given } = request.body;
    // A masked secret sent back unchanged (as the console does) keeps the stored one.
    const patch = Object.fromEntries(Object.entries(given).filter(([k, v]) => !(secretKeys.has(k) && v === mask)));
    if ('name' in patch || 'type' in patch) throw new DomainError('invalid_request', 'name and type cannot change; add a new channel', { field: 'name' });
    const config = { ...c.config, ...patch };
    validate(config);
    await updateChannel(db, c.id, { config, enabled }, deps.now().toISOString());
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'channel.update', c.id, { changed: Object.keys(request.body) });
    return show((await findChannel(db, c.id))!);
  });

  app.delete('/api/v1/admin/channels/:id', {
    schema: { tags: ['admin'], summary: 'Remove a channel and its routes', params: z.object({ id: z.string() }), response: { 204: z.null() } },
    config: { permission: 'platform' },
  }, async (request, reply) => {
    const c = await findChannel(db, request.params.id);
    if (!c || !await deleteChannel(db, c.id)) throw notFound('channel');
    deps.router.invalidate();
    await audit(db, null, actorOf(request), 'channel.delete', c.id, { name: c.name });
    return reply.status(204).send(null);
  });
}
