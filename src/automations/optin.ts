// Double opt-in: a marketing consent collected on a web form or an import is kept `pending`, the contact gets a
// confirmation SMS, a reply Y / 是 / 确认 within 72 hours confirms it (the MO kept as evidence), otherwise it expires.
// A pending consent never counts as consent, so with requireMarketingConsent marketing reaches only confirmed ones.
import type { Deps } from '../deps.ts';
import { DomainError } from '../domain/errors.ts';
import { queueMessages, type QueuedMessage } from '../worker/outbox.ts';
import { getContact } from '../store/repos/contacts.ts';
import { confirmPendingConsent, expirePendingConsents, grantConsent, type Consent } from '../store/repos/consents.ts';

/** How long a pending consent waits for its confirmation. */
export const optInHours = 72;
/** The default confirmation text (the tenant's signature is added as to every message). */
export const defaultOptInText = '请回复 Y、是 或 确认，确认接收我们的优惠信息（72小时内有效）。';
const words = new Set(['Y', 'YES', '是', '是的', '确认', '确定']);

/** The confirming word of a reply (Y, 是, 确认… in any case or width, punctuation ignored), or null. */
export function confirmationWord(text: string): string | null {
  const w = text.normalize('NFKC').replace(/[\s\p{P}]/gu, '').toUpperCase();
  return words.has(w) ? w : null;
}

/** Records a pending marketing consent with its evidence and sends the confirmation SMS. */
export async function requestOptIn(deps: Deps, tenantId: string, input: { contactId: string; source: string; textShown?: string | null; ip?: string | null; text?: string }): Promise<{ consent: Consent; message: QueuedMessage | undefined }> {
  const contact = await getContact(deps.store.db, tenantId, input.contactId);
  if (!contact) throw new DomainError('not_found', 'contact not found');
  const consent = await grantConsent(deps.store.db, tenantId, { contactId: contact.id, purpose: 'marketing', source: input.source, textShown: input.textShown, ip: input.ip, at: deps.now().toISOString(), status: 'pending' });
  const [message] = await queueMessages(deps, { tenantId, recipients: [{ phone: contact.phone, contactId: contact.id }], text: input.text ?? defaultOptInText, category: 'notification', source: 'double opt-in' });
  return { consent, message };
}

/** Confirms the contact's pending consent when the reply is a confirming word; returns the word, or null. */
export async function confirmOptIn(deps: Deps, tenantId: string, contactId: string, reply: { id: string; text: string }): Promise<string | null> {
  const word = confirmationWord(reply.text);
  if (!word) return null;
  const since = new Date(deps.now().getTime() - optInHours * 3600_000).toISOString();
  return await confirmPendingConsent(deps.store.db, tenantId, contactId, since, { keyword: word, inboundId: reply.id }) ? word : null;
}

/** Expires pending consents older than 72 hours. */
export async function expireOptIns(deps: Deps): Promise<number> {
  return expirePendingConsents(deps.store.db, new Date(deps.now().getTime() - optInHours * 3600_000).toISOString());
}
