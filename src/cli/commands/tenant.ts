import { Command } from 'commander';
import { withDeps, cliActor } from '../context.ts';
import { DomainError } from '../../domain/errors.ts';
import { validateSlug } from '../../domain/tenants.ts';
import { createTenant, findTenantBySlug, listTenants } from '../../store/repos/tenants.ts';
import { audit } from '../../store/repos/audit.ts';

/** `tidings tenant create <slug>` and `tidings tenant list`. */
export function tenantCommand(): Command {
  const cmd = new Command('tenant').description('manage tenants (enterprise accounts) on this server\'s database');
  cmd.command('create <slug>')
    .description('create a tenant; prints its id')
    .option('--name <name>', 'display name (default: the slug)')
    .action(async (slug: string, opts: { name?: string }) => withDeps(async (deps) => {
      validateSlug(slug);
      if (await findTenantBySlug(deps.store.db, slug)) throw new DomainError('conflict', `tenant ${slug} already exists`);
      const tenant = await createTenant(deps.store.db, { slug, name: opts.name });
      await audit(deps.store.db, null, cliActor, 'tenant.create', tenant.id, { slug });
      process.stdout.write(`${tenant.id}\n`);
    }));
  cmd.command('list')
    .description('list tenants: slug, status, balance (minor units), name')
    .action(async () => withDeps(async (deps) => {
      for (const t of await listTenants(deps.store.db)) process.stdout.write(`${t.slug}\t${t.status}\t${t.balance}\t${t.name}\n`);
    }));
  return cmd;
}
