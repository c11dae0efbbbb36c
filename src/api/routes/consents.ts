import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf, tenantOf } from '../plugins/auth.ts';
import { notFound } from '../../domain/errors.ts';
import { getContact } from '../../store/repos/contacts.ts';
import { grantConsent, listConsents, purgeExpiredConsents, withdrawConsent } from '../../store/repos/consents.ts';
import { audit } from '../../store/repos/audit.ts';
import { findTenant } from '../../store/repos/tenants.ts';
import { requestOptIn } from '../../automations/optin.ts';

const purpose = z.enum(['marketing', 'notification']);
const consentSchema = z.object({
  id: z.string(), contactId: z.string(), purpose, status: z.enum(['granted', 'withdrawn', 'pending', 'expired']).describe('pending: a double opt-in waiting for its SMS confirmation (never counts as consent); expired: not confirmed in 72 h'), source: z.string(),
  textShown: z.string().nullable(), ip: z.string().nullable(), keyword: z.string().nullable(), at: z.string(),
  withdrawnAt: z.string().nullable(), retainUntil: z.string().nullable(),
});
const idParams = z.object({ id: z.string().min(1) });

/** Consent evidence per contact and purpose (`/api/v1/contacts/:id/consents`): record, list, withdraw (kept for the retention period, then purged). */
export function consentRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['contacts'];
  // Withdrawn consent evidence is deleted once its retention ends: checked at start and every hour.
  let purge: NodeJS.Timeout | undefined;
  const purgeNow = () => purgeExpiredConsents(db, deps.now().toISOString()).catch((err: unknown) => deps.log.error({ err }, 'purging consent evidence failed'));
  app.addHook('onReady', async () => { void purgeNow(); purge = setInterval(purgeNow, 3_600_000).unref(); });
  app.addHook('onClose', async () => clearInterval(purge));
  const contactOf = async (tenantId: string, id: string) => {
    const c = await getContact(db, tenantId, id);
    if (!c) throw notFound('contact');
    return c;
  };

  app.get('/api/v1/contacts/:id/consents', {
    schema: { tags, summary: 'Consent history of a contact', params: idParams, response: { 200: z.object({ consents: z.array(consentSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    await contactOf(tenantId, request.params.id);
    return { consents: await listConsents(db, tenantId, request.params.id) };
  });

  app.post('/api/v1/contacts/:id/consents', {
    schema: {
      tags, summary: 'Record consent with its evidence: source (web form, keyword, paper…), the text shown, IP or keyword',
      description: 'When the tenant has double opt-in on, a marketing consent without a keyword is stored pending and the contact receives the confirmation SMS; it counts once the contact replies Y / 是 / 确认 within 72 hours.',
      params: idParams,
      body: z.object({
        purpose, source: z.string().min(1).max(100), textShown: z.string().max(2000).nullable().optional(),
        ip: z.string().max(64).nullable().optional(), keyword: z.string().max(64).nullable().optional(), at: z.string().datetime().optional(),
      }),
      response: { 201: consentSchema },
    },
    config: { permission: 'import' },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    await contactOf(tenantId, request.params.id);
    const { at, ip, ...rest } = request.body;
    // with double opt-in on, a marketing consent collected elsewhere (not a keyword by SMS) starts pending and is confirmed by SMS
    if (rest.purpose === 'marketing' && !rest.keyword && (await findTenant(db, tenantId))?.settings.doubleOptIn === true) {
      const { consent } = await requestOptIn(deps, tenantId, { contactId: request.params.id, source: rest.source, textShown: rest.textShown, ip: ip ?? request.ip });
      await audit(db, tenantId, actorOf(request), 'consent.double_opt_in', request.params.id, { purpose: consent.purpose, source: consent.source });
      return reply.status(201).send(consent);
    }
    const c = await grantConsent(db, tenantId, { contactId: request.params.id, ...rest, ip: ip ?? request.ip, at: at ?? deps.now().toISOString() });
    await audit(db, tenantId, actorOf(request), 'consent.grant', request.params.id, { purpose: c.purpose, source: c.source });
    return reply.status(201).send(c);
  });

  app.delete('/api/v1/contacts/:id/consents/:purpose', {
    schema: { tags, summary: 'Withdraw consent; the evidence is kept for the configured retention', params: idParams.extend({ purpose }), response: { 200: z.object({ withdrawn: z.number() }) } },
    config: { permission: 'import' },
  }, async (request) => {
    const tenantId = tenantOf(request);
    await contactOf(tenantId, request.params.id);
    const now = deps.now();
    const retainUntil = new Date(now.getTime() + deps.config.consentRetentionDays * 86_400_000).toISOString();
    const withdrawn = await withdrawConsent(db, tenantId, request.params.id, request.params.purpose, now.toISOString(), retainUntil);
    await audit(db, tenantId, actorOf(request), 'consent.withdraw', request.params.id, { purpose: request.params.purpose });
    return { withdrawn };
  });
}
