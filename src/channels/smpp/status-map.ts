// Carrier statuses → ours: receipt stat words and message_state values → message status,
// command_status of a response → SendError kind.
import type { ReceiptStatus } from '../channel.ts';
import { SendError, type SendErrorKind } from '../errors.ts';
import { MessageState, Status, statusName } from './pdus.ts';

const STAT: Record<string, ReceiptStatus> = {
  DELIVRD: 'delivered',
  DELIVERED: 'delivered',
  UNDELIV: 'undelivered',
  UNDELIVERABLE: 'undelivered',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  REJECTED: 'rejected',
  DELETED: 'failed',
  UNKNOWN: 'failed',
  ACCEPTD: 'submitted',
  ACCEPTED: 'submitted',
  ENROUTE: 'submitted',
};

const STAT_WORDS = new Map<string, ReceiptStatus>(Object.entries(STAT));

/** Our status for a receipt's stat word (any case); unrecognised words are 'failed'. */
export function statStatus(stat: string): ReceiptStatus {
  // the usual spelling first: toUpperCase() is a runtime call
  return STAT_WORDS.get(stat) ?? STAT_WORDS.get(stat.trim().toUpperCase()) ?? 'failed';
}

const STATE_STAT: Record<number, string> = {
  [MessageState.ENROUTE]: 'ENROUTE',
  [MessageState.DELIVERED]: 'DELIVRD',
  [MessageState.EXPIRED]: 'EXPIRED',
  [MessageState.DELETED]: 'DELETED',
  [MessageState.UNDELIVERABLE]: 'UNDELIV',
  [MessageState.ACCEPTED]: 'ACCEPTD',
  [MessageState.UNKNOWN]: 'UNKNOWN',
  [MessageState.REJECTED]: 'REJECTD',
};

/** The stat word for a message_state TLV value (undefined when out of range). */
export function stateStat(state: number): string | undefined {
  return STATE_STAT[state];
}

const STAT_STATE = new Map<string, number>(Object.entries(STATE_STAT).map(([state, word]) => [word, Number(state)]));

/** The message_state value for a stat word (used by the simulator). */
export function statState(stat: string): number {
  return STAT_STATE.get(stat) ?? MessageState.UNKNOWN;
}

const KIND = new Map<number, SendErrorKind>([
  [Status.ESME_RTHROTTLED, 'throttled'],
  [Status.ESME_RMSGQFUL, 'throttled'],
  [Status.ESME_RSYSERR, 'retryable'],
  [Status.ESME_RINVBNDSTS, 'retryable'],
  [Status.ESME_RSUBMITFAIL, 'retryable'],
  [Status.ESME_RX_T_APPN, 'retryable'],
  [Status.ESME_RUNKNOWNERR, 'retryable'],
  [Status.ESME_RBINDFAIL, 'config'],
  [Status.ESME_RINVPASWD, 'config'],
  [Status.ESME_RINVSYSID, 'config'],
  [Status.ESME_RINVSYSTYP, 'config'],
  [Status.ESME_RALYBND, 'config'],
]);

/** What a non-zero command_status means for the caller; anything unlisted (bad number, bad content) is permanent. */
export function statusKind(status: number): SendErrorKind {
  return KIND.get(status) ?? 'permanent';
}

/** A SendError for a response's command_status, its code the readable status name. */
export function sendErrorFor(status: number, what: string): SendError {
  const name = statusName(status);
  return new SendError(statusKind(status), `${what} refused: ${name}`, name);
}
