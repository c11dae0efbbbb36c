import { Command, Option } from 'commander';
import { withDeps, tenantIdOf, cliActor } from '../context.ts';
import { tenantRoles } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { generatePassword, hashPassword } from '../../domain/secrets.ts';
import { createUser, findUserForSignin, updateUser } from '../../store/repos/users.ts';
import { deleteUserSessions } from '../../store/repos/sessions.ts';
import { audit } from '../../store/repos/audit.ts';

/** `tidings user create --email E (--tenant SLUG --role R | --platform) [--password P]` and `tidings user reset-password --email E`. */
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
  cmd.command('reset-password')
    .description('give a user a new password (printed once when generated) and end the user\'s console sessions')
    .requiredOption('--email <email>', 'sign-in email of the user')
    .option('--password <password>', 'the new password (default: TIDINGS_USER_PASSWORD, else generated)')
    .action(async (opts: { email: string; password?: string }) => withDeps(async (deps) => {
      const user = await findUserForSignin(deps.store.db, opts.email);
      if (!user) throw new DomainError('not_found', `no user has the email ${opts.email}`);
      const given = opts.password ?? process.env.TIDINGS_USER_PASSWORD;
      if (given !== undefined && given.length < 8) throw new DomainError('invalid_request', 'the password must have at least 8 characters');
      const password = given || generatePassword();
      await updateUser(deps.store.db, user.tenantId, user.id, { passwordHash: await hashPassword(password) });
      await deleteUserSessions(deps.store.db, user.id);
      await audit(deps.store.db, user.tenantId, cliActor, 'user.reset_password', user.id, { email: user.email });
      process.stdout.write(given ? `password of ${user.email} changed\n` : `password: ${password}\n`);
    }));
  return cmd;
}
