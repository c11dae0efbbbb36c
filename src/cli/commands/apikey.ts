import { Command, Option } from 'commander';
import { withDeps, tenantIdOf, cliActor } from '../context.ts';
import { tenantRoles } from '../../domain/access.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/repos/apikeys.ts';
import { audit } from '../../store/repos/audit.ts';
import type { Deps } from '../../deps.ts';

type ScopeOpts = { tenant?: string; platform?: boolean };

async function scope(deps: Deps, opts: ScopeOpts): Promise<string | null> {
  if (!!opts.platform === !!opts.tenant) throw new DomainError('invalid_request', 'give exactly one of --tenant <slug> or --platform');
  return opts.tenant ? tenantIdOf(deps, opts.tenant) : null;
}

/** `tidings apikey create|list|revoke (--tenant SLUG | --platform)`; create prints only the key. */
export function apikeyCommand(): Command {
  const cmd = new Command('apikey').description('manage API keys on this server\'s database');
  cmd.command('create')
    .description('create an API key and print only the key (it is not shown again)')
    .option('--tenant <slug>', 'a key of this tenant')
    .option('--platform', 'a platform administration key')
    .option('--name <name>', 'label of the key', 'CLI key')
    .addOption(new Option('--role <role>', 'role of a tenant key').choices([...tenantRoles]).default('admin'))
    .action(async (opts: ScopeOpts & { name: string; role: (typeof tenantRoles)[number] }) => withDeps(async (deps) => {
      const tenantId = await scope(deps, opts);
      const role = tenantId === null ? 'platform' : opts.role;
      const { key, apiKey } = await createApiKey(deps.store.db, { tenantId, name: opts.name, role, createdBy: null });
      await audit(deps.store.db, tenantId, cliActor, 'apikey.create', apiKey.id, { prefix: apiKey.prefix, role });
      process.stdout.write(`${key}\n`);
    }));
  cmd.command('list')
    .description('list keys: prefix, role, created, last used, revoked')
    .option('--tenant <slug>', 'keys of this tenant')
    .option('--platform', 'platform keys')
    .action(async (opts: ScopeOpts) => withDeps(async (deps) => {
      process.stdout.write('prefix\trole\tcreated\tlast used\tstate\tname\n');
      for (const k of await listApiKeys(deps.store.db, await scope(deps, opts))) {
        process.stdout.write(`${k.prefix}\t${k.role}\t${k.createdAt}\t${k.lastUsedAt ?? '-'}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}\n`);
      }
    }));
  cmd.command('revoke <idOrPrefix>')
    .description('revoke a key by id or visible prefix')
    .option('--tenant <slug>', 'a key of this tenant')
    .option('--platform', 'a platform key')
    .action(async (idOrPrefix: string, opts: ScopeOpts) => withDeps(async (deps) => {
      const tenantId = await scope(deps, opts);
      const key = await revokeApiKey(deps.store.db, tenantId, idOrPrefix);
      if (!key) throw notFound('API key');
      await audit(deps.store.db, tenantId, cliActor, 'apikey.revoke', key.id, { prefix: key.prefix });
      process.stdout.write(`revoked ${key.prefix}\n`);
    }));
  return cmd;
}
