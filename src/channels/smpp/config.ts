// SMPP channel configuration: validated with zod, defaults filled in.
import { z } from 'zod';

const idFormat = z.enum(['asis', 'hex', 'decimal']);

/** The zod schema of an smpp channel (DESIGN §5 channel shape plus SMPP specifics). */
export const smppConfigSchema = z.object({
  name: z.string().min(1),
  type: z.literal('smpp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  systemId: z.string().min(1).max(15),
  password: z.string().max(8),
  systemType: z.string().max(12).default(''),
  binds: z.number().int().min(1).max(64).default(1),
  bindMode: z.enum(['transceiver', 'transmitter+receiver']).default('transceiver'),
  window: z.number().int().min(1).max(10_000).default(10),
  /** Segments per second across all binds; 0 = unlimited. */
  tps: z.number().min(0).default(0),
  idFormat: z
    .union([idFormat, z.object({ submit: idFormat, receipt: idFormat })])
    .default('asis')
    .transform((v) => (typeof v === 'string' ? { submit: v, receipt: v } : v)),
  sourceTon: z.number().int().min(0).max(255).default(5),
  sourceNpi: z.number().int().min(0).max(255).default(0),
  destTon: z.number().int().min(0).max(255).default(1),
  destNpi: z.number().int().min(0).max(255).default(1),
  /** Sender used when a message has none. */
  defaultSource: z.string().max(20).default(''),
  enquireLinkSeconds: z.number().min(0).default(30),
  responseTimeoutMs: z.number().int().min(10).default(10_000),
  reconnect: z.object({ minMs: z.number().int().min(1).default(500), maxMs: z.number().int().min(1).default(30_000) }).default({ minMs: 500, maxMs: 30_000 }),
  /** Wait after the carrier refused our credentials before trying again. */
  configRetryMs: z.number().int().min(1).default(60_000),
  concat: z.enum(['udh8', 'udh16', 'sar']).default('udh8'),
  /** data_coding for GSM-alphabet text: 0 (GSM-7 unpacked), 1 (IA5) or 3 (Latin-1); UCS-2 text always goes as 8. */
  defaultDataCoding: z.union([z.literal(0), z.literal(1), z.literal(3)]).default(0),
  /** Per-part retries of throttled/retryable answers, and the overall deadline of one submit. */
  maxAttempts: z.number().int().min(1).default(10),
  submitDeadlineMs: z.number().int().min(100).default(120_000),
  /** How long to wait for the missing parts of a concatenated inbound message. */
  reassemblyTimeoutMs: z.number().int().min(10).default(60_000),
});

/** A validated smpp channel configuration with every default filled in. */
export type SmppConfig = z.output<typeof smppConfigSchema>;
/** What a user may write: optional fields may be left out. */
export type SmppConfigInput = z.input<typeof smppConfigSchema>;

/** Validates and fills defaults; throws a ZodError naming the field. */
export function parseSmppConfig(input: unknown): SmppConfig {
  return smppConfigSchema.parse(input);
}
