// Words and colours for the state of one message.
import { Tag } from 'antd';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';

/** Every message state, in the order a message goes through them. */
export const messageStatuses = ['queued', 'submitted', 'delivered', 'undelivered', 'expired', 'rejected', 'failed', 'excluded'] as const;
const keys: Record<string, PlainKey> = {
  queued: 'message.status.queued', submitted: 'message.status.submitted', delivered: 'message.status.delivered', undelivered: 'message.status.undelivered',
  expired: 'message.status.expired', rejected: 'message.status.rejected', failed: 'message.status.failed', excluded: 'message.status.excluded',
};
const colors: Record<string, string> = { queued: 'default', submitted: 'processing', delivered: 'success', excluded: 'default' };

/** A message state as a coloured tag. */
export function MessageStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return <Tag color={colors[status] ?? 'error'}>{keys[status] ? t(keys[status]) : status}</Tag>;
}
