import { Command } from 'commander';
import { loadConfig, databaseTarget } from '../../config.ts';
import { openStore } from '../../store/dialect.ts';
import { migrate } from '../../store/migrations/index.ts';

/** `tidings migrate`: applies pending migrations to the configured database; running it twice changes nothing. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (also done by start)')
    .action(async () => {
      const config = loadConfig();
      const store = openStore(databaseTarget(config));
      try {
        const applied = await migrate(store.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      } finally {
        await store.close();
      }
    });
}
