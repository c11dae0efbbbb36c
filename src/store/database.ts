import type { Generated, Kysely, Transaction } from 'kysely';

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
  /** Where it was created (see domain/contacts.ts contactSources); null for contacts from before sources were kept. */
  source?: string | null; import_id?: string | null;
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
  error: string | null; lease_until: string | null; created_at: string; started_at: string | null; finished_at: string | null; updated_at: string;
  /** 1 once the uploaded file is complete in import_file_chunks (PostgreSQL). */
  file_stored: number;
}
/** A piece of an import's uploaded file, in order (seq), so any node can resume the import. */
export interface ImportFileChunksTable { import_id: string; seq: number; data: Buffer }
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

/** A carrier connection configured by the platform operator (config JSON holds the secrets; never shown). */
export interface ChannelsTable {
  id: string; name: string; type: string; config: string; enabled: number; state: string | null; state_reason: string | null;
  counters: string | null; state_at: string | null; created_at: string; updated_at: string;
}
/** A worker node that runs channels, alive while `seen_until` is ahead. */
export interface WorkerNodesTable { id: string; started_at: string; seen_until: string }
/** A numbered bind of a channel held by one worker node under a lease. */
export interface ChannelBindsTable { channel_id: string; slot: number; node_id: string; lease_until: string }
/** What one worker node last saw of a channel (counters as JSON). */
export interface ChannelNodeStatesTable { channel_id: string; node_id: string; state: string; reason: string | null; counters: string; at: string }
/** A routing rule: which channel carries which traffic, at what price per segment (minor units); lowest position first. */
export interface RoutesTable {
  id: string; tenant_id: string | null; position: number; carrier: string | null; country: string | null; prefix: string | null;
  category: string | null; channel_id: string; price: string | number; enabled: number; created_at: string;
}
/** A campaign: audience, message, schedule and options; `cursor` lets materialisation resume after a crash. */
export interface CampaignsTable {
  id: string; tenant_id: string; name: string; status: string; category: string; text: string | null; template_id: string | null;
  audience: string; channel: string | null; options: string; schedule_at: string | null; cron: string | null; cursor: string | null;
  materialized: number; pause_reason: string | null; lease_until: string | null; created_at: string; updated_at: string;
  started_at: string | null; completed_at: string | null;
}
/** One message to one recipient: rendered text, state, route, carrier ids and the lease of the worker sending it. */
export interface MessagesTable {
  id: string; tenant_id: string; campaign_id: string | null; contact_id: string | null; phone: string; sender: string | null;
  text: string; category: string; priority: number; status: string; reason: string | null; segments: number; price: string | number;
  channel_id: string | null; route_id: string | null; carrier: string | null; region: string | null; carrier_ids: string | null;
  parts_done: number; carrier_stat: string | null; carrier_err: string | null; error: string | null; attempts: number; resubmitted: number;
  not_before: string | null; lease_owner: string | null; lease_until: string | null; created_at: string;
  submitted_at: string | null; done_at: string | null;
  /** 1 while the lease holder may have handed the message to its carrier and no outcome is written yet (a re-claim counts it resubmitted). */
  submitting: Generated<number>;
  /** The node (dispatcher lease owner) that recorded the carrier's acceptance of the message. */
  submitted_by: string | null;
  /** The carrier log: one `<ISO time> →|← <PDU summary>` line per PDU (secrets redacted), kept for TIDINGS_CHANNEL_LOG_DAYS. */
  channel_log: string | null;
  /** The LinkID of the on-demand MO this message answers (its submit carries it back), or null. */
  link_id: Generated<string | null>;
}
/** The carrier id of one submitted part, for matching receipts on (channel, carrier id). */
export interface CarrierIdsTable { channel_id: string; carrier_id: string; message_id: string; part: number }
/** A receipt that arrived before its carrier id was stored; matched when the id lands. */
export interface PendingReceiptsTable { channel_id: string; carrier_id: string; status: string; stat: string; err: string | null; done_at: string | null; received_at: string }
/** Every movement of a tenant balance (minor units, signed) and the balance after it. */
export interface LedgerTable {
  id: string; tenant_id: string; kind: string; amount: string | number; balance_after: string | number; campaign_id: string | null;
  message_id: string | null; note: string | null; actor: string | null; at: string;
}
/** A tenant webhook endpoint; payloads are signed with its secret (HMAC-SHA256). */
export interface WebhooksTable { id: string; tenant_id: string; url: string; secret: string; events: string; enabled: number; created_at: string }
/** One event to deliver to a webhook, with its attempts: the delivery log. */
export interface WebhookDeliveriesTable {
  id: string; tenant_id: string; webhook_id: string; event: string; payload: string; status: string; attempts: number;
  next_attempt_at: string | null; lease_until: string | null; lease_owner: string | null; last_status_code: number | null; last_error: string | null;
  created_at: string; delivered_at: string | null;
}
/** A remembered response to a request sent with an Idempotency-Key. */
export interface IdempotencyKeysTable { tenant_id: string; key: string; request_hash: string; status_code: number; response: string; created_at: string }

/** One attempt to deliver a webhook event: the delivery log. */
export interface WebhookAttemptsTable {
  id: string; delivery_id: string; tenant_id: string; attempt: number; at: string; status_code: number | null; error: string | null; duration_ms: number;
}
/** A platform service number on a channel (null = any); `tenant_id` set = dedicated to that tenant. */
export interface ServiceNumbersTable { id: string; number: string; channel_id: string | null; tenant_id: string | null; description: string | null; created_at: string }
/** An extension code: scope '*' = a tenant's code appended to shared numbers; scope = tenant id for a campaign code. */
export interface ExtensionCodesTable { id: string; scope: string; tenant_id: string; campaign_id: string | null; code: string; created_at: string }
/** A mobile-originated message as received, with its attribution and what the router did with it. */
export interface InboundMessagesTable {
  id: string; tenant_id: string | null; campaign_id: string | null; contact_id: string | null; conversation_id: string | null;
  channel_id: string | null; channel: string; phone: string; raw_from: string; to_number: string; text: string; data_coding: number;
  parts: number; incomplete: number; attribution: string; action: string; keyword: string | null; rule_id: string | null;
  reply_message_id: string | null; reply_status: string | null; read_at: string | null; received_at: string; created_at: string;
  /** The octets as received (hex) when they did not decode in their coding; null when the text is exact. */
  raw_content: string | null;
  /** The gateway's LinkID of an on-demand MO (CMPP 3.0, SMGP), which a reply to it carries back; null when none. */
  link_id: string | null;
}
/** A stored part of a long inbound message, waiting for the others (see worker/inbound-parts.ts). */
export interface InboundPartsTable {
  channel_id: string; source: string; destination: string; ref: number; total: number; seq: number; text: string; channel: string;
  data_coding: number; received_at: string; expires_at: string;
  /** The part's octets as received (hex), when its protocol gives them; with `undecodable` 1 when its text did not decode. */
  raw_content?: string | null; undecodable?: number;
  /** The gateway's LinkID the part came with (CMPP 3.0, SMGP), or null. */
  link_id?: string | null;
}
/** An inbox conversation: one per (tenant, number). */
export interface ConversationsTable {
  id: string; tenant_id: string; phone: string; contact_id: string | null; unread: number; assigned_to: string | null; status: string;
  last_text: string | null; last_direction: string | null; last_at: string; created_at: string; updated_at: string;
}
/** A tenant's opt-out / opt-in / help word lists (JSON arrays; null = defaults) and automatic reply texts. */
export interface KeywordSettingsTable {
  tenant_id: string; languages: string | null; opt_out_words: string | null; opt_in_words: string | null; help_words: string | null;
  opt_out_reply: string | null; opt_in_reply: string | null; help_reply: string | null; updated_at: string;
  /** JSON {kind: {language: text}}: the tenant's confirmations per recipient language (null: none of its own). */
  localized_replies: string | null;
}
/** A keyword auto-reply rule of a tenant. */
export interface KeywordRulesTable {
  id: string; tenant_id: string; name: string; match: string; pattern: string; reply: string | null; position: number;
  active_from: string | null; active_until: string | null; enabled: number; hits: number; created_at: string; updated_at: string;
}

/** A message template; marketing templates are sent only when approved (status draft|pending|approved|rejected). */
export interface TemplatesTable {
  id: string; tenant_id: string; name: string; category: string; text: string; status: string; review_note: string | null;
  submitted_at: string | null; approved_by: string | null; approved_at: string | null; created_at: string; updated_at: string;
}
/** A sensitive word: `scope` is a tenant id, or '*' for the platform list; `normalized` (NFKC, lower case) is unique per scope. */
export interface SensitiveWordsTable { id: string; scope: string; word: string; normalized: string; created_at: string }

/** An interactive service of a tenant (src/services/): draft → live → closed; keywords and config are JSON. */
export interface ServicesTable {
  id: string; tenant_id: string; type: string; name: string; status: string; version: number; number: string | null;
  keywords: string; config: string; opened_at: string | null; closed_at: string | null; created_at: string; updated_at: string;
}
/** The keywords and config a service had at one version. */
export interface ServiceVersionsTable { service_id: string; version: number; keywords: string; config: string; created_at: string }
/** A keyword held by a service on an address (scope: digits, or 't:<tenant>' for all the tenant's addresses). */
export interface ServiceKeywordsTable { scope: string; keyword: string; tenant_id: string; service_id: string; created_at: string }
/** A conversation of a service with one number on one address; revision guards concurrent advances. */
export interface ServiceConversationsTable {
  id: string; tenant_id: string; service_id: string; service_version: number; phone: string; address: string; state: string;
  waiting_key: string | null; step: string | null; data: string; retries: number; revision: number; prompt: string | null;
  remind_at: string | null; expires_at: string | null; ended_reason: string | null; created_at: string; updated_at: string;
}
/** One answer given to a service (append-only). */
export interface ServiceResponsesTable {
  id: string; tenant_id: string; service_id: string; service_version: number; conversation_id: string | null; inbound_id: string;
  phone: string; step: string | null; raw: string; value: string | null; category: string; valid: number; score: number | null;
  received_at: string; created_at: string;
}
/** A keyed item a service keeps (rows, members, items, claims, counters), value JSON. */
export interface ServiceEntriesTable { service_id: string; kind: string; key: string; tenant_id: string; value: string; created_at: string; updated_at: string }
/** The first MO of a (tenant, address, sender, text) within the re-delivery window. */
export interface ServiceMoClaimsTable { key: string; inbound_id: string; at: string }
/** A lottery entry: one per (service, period, number); source = the keyword MO or the service that gave it. */
export interface LotteryEntriesTable {
  id: string; tenant_id: string; service_id: string; period: string; phone: string; contact_id: string | null; source_type: string; source_id: string; created_at: string;
}
/** A draw (or the instant-win schedule) of a lottery: the published seed hash, then the revealed seed, frozen list and winners (JSON). */
export interface LotteryDrawsTable {
  id: string; tenant_id: string; service_id: string; kind: string; status: string; algorithm: string; seed_hash: string; seed: string | null;
  prizes: string; win_again: number; entries: string | null; entries_hash: string | null; winners: string | null; all_win: number | null;
  draw_at: string | null; created_at: string; drawn_at: string | null;
}
/** A winning moment of an instant-win lottery: taken once by the first entry at or after it. */
export interface LotteryMomentsTable { id: string; tenant_id: string; service_id: string; prize: string; at: string; entry_id: string | null }
/** A winner with the claim code sent by SMS, what was given (`award`: points | gift | substitute | out_of_stock | name), the points credited and the gift's redemption. */
export interface LotteryWinnersTable {
  id: string; tenant_id: string; service_id: string; draw_id: string | null; entry_id: string; phone: string; prize: string; claim_code: string; points: number; created_at: string;
  award: string; gift_id: string | null; redemption_id: string | null;
}
/** A batch of anti-counterfeit codes of a product (generated: codes derived from the secret, `skipped` indices JSON). */
export interface CodeBatchesTable {
  id: string; tenant_id: string; product: string; name: string; source: string; length: number; count: number; skipped: string; expires_at: string | null; created_at: string;
}
/** A code as its keyed hash, with its check count and first check. */
export interface CodesTable { tenant_id: string; hash: string; batch_id: string; checks: number; first_checked_at: string | null; first_phone: string | null }
/** One check of a code by SMS (statistics). */
export interface CodeChecksTable {
  id: string; tenant_id: string; service_id: string; batch_id: string | null; product: string | null; result: string; phone: string; province: string | null; at: string;
}
/** An automation of a tenant: its trigger, conditions and steps as JSON (`definition`), the report of its last run. */
export interface AutomationsTable {
  id: string; tenant_id: string; name: string; status: string; category: string; trigger_type: string; definition: string; last_run: string | null;
  activated_at: string | null; lease_until: string | null; created_at: string; updated_at: string;
}
/** One message an automation will send (or sent) to a contact: unique per (automation, contact, key, step). */
export interface AutomationOccurrencesTable {
  id: string; tenant_id: string; automation_id: string; contact_id: string; key: string; step: number; due_at: string; local_date: string | null;
  zone: string; source: string | null; vars: string | null; event_id: string | null; suppress_value: string | null; status: string; reason: string | null;
  message_id: string | null; lease_owner: string | null; lease_until: string | null; created_at: string; updated_at: string;
}
/** An event posted by an enterprise system, kept with what became of it. */
export interface AutomationEventsTable {
  id: string; tenant_id: string; type: string; idempotency_key: string; contact_id: string | null; phone: string | null; external_id: string | null;
  occurred_at: string; data: string; status: string; detail: string | null; received_at: string;
}
/** A day of the official calendar: a holiday or an adjusted working day (调休). */
export interface HolidaysTable { date: string; year: number; name: string; kind: string; target: string | null; updated_at: string }
/** A year the holiday calendar covers, and where its data came from (the library seed, or the platform admin). */
export interface HolidayYearsTable { year: number; source: string; updated_at: string }
/** An SMPP account of a tenant (Tidings as SMSC): lists are JSON arrays, the password only as its argon2id hash. */
export interface SmppAccountsTable {
  id: string; tenant_id: string; system_id: string; password_hash: string; bind_types: string; max_binds: number; tps: number; window: number;
  source_addresses: string; ip_allowlist: string; default_category: string; mo_delivery: string; mo_cursor: string; enabled: number; gsm7_packed: number;
  last_error: string | null; last_error_at: string | null; created_at: string; updated_at: string;
}
/** An SMPP session bound now on some node (renewed while it lives). */
export interface SmppSessionsTable { id: string; account_id: string; node_id: string; bind_type: string; address: string; bound_at: string; lease_until: string }
/** A submit accepted from an ESME: the id it was given (`reported_id` for a submit_multi's destination), the message it became, and its delivery receipt if still owed. */
export interface SmppSubmitsTable {
  id: string; tenant_id: string; account_id: string; message_id: string; source: string; destination: string; registered_delivery: number;
  submitted_at: string; reported_id: string | null; receipt_owed: number; receipt_sent_at: string | null; lease_owner: string | null; lease_until: string | null;
}
/** An inbound message owed to an account's receivers until one acknowledged its deliver_sm (leased while being sent). */
export interface SmppMoTable {
  id: string; account_id: string; inbound_id: string; from_number: string; to_number: string; text: string; created_at: string; lease_owner: string | null; lease_until: string | null;
}
/** A tracked short link of one recipient: `code` is the unguessable path on the tenant's link domain. */
export interface LinksTable {
  code: string; tenant_id: string; url: string; campaign_id: string | null; message_id: string | null; phone: string | null; created_at: string; expires_at: string;
}
/** One open of a short link; `bot` marks link-preview fetches and crawlers (not counted as clicks). */
export interface LinkClicksTable {
  id: string; code: string; tenant_id: string; campaign_id: string | null; at: string; user_agent: string | null; address_hash: string; bot: number;
}
/** A signature (签名) a tenant applied for, with its company, licence number and proof file; only approved ones are used. */
/** A virtual handset a tenant created (its number is the tenant's alone). */
export interface VirtualHandsetsTable { number: string; tenant_id: string; created_at: string }

export interface SignaturesTable {
  id: string; tenant_id: string; text: string; company_name: string; licence_number: string; proof_name: string | null; proof_type: string | null;
  proof_size: number | null; proof: Buffer | null; status: string; demo: number; review_note: string | null; reviewed_by: string | null;
  reviewed_at: string | null; submitted_at: string; created_at: string; updated_at: string;
}
/** A recipient's opt-out or complaint (by keyword) in an MO, with the campaign, channel and message it answers. */
export interface ComplaintsTable {
  id: string; tenant_id: string; kind: string; inbound_id: string; campaign_id: string | null; channel_id: string | null; message_id: string | null;
  phone: string; keyword: string | null; text: string; at: string;
}
/** Complaint thresholds and keywords as JSON: scope '*' for the platform, a tenant id for that tenant's override. */
export interface ComplaintPoliciesTable { scope: string; config: string; updated_by: string | null; updated_at: string }
/** A tenant whose marketing the platform suspended (lifting deletes the row; the audit log keeps the history). */
export interface MarketingSuspensionsTable { tenant_id: string; reason: string; suspended_by: string | null; suspended_at: string }

/** A contact's points account; `balance` is the sum of its entries (kept with each entry). */
export interface PointsAccountsTable { id: string; tenant_id: string; contact_id: string; balance: number; created_at: string; updated_at: string }
/** One ledger entry of a points account (append-only but for `remaining`, what is left of a credit to spend). */
export interface PointsEntriesTable {
  id: string; tenant_id: string; account_id: string; kind: string; points: number; remaining: number; expires_at: string | null;
  source_type: string; source_id: string; note: string | null; allocations: string | null; created_at: string;
}
/** A gift of the tenant's catalogue. */
export interface GiftsTable { id: string; tenant_id: string; code: string; name: string; points: number; stock: number; starts_at: string | null; ends_at: string | null; created_at: string; updated_at: string }
/** A redemption of a gift with its fulfilment state. */
export interface RedemptionsTable { id: string; tenant_id: string; gift_id: string; contact_id: string; points: number; status: string; channel: string; note: string | null; created_at: string; updated_at: string }
/** A refer-a-friend invitation. */
export interface ReferralsTable {
  id: string; tenant_id: string; service_id: string; referrer_contact_id: string; referrer_phone: string; friend_phone: string; friend_contact_id: string | null;
  status: string; invited_at: string; expires_at: string; joined_at: string | null;
}

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
  import_file_chunks: ImportFileChunksTable;
  consents: ConsentsTable;
  blocklist: BlocklistTable;
  suppressions: SuppressionsTable;
  channels: ChannelsTable;
  worker_nodes: WorkerNodesTable;
  channel_binds: ChannelBindsTable;
  channel_node_states: ChannelNodeStatesTable;
  routes: RoutesTable;
  campaigns: CampaignsTable;
  messages: MessagesTable;
  carrier_ids: CarrierIdsTable;
  pending_receipts: PendingReceiptsTable;
  ledger: LedgerTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  webhook_attempts: WebhookAttemptsTable;
  service_numbers: ServiceNumbersTable;
  extension_codes: ExtensionCodesTable;
  inbound_messages: InboundMessagesTable;
  inbound_parts: InboundPartsTable;
  conversations: ConversationsTable;
  keyword_settings: KeywordSettingsTable;
  keyword_rules: KeywordRulesTable;
  templates: TemplatesTable;
  sensitive_words: SensitiveWordsTable;
  services: ServicesTable;
  service_versions: ServiceVersionsTable;
  service_keywords: ServiceKeywordsTable;
  service_conversations: ServiceConversationsTable;
  service_responses: ServiceResponsesTable;
  service_entries: ServiceEntriesTable;
  service_mo_claims: ServiceMoClaimsTable;
  lottery_entries: LotteryEntriesTable;
  lottery_draws: LotteryDrawsTable;
  lottery_moments: LotteryMomentsTable;
  lottery_winners: LotteryWinnersTable;
  code_batches: CodeBatchesTable;
  codes: CodesTable;
  code_checks: CodeChecksTable;
  automations: AutomationsTable;
  automation_occurrences: AutomationOccurrencesTable;
  automation_events: AutomationEventsTable;
  holidays: HolidaysTable;
  holiday_years: HolidayYearsTable;
  smpp_accounts: SmppAccountsTable;
  smpp_sessions: SmppSessionsTable;
  smpp_submits: SmppSubmitsTable;
  smpp_mo: SmppMoTable;
  links: LinksTable;
  link_clicks: LinkClicksTable;
  signatures: SignaturesTable;
  virtual_handsets: VirtualHandsetsTable;
  complaints: ComplaintsTable;
  complaint_policies: ComplaintPoliciesTable;
  marketing_suspensions: MarketingSuspensionsTable;
  points_accounts: PointsAccountsTable;
  points_entries: PointsEntriesTable;
  gifts: GiftsTable;
  redemptions: RedemptionsTable;
  referrals: ReferralsTable;
}

/** The database handle or a transaction; repository functions take either. */
export type Db = Kysely<Database> | Transaction<Database>;
