import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Config } from '../config.ts';
import { generatePassword, hashPassword } from '../domain/secrets.ts';
import { createUser, findUserForSignin, hasPlatformAdmin } from './repos/users.ts';
import { createTenant, findTenantBySlug } from './repos/tenants.ts';
import { audit } from './repos/audit.ts';
import { moveBalance } from './repos/billing.ts';
import { createChannel, findChannel, updateChannel } from './repos/channels.ts';
import { createRoute, listRoutes } from './repos/routes.ts';
import { ensureDemoSignature } from './repos/signatures.ts';

/** What the first start created, so it can be printed once. */
export interface Bootstrap { adminEmail: string; demoEmail: string; password: string; demoPassword: string; generated: boolean }

/** Credit given to the demo tenant on first start: 1,000.00 in minor units. */
export const demoCredit = 100_000n;

/** The demo tenant's signature: approved and marked as a demo one, so the demo can send at once. */
export const demoSignature = '【Tidings】';

/** The email of the demo tenant's owner created on first start. */
export const demoOwnerEmail = 'demo@tidings.local';

/**
 * On first start (no platform admin yet): creates the platform admin, the `demo` tenant and its owner, both with
 * the configured password, or else each with a generated password of its own. Returns undefined when there was
 * nothing to do.
 */
export async function bootstrap(db: Kysely<Database>, config: Config): Promise<Bootstrap | undefined> {
  if (await hasPlatformAdmin(db)) return undefined;
  const generated = !config.adminPassword;
  const password = config.adminPassword || generatePassword();
  const demoPassword = config.adminPassword || generatePassword();
  const [passwordHash, demoHash] = await Promise.all([hashPassword(password), hashPassword(demoPassword)]);
  try {
    return await db.transaction().execute(async (trx) => {
      const admin = await createUser(trx, { tenantId: null, email: config.adminEmail, name: 'Platform admin', role: 'platform', passwordHash });
      const demo = (await findTenantBySlug(trx, 'demo')) ?? await createTenant(trx, { slug: 'demo', name: 'Demo', settings: { signature: demoSignature, defaultCountry: 'CN' } });
      await ensureDemoSignature(trx, demo.id, demoSignature);
      if (!await findUserForSignin(trx, demoOwnerEmail)) {
        await createUser(trx, { tenantId: demo.id, email: demoOwnerEmail, name: 'Demo owner', role: 'owner', passwordHash: demoHash });
      }
      if (demo.balance === 0n) await moveBalance(trx, demo.id, demoCredit, { kind: 'topup', note: 'demo credit', actor: 'system' }, new Date().toISOString());
      await audit(trx, null, { type: 'system', id: null }, 'bootstrap', admin.id, { adminEmail: admin.email });
      return { adminEmail: admin.email, demoEmail: demoOwnerEmail, password, demoPassword, generated };
    });
  } catch (e) {
    // Another node bootstrapped at the same moment: its admin stands.
    if (await hasPlatformAdmin(db)) return undefined;
    throw e;
  }
}

/** The name of the channel that points at the built-in virtual carrier. */
export const virtualChannelName = 'virtual';

/**
 * Makes sure the built-in virtual carrier is a channel (SMPP to 127.0.0.1:port) with a catch-all route, so an
 * embedded install can send at once; follows the port when it changes. Returns the channel id.
 */
export async function ensureVirtualChannel(db: Kysely<Database>, port: number, now: string): Promise<string> {
  const existing = await findChannel(db, virtualChannelName);
  const config = { name: virtualChannelName, type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', binds: 2, window: 100, tps: 0, idFormat: { submit: 'hex', receipt: 'hex' }, defaultSource: '10690000' };
  if (existing) {
    if (existing.config.port !== port) await updateChannel(db, existing.id, { config: { ...existing.config, port } }, now);
    return existing.id;
  }
  const channel = await createChannel(db, { name: virtualChannelName, type: 'smpp', config }, now);
  if (!(await listRoutes(db)).length) await createRoute(db, { channelId: channel.id, price: 5n, position: 1000 }, now);
  return channel.id;
}
