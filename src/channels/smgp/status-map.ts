// SMGP statuses → ours: a response's Status (spec §6.2.6) → SendError kind, a report's stat word → receipt status.
import type { ReceiptStatus } from '../channel.ts';
import { SendError, type SendErrorKind } from '../errors.ts';
import { statStatus } from '../smpp/status-map.ts';

const NAMES = new Map<number, string>([
  [0, 'success'], [1, 'system busy'], [2, 'too many connections'], [10, 'bad message structure'], [11, 'bad request id'],
  [12, 'duplicate sequence'], [20, 'bad IP address'], [21, 'authentication'], [22, 'version too high'], [30, 'bad MsgType'],
  [31, 'bad Priority'], [32, 'bad FeeType'], [33, 'bad FeeCode'], [34, 'bad MsgFormat'], [35, 'bad time format'],
  [36, 'bad MsgLength'], [37, 'validity expired'], [39, 'routing error'], [40, 'bad FixedFee'], [43, 'bad ServiceID'],
  [44, 'bad ValidTime'], [45, 'bad AtTime'], [46, 'bad SrcTermID'], [47, 'bad DestTermID'], [48, 'bad ChargeTermID'],
  [49, 'bad SP code'], [73, 'bad MServiceID'], [74, 'SP sending hours closed'], [75, 'SP daily volume exceeded'],
  [76, 'SP account expired'],
]);

/** "status 21 (authentication)". */
export function statusName(status: number): string {
  const name = NAMES.get(status) ?? (status >= 128 && status <= 255 ? 'vendor-defined' : 'unknown');
  return `status ${status} (${name})`;
}

const KIND = new Map<number, SendErrorKind>([
  [1, 'throttled'], [2, 'retryable'], [12, 'retryable'], [74, 'retryable'], [75, 'throttled'],
  [20, 'config'], [21, 'config'], [22, 'config'], [43, 'config'], [49, 'config'], [73, 'config'], [76, 'config'],
]);

/** What a non-zero Status means for the caller; anything unlisted (bad number, bad content) is permanent. */
export function statusKind(status: number): SendErrorKind {
  return KIND.get(status) ?? 'permanent';
}

/** A SendError for a response's Status; its code is "smgp:<status>" (the original kept). */
export function sendErrorFor(status: number, what: string): SendError {
  return new SendError(statusKind(status), `${what}: ${statusName(status)}`, `smgp:${status}`);
}

/** Our status for a report's stat word (SMPP words, spec §6.2.63.1); an unknown word with err 000 counts as delivered. */
export function receiptStatus(stat: string, err: string): ReceiptStatus {
  if (stat === '' && err === '000') return 'delivered';
  return statStatus(stat);
}
