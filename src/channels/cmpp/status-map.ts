// CMPP statuses → ours: a status report's Stat word → message status, a SUBMIT_RESP Result → SendError kind,
// a CONNECT_RESP Status → the readable reason a channel is down.
import type { ReceiptStatus } from '../channel.ts';
import { configError, SendError, type SendErrorKind } from '../errors.ts';
import { connectStatusName, resultName } from './pdus.ts';

const STAT = new Map<string, ReceiptStatus>([
  ['DELIVRD', 'delivered'],
  ['EXPIRED', 'expired'],
  ['UNDELIV', 'undelivered'],
  ['REJECTD', 'rejected'],
  ['DELETED', 'failed'],
  ['UNKNOWN', 'failed'],
  ['ACCEPTD', 'submitted'],
  ['ENROUTE', 'submitted'],
]);

/** A network element's code (MA:0001, MB:…, CA:…, IB:…, …): the message could not be delivered somewhere along the way. */
const ELEMENT_CODE = /^[A-Z]{2}:\w{1,4}$/;

/**
 * Our status for a Stat word (any case, padding trimmed): the final states of table 1, ACCEPTD as intermediate, and
 * an element code like MA:0001 / MB:0008 / CA:… as undelivered; anything else is failed. The caller keeps the word.
 */
export function statStatus(stat: string): ReceiptStatus {
  const word = STAT.get(stat);
  if (word) return word;
  const clean = stat.replace(/\0+$/, '').trim().toUpperCase();
  return STAT.get(clean) ?? (ELEMENT_CODE.test(clean) ? 'undelivered' : 'failed');
}

/** The error code a Stat word carries: the word itself unless it is DELIVRD (or empty). */
export function statError(stat: string): string | null {
  if (stat === 'DELIVRD') return null;
  const clean = stat.trim();
  return clean === '' || clean.toUpperCase() === 'DELIVRD' ? null : clean;
}

const KIND = new Map<number, SendErrorKind>([
  [8, 'throttled'], // 流量控制错
  [3, 'retryable'], // sequence repeated: a new attempt gets a new one
  [7, 'config'], // Service_Id wrong: the channel's setting
  [11, 'config'], // Msg_src wrong: the channel's SP code
]);

/** What a non-zero SUBMIT_RESP Result means: 8 flow control → throttled; unknown and message-specific codes → permanent. */
export function resultKind(result: number): SendErrorKind {
  return KIND.get(result) ?? 'permanent';
}

/** A SendError for a SUBMIT_RESP Result, its code "cmpp:N". */
export function sendErrorFor(result: number): SendError {
  return new SendError(resultKind(result), `CMPP_SUBMIT refused: result ${resultName(result)}`, `cmpp:${result}`);
}

/** The config error of a refused login: "the gateway refused the login: status 3 (authentication)". */
export function connectError(status: number): SendError {
  return configError(`the gateway refused the login: status ${connectStatusName(status)}`, `cmpp-connect:${status}`);
}
