import type { Kysely, Transaction } from 'kysely';

// Conventions: ids are text made by domain/ids.ts; timestamps are ISO-8601 UTC text; money is integer
// minor units, always read through `cast(… as text)` so it never passes through a lossy JS number.

/** A tenant: one enterprise account. */
export interface TenantsTable {
  id: string; slug: string; name: string; status: string; settings: string;
  balance: string | number; created_at: string; updated_at: string;
}
/** A user: a platform admin (tenant_id null, role 'platform') or a member of one tenant. */
export interface UsersTable {
  id: string; tenant_id: string | null; email: string; name: string; role: string; password_hash: string;
  language: string; created_at: string; updated_at: string; last_login_at: string | null; disabled_at: string | null;
}
/** An API key: the secret is shown once; only its SHA-256 and a visible prefix are kept. */
export interface ApiKeysTable {
  id: string; tenant_id: string | null; name: string; prefix: string; hash: string; role: string;
  created_by: string | null; created_at: string; last_used_at: string | null; revoked_at: string | null;
}
/** A console session: the cookie holds the token; only its SHA-256 is kept. */
export interface SessionsTable {
  id: string; user_id: string; csrf_token: string; created_at: string; expires_at: string;
  last_seen_at: string; ip: string | null; user_agent: string | null;
}
/** The audit log: who did what, when and from where. */
export interface AuditLogTable {
  id: string; tenant_id: string | null; actor_type: string; actor_id: string | null; action: string;
  target: string | null; details: string | null; ip: string | null; at: string;
}

/** A contact of a tenant: phone in E.164 (unique per tenant), custom fields as JSON text, attribution derived once. */
export interface ContactsTable {
  id: string; tenant_id: string; phone: string; name: string | null; language: string | null; timezone: string | null;
  fields: string; country: string | null; number_type: string | null; carrier: string | null; region: string | null;
  province: string | null; city: string | null; opted_out_at: string | null; opted_out_channel: string | null;
  created_at: string; updated_at: string; last_messaged_at: string | null; last_replied_at: string | null;
}
/** A typed custom field definition of a tenant (text, number, date, boolean). */
export interface ContactFieldsTable { id: string; tenant_id: string; key: string; label: string; type: string; created_at: string }
/** A tag on a contact. */
export interface ContactTagsTable { contact_id: string; tenant_id: string; tag: string }
/** A named group of contacts. */
export interface GroupsTable { id: string; tenant_id: string; name: string; description: string | null; created_at: string; updated_at: string }
/** Membership of a contact in a group. */
export interface ContactGroupsTable { group_id: string; contact_id: string; tenant_id: string; added_at: string }
/** A saved segment: a named filter in the segment language. */
export interface SegmentsTable { id: string; tenant_id: string; name: string; filter: string; created_at: string; updated_at: string }
/** A contact import job: its file, options, progress cursor and counters. */
export interface ImportsTable {
  id: string; tenant_id: string; status: string; file_path: string; file_name: string; options: string;
  total: number; imported: number; updated: number; duplicates: number; invalid: number; cursor_line: number;
  error: string | null; created_at: string; started_at: string | null; finished_at: string | null; updated_at: string;
}
/** A row an import rejected, with its line and reason, for the downloadable report. */
export interface ImportRejectsTable { import_id: string; line: number; reason: string; detail: string; raw: string }
/** Consent evidence of a contact for a purpose (marketing, notification). */
export interface ConsentsTable {
  id: string; tenant_id: string; contact_id: string; purpose: string; status: string; source: string; text_shown: string | null;
  ip: string | null; keyword: string | null; at: string; withdrawn_at: string | null; retain_until: string | null;
}
/** A blocked number: `scope` is a tenant id, or '*' for the platform blocklist. */
export interface BlocklistTable { id: string; scope: string; phone: string; reason: string | null; created_at: string }
/** A salted hash of an erased contact's number, so it is never messaged again. */
export interface SuppressionsTable { tenant_id: string; phone_hash: string; reason: string; created_at: string }

/** The Kysely database type: every table. */
export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  contacts: ContactsTable;
  contact_fields: ContactFieldsTable;
  contact_tags: ContactTagsTable;
  groups: GroupsTable;
  contact_groups: ContactGroupsTable;
  segments: SegmentsTable;
  imports: ImportsTable;
  import_rejects: ImportRejectsTable;
  consents: ConsentsTable;
  blocklist: BlocklistTable;
  suppressions: SuppressionsTable;
}

/** The database handle or a transaction; repository functions take either. */
export type Db = Kysely<Database> | Transaction<Database>;
