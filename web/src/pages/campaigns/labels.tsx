// Words for campaign states, exclusion reasons and why a message waits.
import { Tag } from 'antd';
import { useI18n, type PlainKey, type T } from '../../i18n/index.tsx';

const statusColors: Record<string, string> = { draft: 'default', scheduled: 'cyan', running: 'processing', paused: 'warning', completed: 'success', cancelled: 'error' };
const statusKeys: Record<string, PlainKey> = {
  draft: 'campaigns.status.draft', scheduled: 'campaigns.status.scheduled', running: 'campaigns.status.running',
  paused: 'campaigns.status.paused', completed: 'campaigns.status.completed', cancelled: 'campaigns.status.cancelled',
};
const reasonKeys: Record<string, PlainKey> = {
  invalid_number: 'reason.invalid_number', duplicate: 'reason.duplicate', opted_out: 'reason.opted_out', blocklisted: 'reason.blocklisted',
  suppressed: 'reason.suppressed', no_consent: 'reason.no_consent', consent_pending: 'reason.consent_pending', preference: 'reason.preference', frequency_cap: 'reason.frequency_cap', no_route: 'reason.no_route',
};

const holdKeys: Record<string, PlainKey> = { quiet_hours: 'hold.quiet_hours', send_window: 'hold.send_window', scheduled: 'hold.scheduled', retry: 'hold.retry' };

/** Why a queued message waits, in words. */
export function holdText(t: T, reason: string): string {
  return holdKeys[reason] ? t(holdKeys[reason]) : reason;
}

/** A campaign state as a coloured tag. */
export function CampaignStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return <Tag color={statusColors[status] ?? 'default'} style={{ fontSize: 14, lineHeight: '22px', paddingInline: 8 }} data-testid="campaign-status">{statusKeys[status] ? t(statusKeys[status]) : status}</Tag>;
}

/** Why a recipient was left out, in words (the code itself when it is new to the console). */
export function reasonText(t: T, reason: string): string {
  return reasonKeys[reason] ? t(reasonKeys[reason]) : reason;
}
