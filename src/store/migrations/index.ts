import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.ts';
import * as m002 from './002_contacts.ts';
import * as m003 from './003_messaging.ts';
import * as m004 from './004_templates.ts';
import * as m005 from './005_inbound.ts';
import * as m006 from './006_dispatch.ts';
import * as m007 from './007_attributions.ts';
import * as m008 from './008_channel_binds.ts';
import * as m009 from './009_inbound_parts.ts';
import * as m013 from './013_services.ts';
import * as m014 from './014_automations.ts';
import * as m015 from './015_integrations.ts';
import * as m018 from './018_localized_replies.ts';
import * as m019 from './019_signatures_complaints.ts';
import * as m020 from './020_points.ts';
import * as m021 from './021_lottery_codes.ts';
import * as m022 from './022_contact_sources.ts';
import * as m023 from './023_virtual_handsets.ts';
import * as m024 from './024_inbound_raw.ts';
import * as m025 from './025_smpp_server_mo.ts';
import * as m026 from './026_submitting.ts';
import * as m027 from './027_import_files.ts';
import * as m028 from './028_welcome_scans.ts';
import * as m029 from './029_submitted_by.ts';
import * as m030 from './030_link_ids.ts';
import * as m031 from './031_lottery_gifts.ts';
import * as m033 from './033_submit_multi.ts';
import * as m034 from './034_inbound_part_octets.ts';
import * as m035 from './035_click_code_index.ts';

/** Every migration in order; a new one is one more line here. */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_contacts': m002,
  '003_messaging': m003,
  '004_templates': m004,
  '005_inbound': m005,
  '006_dispatch': m006,
  '007_attributions': m007,
  '008_channel_binds': m008,
  '009_inbound_parts': m009,
  '013_services': m013,
  '014_automations': m014,
  '015_integrations': m015,
  '018_localized_replies': m018,
  '019_signatures_complaints': m019,
  '020_points': m020,
  '021_lottery_codes': m021,
  '022_contact_sources': m022,
  '023_virtual_handsets': m023,
  '024_inbound_raw': m024,
  '025_smpp_server_mo': m025,
  '026_submitting': m026,
  '027_import_files': m027,
  '028_welcome_scans': m028,
  '029_submitted_by': m029,
  '030_link_ids': m030,
  '031_lottery_gifts': m031,
  '033_submit_multi': m033,
  '034_inbound_part_octets': m034,
  '035_click_code_index': m035,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Applies every pending migration; running it again changes nothing. Returns the names applied now. Numbers were
 * reserved for work merged later (030 was added after 031, 033 and 034), so a pending migration may sort before applied
 * ones: it is applied all the same (each migration depends only on those numbered below it, never on when they ran).
 */
export async function migrate(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db, provider, migrationTableName: 'tidings_migration', migrationLockTableName: 'tidings_migration_lock', allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
