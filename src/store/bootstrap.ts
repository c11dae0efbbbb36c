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
import { EMBEDDED_ACCOUNTS, type EmbeddedPorts } from '../channels/simulator/embedded.ts';

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

/**
 * Makes sure the embedded virtual carrier's CMPP, SGIP and SMGP sides each have a channel pointing at them
 * (`virtual-cmpp`, `virtual-sgip`, `virtual-smgp`; no route: send with `channel` or add one), following their ports,
 * which are taken afresh at each start.
 */
export async function ensureProtocolChannels(db: Kysely<Database>, ports: EmbeddedPorts, now: string): Promise<void> {
  const a = EMBEDDED_ACCOUNTS;
  const configs: Array<{ name: string; type: string; config: Record<string, unknown> }> = [
    { name: 'virtual-cmpp', type: 'cmpp', config: { host: '127.0.0.1', port: ports.cmpp, version: '3.0', spId: a.cmpp.systemId, sharedSecret: a.cmpp.password, serviceId: 'TIDINGS', serviceNumber: '1065700000', binds: 1, window: 16 } },
    { name: 'virtual-sgip', type: 'sgip', config: { host: '127.0.0.1', port: ports.sgip, loginName: a.sgip.systemId, password: a.sgip.password, nodeId: 3010000001, spNumber: '10655000', corpId: '00000', serviceType: 'TIDINGS', binds: 1, window: 16, listenHost: '127.0.0.1', listenPort: ports.sgipListen, listenLoginName: a.sgipBack.loginName, sharedSecret: a.sgipBack.password } },
    { name: 'virtual-smgp', type: 'smgp', config: { host: '127.0.0.1', port: ports.smgp, clientId: a.smgp.systemId, secret: a.smgp.password, spNumber: '1180000', serviceId: 'TIDINGS', binds: 1, window: 16 } },
  ];
  for (const [i, c] of configs.entries()) {
    const existing = await findChannel(db, c.name);
    if (!existing) {
      const channel = await createChannel(db, { name: c.name, type: c.type, config: { name: c.name, type: c.type, ...c.config } }, now);
      // a catch-all route behind the SMPP one (so `channel: "virtual-cmpp"` can pin it), unless the operator has routes of their own
      if (await onlyVirtualRoutes(db)) await createRoute(db, { channelId: channel.id, price: 5n, position: 1001 + i }, now);
      continue;
    }
    const moved = ['port', 'listenPort'].filter((k) => k in c.config && existing.config[k] !== c.config[k]);
    if (moved.length) await updateChannel(db, existing.id, { config: { ...existing.config, ...Object.fromEntries(moved.map((k) => [k, c.config[k]])) } }, now);
  }
}

/** Whether every route there is points at a channel of the embedded virtual carrier. */
async function onlyVirtualRoutes(db: Kysely<Database>): Promise<boolean> {
  const routes = await listRoutes(db);
  for (const r of routes) {
    const name = (await findChannel(db, r.channelId))?.name ?? '';
    if (name !== virtualChannelName && !name.startsWith(`${virtualChannelName}-`)) return false;
  }
  return true;
}
