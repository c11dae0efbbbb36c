import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { docTags } from './doc-tags.ts';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { registerErrorHandlers } from './plugins/errors.ts';
import { registerAuth } from './plugins/auth.ts';
import { Lookups } from './lookups.ts';
import { SendBatcher } from './send-batcher.ts';
import { registerRequestLog } from './plugins/request-log.ts';
import { registerConsole } from './plugins/console.ts';
import { healthRoutes } from './routes/health.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { userRoutes } from './routes/users.ts';
import { apikeyRoutes } from './routes/apikeys.ts';
import { messageRoutes } from './routes/messages.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { channelRoutes } from './routes/channels.ts';
import { routeRoutes } from './routes/routes.ts';
import { billingRoutes } from './routes/billing.ts';
import { simulatorRoutes } from './routes/simulator.ts';
import { statsRoutes } from './routes/stats.ts';
import { auditRoutes } from './routes/audit.ts';
import { templateRoutes } from './routes/templates.ts';
import { sensitiveWordRoutes } from './routes/sensitive-words.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { inboundRoutes } from './routes/inbound.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { keywordRoutes } from './routes/keywords.ts';
import { serviceNumberRoutes } from './routes/service-numbers.ts';
import { contactRoutes } from './routes/contacts.ts';
import { groupRoutes } from './routes/groups.ts';
import { segmentRoutes } from './routes/segments.ts';
import { importRoutes } from './routes/imports.ts';
import { consentRoutes } from './routes/consents.ts';
import { blocklistRoutes } from './routes/blocklist.ts';
import { serviceRoutes } from './routes/services.ts';
import { automationRoutes } from './routes/automations.ts';
import { eventRoutes } from './routes/events.ts';
import { holidayRoutes } from './routes/holidays.ts';
import { smppAccountRoutes } from './routes/smpp-accounts.ts';
import { linkRoutes } from './routes/links.ts';
import { signatureRoutes } from './routes/signatures.ts';
import { complaintRoutes } from './routes/complaints.ts';
import { pointsRoutes } from './routes/points.ts';
import { giftRoutes } from './routes/gifts.ts';
import { redemptionRoutes } from './routes/redemptions.ts';
import { referralRoutes } from './routes/referrals.ts';

/** The product's name for the top bar of the API docs (white text: the bar is dark). */
const docsLogo = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><text x="0" y="28" font-family="sans-serif" font-size="24" font-weight="bold" fill="#fff">Tidings API</text></svg>';
import { lotteryRoutes } from './routes/lottery.ts';
import { codeRoutes } from './routes/codes.ts';

/** The Fastify instance with zod schemas as its type provider; every route module takes one. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Builds the HTTP application (API, docs, metrics) without listening; tests use `inject()`. */
export async function buildApp(deps: Deps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app);
  registerRequestLog(app, deps.metrics);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tidings API', version: '1',
        description: 'Tidings 短信群发平台的 HTTP 接口 · the HTTP API of the Tidings SMS platform. 认证 · Authenticate with `Authorization: Bearer <api key>` (API 密钥在控制台“设置 → API 密钥”创建 · create keys in the console under Settings → API keys); 错误 · errors are `{"error":{"code","message","details"}}`. 平台密钥另加 `X-Tenant` 代表租户 · a platform key acts for a tenant with `X-Tenant`.',
      },
      tags: docTags,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // our name on the page instead of the library's; sections in docTags order
    logo: { type: 'image/svg+xml', content: Buffer.from(docsLogo), href: '/', target: '_self' },
    theme: { title: 'Tidings API 文档' },
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  const lookups = new Lookups(deps.store.db);
  const sends = new SendBatcher(deps);
  app.addHook('onClose', () => sends.drain());
  registerAuth(app, deps, lookups);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { permission: 'public' } }, async () => app.swagger());

  healthRoutes(app, deps);
  sessionRoutes(app, deps);
  tenantRoutes(app, deps, lookups);
  userRoutes(app, deps);
  apikeyRoutes(app, deps, lookups);
  auditRoutes(app, deps);
  messageRoutes(app, deps, lookups, sends);
  campaignRoutes(app, deps);
  channelRoutes(app, deps);
  routeRoutes(app, deps);
  billingRoutes(app, deps);
  simulatorRoutes(app, deps);
  statsRoutes(app, deps);
  templateRoutes(app, deps);
  sensitiveWordRoutes(app, deps);
  webhookRoutes(app, deps);
  inboundRoutes(app, deps);
  inboxRoutes(app, deps);
  keywordRoutes(app, deps);
  serviceNumberRoutes(app, deps);
  contactRoutes(app, deps);
  groupRoutes(app, deps);
  segmentRoutes(app, deps);
  importRoutes(app, deps);
  consentRoutes(app, deps);
  blocklistRoutes(app, deps);
  serviceRoutes(app, deps);
  lotteryRoutes(app, deps);
  codeRoutes(app, deps);
  automationRoutes(app, deps);
  eventRoutes(app, deps);
  holidayRoutes(app, deps);
  smppAccountRoutes(app, deps);
  linkRoutes(app, deps);
  signatureRoutes(app, deps, lookups);
  complaintRoutes(app, deps);
  pointsRoutes(app, deps);
  giftRoutes(app, deps);
  redemptionRoutes(app, deps);
  referralRoutes(app, deps);
  await registerConsole(app);
  return app;
}
