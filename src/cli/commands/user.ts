import { Command, Option } from 'commander';
import { withDeps, tenantIdOf, cliActor } from '../context.ts';
import { tenantRoles } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { generatePassword, hashPassword } from '../../domain/secrets.ts';
import { createUser, findUserForSignin } from '../../store/repos/users.ts';
import { audit } from '../../store/repos/audit.ts';

/** `tidings user create --email E (--tenant SLUG --role R | --platform) [--password P]`. */
export function userCommand(): Command {
  const cmd = new Command('user').description('manage console users on this server\'s database');
  cmd.command('create')
    .description('create a user; prints the password when it was generated')
    .requiredOption('--email <email>', 'sign-in email')
    .option('--tenant <slug>', 'tenant the user belongs to')
    .option('--platform', 'create a platform admin instead')
    .addOption(new Option('--role <role>', 'role in the tenant').choices([...tenantRoles]).default('operator'))
    .option('--name <name>', 'display name')
    .option('--password <password>', 'password (default: TIDINGS_USER_PASSWORD, else generated)')
    .action(async (opts: { email: string; tenant?: string; platform?: boolean; role: (typeof tenantRoles)[number]; name?: string; password?: string }) => withDeps(async (deps) => {
      if (!!opts.platform === !!opts.tenant) throw new DomainError('invalid_request', 'give exactly one of --tenant <slug> or --platform');
      if (await findUserForSignin(deps.store.db, opts.email)) throw new DomainError('conflict', `a user with email ${opts.email} already exists`);
      const tenantId = opts.tenant ? await tenantIdOf(deps, opts.tenant) : null;
      const given = opts.password ?? process.env.TIDINGS_USER_PASSWORD;
      const password = given || generatePassword();
      const user = await createUser(deps.store.db, { tenantId, email: opts.email, name: opts.name, role: opts.platform ? 'platform' : opts.role, passwordHash: await hashPassword(password) });
      await audit(deps.store.db, tenantId, cliActor, 'user.create', user.id, { email: user.email, role: user.role });
      process.stdout.write(given ? `${user.id}\n` : `${user.id}\npassword: ${password}\n`);
    }));
  return cmd;
}
