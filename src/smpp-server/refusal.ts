// Why a submit was refused, as the command_status the ESME gets and a reason for the log and the console.
import { Status } from '../channels/smpp/pdus.ts';
import { DomainError } from '../domain/errors.ts';

/** A submit the send path refused: the command_status to answer and the readable reason. */
export class SubmitRefused extends Error {
  override readonly name = 'SubmitRefused';
  constructor(readonly status: number, reason: string) {
    super(reason);
  }
}

/** The command_status and reason for an error of the send path (an unexpected one is a system error). */
export function refusalOf(err: unknown): { status: number; reason: string; expected: boolean } {
  if (err instanceof SubmitRefused) return { status: err.status, reason: err.message, expected: true };
  if (err instanceof DomainError) {
    if (err.code === 'insufficient_balance') return { status: Status.ESME_RSUBMITFAIL, reason: `balance exhausted: ${err.message}`, expected: true };
    if (err.code === 'invalid_request' || err.code === 'not_found' || err.code === 'conflict') return { status: Status.ESME_RSUBMITFAIL, reason: err.message, expected: true };
  }
  return { status: Status.ESME_RSYSERR, reason: err instanceof Error ? err.message : String(err), expected: false };
}
