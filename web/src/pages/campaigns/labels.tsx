// Words for campaign states and exclusion reasons.
import { Tag } from 'antd';
import { useI18n, type PlainKey, type T } from '../../i18n/index.tsx';

const statusColors: Record<string, string> = { draft: 'default', scheduled: 'cyan', running: 'processing', paused: 'warning', completed: 'success', cancelled: 'error' };
const statusKeys: Record<string, PlainKey> = {
  draft: 'campaigns.status.draft', scheduled: 'campaigns.status.scheduled', running: 'campaigns.status.running',
  paused: 'campaigns.status.paused', completed: 'campaigns.status.completed', cancelled: 'campaigns.status.cancelled',
};
const reasonKeys: Record<string, PlainKey> = {
  invalid_number: 'reason.invalid_number', duplicate: 'reason.duplicate', opted_out: 'reason.opted_out', blocklisted: 'reason.blocklisted',
  suppressed: 'reason.suppressed', no_consent: 'reason.no_consent', preference: 'reason.preference', frequency_cap: 'reason.frequency_cap', no_route: 'reason.no_route',
};

/** A campaign state as a coloured tag. */
export function CampaignStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return <Tag color={statusColors[status] ?? 'default'}>{statusKeys[status] ? t(statusKeys[status]) : status}</Tag>;
}

/** Why a recipient was left out, in words (the code itself when it is new to the console). */
export function reasonText(t: T, reason: string): string {
  return reasonKeys[reason] ? t(reasonKeys[reason]) : reason;
}
