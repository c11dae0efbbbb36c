// SMGP status reports: a Deliver with IsReport = 1 whose MsgContent is SMPP-style text (spec §6.2.63)
// "id:IIIIIIIIII sub:001 dlvrd:001 Submit date:… done date:… stat:DELIVRD err:000 Txt:…", the id being the
// original MsgID as 10 raw octets (some gateways write its 20 digits instead: both are read).
import type { Receipt } from '../channel.ts';
import { MSG_ID_LENGTH, msgIdString } from './ids.ts';
import { receiptStatus } from './status-map.ts';

/** The value after `key` (lower case) up to the next space in `text`, found in its lower-cased copy `lower`; or ''. */
function field(text: string, lower: string, key: string): string {
  const at = lower.indexOf(key);
  if (at < 0) return '';
  const start = at + key.length;
  const end = text.indexOf(' ', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/** YYMMDDhhmm (Beijing time) → Date, or null when it is not ten digits. */
function reportDate(s: string): Date | null {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/.exec(s);
  if (!m) return null;
  return new Date(Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]) - 8, Number(m[5])));
}

/** The original MsgID a report names (10 raw octets after "id:", or 20 hex digits) and where the text after it starts; null when neither. */
function reportId(content: Buffer): { id: string; end: number } | null {
  const at = content.indexOf('id:', 0, 'latin1');
  if (at < 0) return null;
  const start = at + 3;
  const digits = /^[0-9a-fA-F]{20}(?![0-9a-fA-F])/.exec(content.toString('latin1', start, start + 21));
  if (digits) return { id: digits[0].toLowerCase(), end: start + 20 };
  const end = start + MSG_ID_LENGTH;
  if (end <= content.length && (end === content.length || content[end] === 0x20)) return { id: msgIdString(content.subarray(start, end)), end };
  return null;
}

/** The receipt in a report's MsgContent, or null when it names no MsgID (kept by the caller as unmatched). */
export function receiptFromReport(content: Buffer, channel: string): Receipt | null {
  const named = reportId(content);
  if (named === null) return null;
  const carrierId = named.id;
  const text = content.toString('latin1', named.end);
  const lower = text.toLowerCase();
  const stat = field(text, lower, 'stat:');
  const err = field(text, lower, 'err:');
  return {
    channel,
    carrierId,
    status: receiptStatus(stat, err),
    stat,
    err: err || null,
    doneAt: reportDate(field(text, lower, 'done date:')),
    raw: `id:${carrierId}${text}`,
  };
}
