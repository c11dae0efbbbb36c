// SMGP channel configuration: validated with zod, defaults filled in.
import { z } from 'zod';
import { LoginMode } from './pdus.ts';

/** The zod schema of an smgp channel (China Telecom SMGW, SMGP 3.0.3). */
export const smgpConfigSchema = z.object({
  name: z.string().min(1),
  type: z.literal('smgp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** ClientID: the SP's login account (its service code), at most 8 characters. */
  clientId: z.string().min(1).max(8),
  /** Shared secret of the MD5 authenticator, at most 15 octets. */
  secret: z.string().max(15),
  /** transmit (each bind sends and receives, the usual), send+receive (`binds` send logins and as many receive logins), send or receive only. */
  loginMode: z.enum(['transmit', 'send+receive', 'send', 'receive']).default('transmit'),
  /** Check the SMGW's AuthenticatorServer (off only for a gateway known to fill it wrongly). */
  verifyServer: z.boolean().default(true),
  binds: z.number().int().min(1).max(64).default(1),
  /** Requests in flight per bind (the spec suggests 16). */
  window: z.number().int().min(1).max(10_000).default(16),
  tps: z.number().min(0).default(0),
  /** SrcTermID when a message has none: 118 + SP service code (+ extension), at most 21 digits. */
  spNumber: z.string().max(21).default(''),
  /** ServiceID, the business code (§6.2.12). */
  serviceId: z.string().max(10).default(''),
  /** FeeType 00 free, 01 per message, 02 monthly, 03 capped; FeeCode / FixedFee in fen. */
  feeType: z.enum(['00', '01', '02', '03']).default('00'),
  feeCode: z.string().regex(/^\d{0,6}$/).default('0'),
  fixedFee: z.string().regex(/^\d{0,6}$/).default('0'),
  /** ChargeTermID: '' charges the recipient per FeeType. */
  chargeTermId: z.string().max(21).default(''),
  priority: z.number().int().min(0).max(3).default(1),
  /** MsgSrc TLV (SP code / enterprise code), sent when set. */
  msgSrc: z.string().max(8).default(''),
  /** MServiceID TLV (mobile-network product id), sent when set. */
  mServiceId: z.string().max(21).default(''),
  /** Chinese text as GB18030 (15, the spec's requirement for text) or UCS-2 (8). */
  chineseFormat: z.union([z.literal(15), z.literal(8)]).default(15),
  /** Destination numbers: as stored (86…) or national (leading 86 removed). */
  destNumbers: z.enum(['international', 'national']).default('international'),
  activeTestSeconds: z.number().min(0).default(180),
  responseTimeoutMs: z.number().int().min(10).default(60_000),
  reconnect: z.object({ minMs: z.number().int().min(1).default(500), maxMs: z.number().int().min(1).default(30_000) }).default({ minMs: 500, maxMs: 30_000 }),
  configRetryMs: z.number().int().min(1).default(60_000),
  maxAttempts: z.number().int().min(1).default(10),
  submitDeadlineMs: z.number().int().min(100).default(120_000),
  reassemblyTimeoutMs: z.number().int().min(10).default(60_000),
});

/** A validated smgp channel configuration with every default filled in. */
export type SmgpConfig = z.output<typeof smgpConfigSchema>;
/** What a user may write. */
export type SmgpConfigInput = z.input<typeof smgpConfigSchema>;

/** The LoginMode octet of a bind slot: the config's mode, or with send+receive a send and a receive login in turn (more binds only add slots). */
export function slotMode(c: SmgpConfig, slot: number): number {
  if (c.loginMode !== 'send+receive') return LoginMode[c.loginMode];
  return slot % 2 === 0 ? LoginMode.send : LoginMode.receive;
}

/** Validates and fills defaults; throws a ZodError naming the field. */
export function parseSmgpConfig(input: unknown): SmgpConfig {
  return smgpConfigSchema.parse(input);
}
