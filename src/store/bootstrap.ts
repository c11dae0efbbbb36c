import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Config } from '../config.ts';
import { generatePassword, hashPassword } from '../domain/secrets.ts';
import { createUser, findUserForSignin, hasPlatformAdmin } from './repos/users.ts';
import { createTenant, findTenantBySlug } from './repos/tenants.ts';
import { audit } from './repos/audit.ts';

/** What the first start created, so it can be printed once. */
export interface Bootstrap { adminEmail: string; demoEmail: string; password: string; generated: boolean }

/** The email of the demo tenant's owner created on first start. */
export const demoOwnerEmail = 'demo@tidings.local';

/**
 * On first start (no platform admin yet): creates the platform admin, the `demo` tenant and its owner,
 * all with the configured password or a generated one. Returns undefined when there was nothing to do.
 */
export async function bootstrap(db: Kysely<Database>, config: Config): Promise<Bootstrap | undefined> {
  if (await hasPlatformAdmin(db)) return undefined;
  const generated = !config.adminPassword;
  const password = config.adminPassword || generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction().execute(async (trx) => {
      const admin = await createUser(trx, { tenantId: null, email: config.adminEmail, name: 'Platform admin', role: 'platform', passwordHash });
      const demo = (await findTenantBySlug(trx, 'demo')) ?? await createTenant(trx, { slug: 'demo', name: 'Demo', settings: { signature: '【Tidings】', defaultCountry: 'CN' } });
      if (!await findUserForSignin(trx, demoOwnerEmail)) {
        await createUser(trx, { tenantId: demo.id, email: demoOwnerEmail, name: 'Demo owner', role: 'owner', passwordHash });
      }
      await audit(trx, null, { type: 'system', id: null }, 'bootstrap', admin.id, { adminEmail: admin.email });
      return { adminEmail: admin.email, demoEmail: demoOwnerEmail, password, generated };
    });
  } catch (e) {
    // Another node bootstrapped at the same moment: its admin stands.
    if (await hasPlatformAdmin(db)) return undefined;
    throw e;
  }
}
