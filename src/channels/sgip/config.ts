// SGIP channel configuration: validated with zod, defaults filled in.
import { z } from 'zod';

/** The zod schema of an sgip channel (China Unicom SMG, SGIP 1.2). */
export const sgipConfigSchema = z.object({
  name: z.string().min(1),
  type: z.literal('sgip'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(8801),
  /** The SMG login the carrier gave us (Bind login type 1). */
  loginName: z.string().min(1).max(16),
  password: z.string().max(16),
  /** Our SP node number (3AAAAQQQQQ), the first part of every sequence number. */
  nodeId: z.number().int().min(0).max(0xffffffff),
  /** Where the SMG connects back to us (Bind login type 2) with MO and reports: address ('0.0.0.0' = every interface) and port (8801 by the spec; 0 = any free port). */
  listenHost: z.string().min(1).default('0.0.0.0'),
  listenPort: z.number().int().min(0).max(65535).default(8801),
  /** The login name we gave the SMG for its Bind, and its password (named like every secret, so it is never shown). */
  listenLoginName: z.string().min(1).max(16),
  sharedSecret: z.string().max(16),
  /** Connections the SMG may hold at once (more are refused with result 3). */
  listenMaxConnections: z.number().int().min(1).max(256).default(16),
  /** A connection of the SMG idle this long is closed (the spec's default is 60 s). */
  listenIdleSeconds: z.number().min(1).default(60),
  binds: z.number().int().min(1).max(64).default(1),
  /** Commands awaiting an answer per connection (the spec allows at most 32). */
  window: z.number().int().min(1).max(32).default(16),
  tps: z.number().min(0).default(0),
  /** SPNumber when a message has none: the access number (+ extension). */
  spNumber: z.string().max(21).default(''),
  /** ChargeNumber: 21 zeros = the SP pays; '' = the recipient pays. */
  chargeNumber: z.string().max(21).default('000000000000000000000'),
  /** CorpId, the enterprise code (5 digits). */
  corpId: z.string().max(5).default(''),
  /** ServiceType, the business code. */
  serviceType: z.string().max(10).default(''),
  /** FeeType 0–4 (§5.3; 1 = free); FeeValue / GivenValue in fen. */
  feeType: z.number().int().min(0).max(4).default(1),
  feeValue: z.string().regex(/^\d{0,6}$/).default('0'),
  givenValue: z.string().regex(/^\d{0,6}$/).default('0'),
  agentFlag: z.union([z.literal(0), z.literal(1)]).default(0),
  /** MorelatetoMTFlag: 2 = not caused by an MO. */
  moRelated: z.number().int().min(0).max(3).default(2),
  priority: z.number().int().min(0).max(9).default(0),
  /** Chinese text as UCS-2 (8) or GBK (15). */
  chineseFormat: z.union([z.literal(8), z.literal(15)]).default(8),
  responseTimeoutMs: z.number().int().min(10).default(30_000),
  reconnect: z.object({ minMs: z.number().int().min(1).default(500), maxMs: z.number().int().min(1).default(30_000) }).default({ minMs: 500, maxMs: 30_000 }),
  configRetryMs: z.number().int().min(1).default(60_000),
  maxAttempts: z.number().int().min(1).default(10),
  submitDeadlineMs: z.number().int().min(100).default(120_000),
  reassemblyTimeoutMs: z.number().int().min(10).default(60_000),
});

/** A validated sgip channel configuration with every default filled in. */
export type SgipConfig = z.output<typeof sgipConfigSchema>;
/** What a user may write. */
export type SgipConfigInput = z.input<typeof sgipConfigSchema>;

/** What the listener needs: where, whom to let in, limits. */
export interface ListenOptions {
  host: string;
  port: number;
  loginName: string;
  password: string;
  maxConnections: number;
  idleSeconds: number;
  responseTimeoutMs: number;
}

/** The listener's options of a config. */
export function listenOptions(c: SgipConfig): ListenOptions {
  return {
    host: c.listenHost, port: c.listenPort, loginName: c.listenLoginName, password: c.sharedSecret,
    maxConnections: c.listenMaxConnections, idleSeconds: c.listenIdleSeconds, responseTimeoutMs: c.responseTimeoutMs,
  };
}

/** Validates and fills defaults; throws a ZodError naming the field. */
export function parseSgipConfig(input: unknown): SgipConfig {
  return sgipConfigSchema.parse(input);
}
