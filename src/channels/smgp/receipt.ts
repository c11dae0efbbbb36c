// SMGP status reports: a Deliver with IsReport = 1 whose MsgContent is SMPP-style text (spec §6.2.63)
// "id:IIIIIIIIII sub:001 dlvrd:001 Submit date:… done date:… stat:DELIVRD err:000 Txt:…", the id being the
// original MsgID as 10 raw octets (some gateways write its 20 digits instead: both are read).
import type { Receipt } from '../channel.ts';
import { beijingReportTime } from '../session/china-gateway.ts';
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

/** Whether octet `c` is an ASCII hex digit. */
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The original MsgID a report names (10 raw octets after "id:", or 20 hex digits) and where the text after it starts; null when neither. */
function reportId(content: Buffer): { id: string; end: number } | null {
  const at = content.indexOf(ID_KEY);
  if (at < 0) return null;
  const start = at + 3;
  let digits = 0;
  while (digits < 21 && start + digits < content.length && isHex(content[start + digits])) digits++;
  if (digits === 20) return { id: content.toString('latin1', start, start + 20).toLowerCase(), end: start + 20 };
  const end = start + MSG_ID_LENGTH;
  if (end <= content.length && (end === content.length || content[end] === 0x20)) return { id: msgIdString(content.subarray(start, end)), end };
  return null;
}

const ID_KEY = Buffer.from('id:', 'latin1');

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
    doneAt: beijingReportTime(field(text, lower, 'done date:')),
    raw: `id:${carrierId}${text}`,
  };
}
