// The list of campaigns with their state and progress.
import { Button, Empty, Progress, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { CampaignStatus } from './labels.tsx';

type Campaign = Response<'GET /api/v1/campaigns'>['campaigns'][number];

/** Campaigns, newest first; refreshes while one is running. */
export function Campaigns() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/campaigns', { query: { limit: 100 } }), []);
  const live = !!list.data?.campaigns.some((c) => c.status === 'running' || c.status === 'scheduled');
  useInterval(list.reload, 3000, live);
  const create = session.can('send') && <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/campaigns/new')}>{t('campaigns.create')}</Button>;

  return (
    <Page title={t('nav.campaigns')} extra={create}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Campaign>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.campaigns}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('campaigns.empty')}>{create}</Empty> }}
        columns={[
          { title: t('campaigns.name'), dataIndex: 'name', render: (n: string, c) => <Link to={`/campaigns/${c.id}`}>{n}</Link> },
          { title: t('campaigns.state'), dataIndex: 'status', render: (s: string) => <CampaignStatus status={s} /> },
          {
            title: t('campaigns.progress'), key: 'progress',
            render: (_, c) => {
              const s = c.progress;
              if (!s || !s.total) return '—';
              const done = s.delivered + s.failed + s.excluded;
              return <Progress size="small" style={{ width: 160 }} percent={Math.floor((done / s.total) * 100)} success={{ percent: Math.floor((s.delivered / s.total) * 100) }} data-testid="list-progress" />;
            },
          },
          { title: t('campaigns.recipients'), key: 'total', align: 'right', render: (_, c) => (c.progress?.total ? fmt.number(c.progress.total) : '—') },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
        ]}
      />
    </Page>
  );
}
