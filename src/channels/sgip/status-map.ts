// SGIP statuses → ours: a response's Result (spec §5.2) → SendError kind; a Report's State and ErrorCode → receipt
// status and the stat word of §5.4 (the original code kept in the receipt's err).
import type { ReceiptStatus } from '../channel.ts';
import { SendError, type SendErrorKind } from '../errors.ts';

const NAMES = new Map<number, string>([
  [0, 'success'], [1, 'illegal login'], [2, 'repeated login'], [3, 'too many connections'], [4, 'wrong login type'],
  [5, 'bad parameter format'], [6, 'illegal mobile number'], [7, 'bad message id'], [8, 'bad message length'],
  [9, 'illegal sequence number'], [10, 'illegal GNS operation'], [11, 'node busy'], [21, 'destination unreachable'],
  [22, 'routing error'], [23, 'no route'], [24, 'invalid charge number'], [25, 'user cannot be reached'],
  [26, 'handset memory full'], [27, 'handset does not support SMS'], [28, 'handset error'], [29, 'unknown user'],
  [30, 'function not provided'], [31, 'illegal device'], [32, 'system failure'], [33, 'SMSC queue full'],
]);

/** "result 1 (illegal login)". */
export function resultName(result: number): string {
  return `result ${result} (${NAMES.get(result) ?? 'unknown'})`;
}

const KIND = new Map<number, SendErrorKind>([
  [1, 'config'], [4, 'config'], [2, 'retryable'], [3, 'retryable'], [9, 'retryable'], [21, 'retryable'], [22, 'retryable'],
  [32, 'retryable'], [11, 'throttled'], [33, 'throttled'],
]);

/** What a non-zero Result means for the caller; anything unlisted (bad number, bad content) is permanent. */
export function resultKind(result: number): SendErrorKind {
  return KIND.get(result) ?? 'permanent';
}

/** A SendError for a response's Result; its code is "sgip:<result>" (the original kept). */
export function sendErrorFor(result: number, what: string): SendError {
  return new SendError(resultKind(result), `${what}: ${resultName(result)}`, `sgip:${result}`);
}

/** Report State (§4.2.3.5.1): 0 delivered, 1 waiting, 2 failed (ErrorCode says why). */
export function reportStatus(state: number, errorCode: number): { status: ReceiptStatus; stat: string } {
  if (state === 0) return { status: 'delivered', stat: 'DELIVRD' };
  if (state === 1) return { status: 'submitted', stat: 'ENROUTE' };
  if (errorCode === 25 || errorCode === 26) return { status: 'expired', stat: 'EXPIRED' };
  if (errorCode === 32 || errorCode === 33 || errorCode === 0) return { status: 'failed', stat: 'UNKNOWN' };
  return { status: 'undelivered', stat: 'UNDELIV' };
}
