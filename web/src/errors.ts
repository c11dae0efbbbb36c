// Every API error in words in the user's language: the stable error code decides the text.
import type { ErrorCode } from '../../src/domain/errors.ts';
import { ApiError } from './api.ts';
import type { PlainKey, T } from './i18n/index.tsx';

/** The dictionary key of every error code the server can answer, plus `network`; a new code is a type error here. */
const messages: Record<ErrorCode | 'network', PlainKey> = {
  invalid_request: 'error.invalid_request',
  filter_syntax: 'error.filter_syntax',
  unauthenticated: 'error.unauthenticated',
  csrf_failed: 'error.csrf_failed',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  conflict: 'error.conflict',
  payload_too_large: 'error.payload_too_large',
  insufficient_balance: 'error.insufficient_balance',
  signature_not_approved: 'error.signature_not_approved',
  marketing_suspended: 'error.marketing_suspended',
  rate_limited: 'error.rate_limited',
  unavailable: 'error.unavailable',
  internal: 'error.internal',
  network: 'error.network',
};

/**
 * Describes an error for the user: the translated text of its code, naming the field when the server
 * gave one (by the form's label when `labels` has it); an unknown code falls back to the server message.
 */
export function describeError(e: unknown, t: T, labels: Record<string, string> = {}): string {
  if (!(e instanceof ApiError)) return t('error.internal');
  const key = messages[e.code as keyof typeof messages];
  if (!key) return e.message;
  const text = t(key);
  const field = e.field;
  return field ? `${text} ${t('error.field', { field: fieldLabel(field, labels) })}` : text;
}

/** The form's label for a field path; an item of a list (`phones.2`) is named by the list's label and its 1-based number. */
function fieldLabel(field: string, labels: Record<string, string>): string {
  if (labels[field]) return labels[field];
  const item = /^(.*)\.(\d+)$/.exec(field);
  return item && labels[item[1]] ? `${labels[item[1]]} #${Number(item[2]) + 1}` : field;
}
