import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { startCommand } from './commands/start.ts';
import { migrateCommand } from './commands/migrate.ts';
import { tenantCommand } from './commands/tenant.ts';
import { userCommand } from './commands/user.ts';
import { apikeyCommand } from './commands/apikey.ts';
import { inboxCommand } from './commands/inbox.ts';
import { sendCommand } from './commands/send.ts';
import { campaignCommand } from './commands/campaign.ts';
import { simulatorCommand } from './commands/simulator.ts';
import { importCommand } from './commands/import.ts';
import { contactsCommand } from './commands/contacts.ts';

const program = new Command('tidings')
  .description('Tidings — SMS group-sending platform: server, administration and API client')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(startCommand());
program.addCommand(migrateCommand());
program.addCommand(tenantCommand());
program.addCommand(userCommand());
program.addCommand(apikeyCommand());
program.addCommand(inboxCommand());
program.addCommand(sendCommand());
program.addCommand(campaignCommand());
program.addCommand(simulatorCommand());
program.addCommand(importCommand());
program.addCommand(contactsCommand());

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
