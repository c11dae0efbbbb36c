import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

/** Every command, loaded on demand: running one command loads only its module (a fast start for scripts). */
const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.ts')).startCommand(),
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand(),
  tenant: async () => (await import('./commands/tenant.ts')).tenantCommand(),
  user: async () => (await import('./commands/user.ts')).userCommand(),
  apikey: async () => (await import('./commands/apikey.ts')).apikeyCommand(),
  inbox: async () => (await import('./commands/inbox.ts')).inboxCommand(),
  send: async () => (await import('./commands/send.ts')).sendCommand(),
  campaign: async () => (await import('./commands/campaign.ts')).campaignCommand(),
  simulator: async () => (await import('./commands/simulator.ts')).simulatorCommand(),
  import: async () => (await import('./commands/import.ts')).importCommand(),
  signature: async () => (await import('./commands/signature.ts')).signatureCommand(),
  complaints: async () => (await import('./commands/complaints.ts')).complaintsCommand(),
  contacts: async () => (await import('./commands/contacts.ts')).contactsCommand(),
  service: async () => (await import('./commands/services.ts')).servicesCommand(),
  lottery: async () => (await import('./commands/lottery.ts')).lotteryCommand(),
  automation: async () => (await import('./commands/automations.ts')).automationCommand(),
  event: async () => (await import('./commands/automations.ts')).eventCommand(),
  points: async () => (await import('./commands/points.ts')).pointsCommand(),
  'smpp-accounts': async () => (await import('./commands/smpp-accounts.ts')).smppAccountsCommand(),
};

const program = new Command('tidings')
  .description('Tidings — SMS group-sending platform: server, administration and API client')
  .showHelpAfterError()
  .exitOverride();

const named = process.argv[2];
for (const name of named && Object.hasOwn(commands, named) ? [named] : Object.keys(commands)) program.addCommand(await commands[name]());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof ConfigError || e instanceof DomainError) {
    process.stderr.write(`tidings: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
