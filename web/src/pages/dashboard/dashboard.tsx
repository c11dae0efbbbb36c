// The dashboard: the balance, the first steps still to do, and the statistics as their APIs arrive.
import { Button, Card, Col, Empty, List, Progress, Row, Skeleton, Statistic, Steps } from 'antd';
import { WalletOutlined } from '@ant-design/icons';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { NotAvailable } from '../../ui/not-available.tsx';
import { Page } from '../../ui/page.tsx';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { CampaignStatus } from '../campaigns/labels.tsx';

/** The tenant's overview. */
export function Dashboard() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const keys = useLoad(() => (session.can('manage') ? call('GET /api/v1/apikeys') : Promise.resolve(null)), []);
  const contacts = useLoad(() => call('GET /api/v1/contacts', { query: { limit: 1 } }), []);
  const campaigns = useLoad(() => call('GET /api/v1/campaigns', { query: { limit: 5 } }), []);
  const recent = campaigns.data?.campaigns ?? [];
  useInterval(campaigns.reload, 5000, recent.some((c) => c.status === 'running'));
  const settings = tenant.data?.settings ?? {};
  const steps = [
    { done: typeof settings.signature === 'string' && settings.signature !== '', title: t('dashboard.stepSignature'), to: '/settings' },
    { done: !!keys.data?.keys.some((k) => !k.revokedAt), title: t('dashboard.stepApiKey'), to: '/settings/apikeys' },
    { done: !!contacts.data?.contacts.length, title: t('dashboard.stepContacts'), to: '/contacts/import' },
    { done: recent.length > 0, title: t('dashboard.stepCampaign'), to: '/campaigns/new' },
  ];
  const next = steps.findIndex((s) => !s.done);

  return (
    <Page title={t('nav.dashboard')}>
      <ErrorAlert error={tenant.error} retry={tenant.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            {tenant.data
              ? <Statistic title={t('dashboard.balance')} value={fmt.money(tenant.data.balance)} prefix={<WalletOutlined />} />
              : <Skeleton active paragraph={{ rows: 1 }} />}
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card title={t('dashboard.gettingStarted')}>
            <Steps
              orientation="vertical"
              size="small"
              current={next === -1 ? steps.length : next}
              items={steps.map((s, i) => ({
                title: s.title,
                status: s.done ? 'finish' : i === next ? 'process' : 'wait',
                content: !s.done && i === next ? <Button size="small" type="primary" onClick={() => navigate(s.to)}>{t('dashboard.doIt')}</Button> : undefined,
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.campaigns')} extra={recent.length > 0 && <Link to="/campaigns">{t('dashboard.all')}</Link>}>
            <ErrorAlert error={campaigns.error} retry={campaigns.reload} />
            {!campaigns.data ? <Skeleton active /> : recent.length === 0 ? (
              <Empty description={t('campaigns.empty')}>
                {session.can('send') && <Button type="primary" onClick={() => navigate('/campaigns/new')}>{t('campaigns.create')}</Button>}
              </Empty>
            ) : (
              <List dataSource={recent} renderItem={(c) => (
                <List.Item extra={<CampaignStatus status={c.status} />}>
                  <List.Item.Meta
                    title={<Link to={`/campaigns/${c.id}`}>{c.name}</Link>}
                    description={c.stats?.total
                      ? <Progress size="small" percent={Math.floor(((c.stats.delivered + c.stats.failed + c.stats.excluded) / c.stats.total) * 100)} success={{ percent: Math.floor((c.stats.delivered / c.stats.total) * 100) }} />
                      : fmt.dateTime(c.createdAt)}
                  />
                </List.Item>
              )} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.today')}>
            <NotAvailable what={t('dashboard.statistics')} />
          </Card>
        </Col>
      </Row>
    </Page>
  );
}
