// CMPP channel configuration: validated with zod, defaults filled in (free messages, window 16, CMPP 3.0).
import { z } from 'zod';
import { Version } from './pdus.ts';

/** "3.0" / "2.0" as written by a user, or the Version octet itself (0x30 / 0x20). */
const version = z
  .union([z.literal(Version.v30), z.literal(Version.v20), z.literal('3.0'), z.literal('2.0')])
  .default(Version.v30)
  .transform((v) => (v === '3.0' ? Version.v30 : v === '2.0' ? Version.v20 : v));

const digits = (max: number) => z.string().max(max).regex(/^\d*$/, 'digits only');

/** The zod schema of a cmpp channel (DESIGN §5 channel shape plus CMPP specifics). */
export const cmppConfigSchema = z.object({
  name: z.string().min(1),
  type: z.literal('cmpp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(7890),
  version,
  /** SP_Id (企业代码): CMPP_CONNECT's Source_Addr and CMPP_SUBMIT's Msg_src. */
  spId: z.string().min(1).max(6),
  /** The shared secret agreed with China Mobile (never shown or logged). */
  sharedSecret: z.string().max(64),
  /** Check the gateway's AuthenticatorISMG (a gateway that cannot prove the secret is refused). */
  verifyIsmg: z.boolean().default(true),
  /** Service_Id (业务代码) of every submit. */
  serviceId: z.string().max(10).default(''),
  /** The SP service number (服务代码, e.g. 1069…): Src_Id when a message has no sender; senders are service number + extension codes. */
  serviceNumber: digits(21).default(''),
  binds: z.number().int().min(1).max(64).default(1),
  /** Submits in flight per bind (the spec suggests 16). */
  window: z.number().int().min(1).max(10_000).default(16),
  /** Segments per second across all binds; 0 = unlimited. */
  tps: z.number().min(0).default(0),
  /** Fee_UserType: 0 the recipient, 1 the sender, 2 the SP (default), 3 Fee_terminal_Id. */
  feeUserType: z.number().int().min(0).max(3).default(2),
  /** Fee_terminal_Id, when feeUserType is 3. */
  feeTerminalId: digits(21).default(''),
  /** FeeType: 01 free (default), 02 per message, 03 monthly. */
  feeType: z.enum(['01', '02', '03']).default('01'),
  /** FeeCode in fen (分), up to 6 digits. */
  feeCode: digits(6).default('0'),
  /** Msg_level (0–9). */
  msgLevel: z.number().int().min(0).max(9).default(0),
  /** LinkID of on-demand (点播) services, when the gateway requires it (CMPP 3.0 only). */
  linkId: z.string().max(20).default(''),
  /** ValId_Time in hours from submit (0 = the gateway's default). */
  validHours: z.number().int().min(0).max(72).default(0),
  /** Non-ASCII text as UCS-2 (Msg_Fmt 8) or GBK (Msg_Fmt 15; UCS-2 when GBK cannot hold a text). */
  chineseFormat: z.enum(['ucs2', 'gbk']).default('ucs2'),
  /** Concatenation reference of long messages: 8-bit (udh8) or 16-bit (udh16). */
  concat: z.enum(['udh8', 'udh16']).default('udh8'),
  /** Dest_terminal_Id: national (13800138000, +86 removed) or international (8613800138000). */
  destFormat: z.enum(['national', 'international']).default('national'),
  /** Idle seconds before an ACTIVE_TEST; 0 = none. */
  activeTestSeconds: z.number().min(0).default(60),
  /** ACTIVE_TESTs left unanswered in a row before the bind is dropped and reconnected. */
  activeTestMisses: z.number().int().min(1).max(10).default(3),
  responseTimeoutMs: z.number().int().min(10).default(10_000),
  reconnect: z.object({ minMs: z.number().int().min(1).default(500), maxMs: z.number().int().min(1).default(30_000) }).default({ minMs: 500, maxMs: 30_000 }),
  /** Wait after the gateway refused our login before trying again (no reconnect storm). */
  configRetryMs: z.number().int().min(1).default(60_000),
  /** Per-part retries of throttled/retryable answers, and the overall deadline of one submit. */
  maxAttempts: z.number().int().min(1).default(10),
  submitDeadlineMs: z.number().int().min(100).default(120_000),
  /** How long to wait for the missing parts of a long inbound message. */
  reassemblyTimeoutMs: z.number().int().min(10).default(60_000),
});

/** A validated cmpp channel configuration with every default filled in. */
export type CmppConfig = z.output<typeof cmppConfigSchema>;
/** What a user may write: optional fields may be left out. */
export type CmppConfigInput = z.input<typeof cmppConfigSchema>;

/** Validates and fills defaults; throws a ZodError naming the field. */
export function parseCmppConfig(input: unknown): CmppConfig {
  return cmppConfigSchema.parse(input);
}
