// Refer-a-friend invitations: who referred whom, and whether the friend joined in time.
import { useState } from 'react';
import { Card, Empty, Flex, Segmented, Table, Tag } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';

type Referral = Response<'GET /api/v1/referrals'>['referrals'][number];
type Status = Referral['status'];
const statusColor: Record<Status, string> = { invited: 'blue', joined: 'green', expired: 'default' };

/** The invitations, newest first, by state. */
export function Referrals() {
  const { t, fmt } = useI18n();
  const [status, setStatus] = useState<Status | 'all'>('all');
  const list = useLoad(() => call('GET /api/v1/referrals', { query: { status: status === 'all' ? undefined : status, limit: 500 } }), [status]);
  return (
    <Page title={t('referrals.title')}>
      <Card>
        <ErrorAlert error={list.error} retry={list.reload} />
        <Flex style={{ marginBottom: 16 }}>
          <Segmented<Status | 'all'> value={status} onChange={setStatus} options={[
            { value: 'all', label: t('redemptions.all') }, ...(['invited', 'joined', 'expired'] as const).map((s) => ({ value: s, label: t(`referrals.status.${s}`) })),
          ]} />
        </Flex>
        <Table<Referral>
          rowKey="id" size="small" loading={list.loading} dataSource={list.data?.referrals} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty /> }}
          columns={[
            { title: t('referrals.referrer'), dataIndex: 'referrerPhone' },
            { title: t('referrals.friend'), dataIndex: 'friendPhone' },
            { title: t('referrals.status'), dataIndex: 'status', render: (s: Status) => <Tag color={statusColor[s]}>{t(`referrals.status.${s}`)}</Tag> },
            { title: t('referrals.invitedAt'), dataIndex: 'invitedAt', render: (v: string) => fmt.dateTime(v) },
            { title: t('referrals.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => fmt.dateTime(v) },
            { title: t('referrals.joinedAt'), dataIndex: 'joinedAt', render: (v: string | null) => (v ? fmt.dateTime(v) : '') },
          ]}
        />
      </Card>
    </Page>
  );
}
