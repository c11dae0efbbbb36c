// The dashboard: today's sending and the balance, the last days as a chart, the first steps still to do,
// and the recent campaigns.
import { lazy, Suspense, type ReactNode } from 'react';
import { Button, Card, Col, Empty, List, Progress, Row, Skeleton, Statistic, Steps, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, MessageOutlined, SendOutlined, SyncOutlined, WalletOutlined } from '@ant-design/icons';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { CampaignStatus } from '../campaigns/labels.tsx';

/** The chart draws with ECharts: it loads only when the dashboard has something to draw. */
const DeliveryChart = lazy(() => import('./delivery-chart.tsx').then((m) => ({ default: m.DeliveryChart })));

/** How many days the chart covers. */
const chartDays = 14;

/** One statistic in its own card, with an optional line below the number. */
function StatCard({ title, value, icon, color, loading, footer, testId }: {
  title: string; value: string; icon: ReactNode; color?: string; loading: boolean; footer?: ReactNode; testId?: string;
}) {
  return (
    <Col xs={12} md={8} xl={4}>
      <Card style={{ height: '100%' }}>
        <Statistic
          title={title}
          value={value}
          loading={loading}
          prefix={icon}
          styles={{ content: { color } }}
          valueRender={(node) => <span data-testid={testId}>{node}</span>}
        />
        {footer && !loading && <div style={{ marginTop: 4 }}>{footer}</div>}
      </Card>
    </Col>
  );
}

/** The tenant's overview (routes show it only when there is a tenant to act on). */
export function Dashboard() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const stats = useLoad(() => call('GET /api/v1/stats/overview', { query: { days: chartDays } }), []);
  const keys = useLoad(() => (session.can('manage') ? call('GET /api/v1/apikeys') : Promise.resolve(null)), []);
  const contacts = useLoad(() => call('GET /api/v1/contacts', { query: { limit: 1 } }), []);
  const campaigns = useLoad(() => call('GET /api/v1/campaigns', { query: { limit: 5 } }), []);
  const signatures = useLoad(() => call('GET /api/v1/signatures'), []);
  const recent = campaigns.data?.campaigns ?? [];
  const sending = recent.some((c) => c.status === 'running') || !!stats.data?.runningCampaigns;
  useInterval(campaigns.reload, 5000, recent.some((c) => c.status === 'running'));
  useInterval(stats.reload, 5000, sending);
  const steps = [
    // the demo tenant's 【Tidings】 does not count: the step is done with an approved signature of the tenant's own
    { done: !!signatures.data?.signatures.some((s) => s.status === 'approved' && !s.demo), title: t('dashboard.stepSignature'), to: '/signatures' },
    { done: !!keys.data?.keys.some((k) => !k.revokedAt), title: t('dashboard.stepApiKey'), to: '/settings/apikeys' },
    { done: !!contacts.data?.contacts.length, title: t('dashboard.stepContacts'), to: '/contacts/import' },
    { done: recent.length > 0, title: t('dashboard.stepCampaign'), to: '/campaigns/new' },
  ];
  const next = steps.findIndex((s) => !s.done);

  const overview = stats.data;
  const today = overview?.today;
  const balance = overview?.balance ?? tenant.data?.balance;
  // Nothing in the chart's days and no campaign at all: the getting-started steps say what to do instead.
  const neverSent = !!overview && !!campaigns.data && recent.length === 0 && overview.days.every((d) => d.sent + d.failed + d.excluded === 0);
  const rate = today && today.sent > 0 ? `${fmt.number(Math.round((today.delivered / today.sent) * 1000) / 10)} %` : '—';

  return (
    <Page title={t('nav.dashboard')}>
      <ErrorAlert error={tenant.error} retry={tenant.reload} />
      <ErrorAlert error={stats.error} retry={stats.reload} />
      <Row gutter={[16, 16]}>
        <StatCard testId="today-sent" title={t('dashboard.sentToday')} value={today ? fmt.number(today.sent) : ''} icon={<SendOutlined />} loading={!today} />
        <StatCard
          testId="today-delivered" title={t('dashboard.deliveredToday')} value={today ? fmt.number(today.delivered) : ''} icon={<CheckCircleOutlined />}
          color="#389e0d" loading={!today}
          footer={<Typography.Text type="secondary">{t('campaigns.deliveryRate')}: {rate}</Typography.Text>}
        />
        <StatCard
          testId="today-failed" title={t('dashboard.failedToday')} value={today ? fmt.number(today.failed) : ''} icon={<CloseCircleOutlined />}
          color={today?.failed ? '#cf1322' : undefined} loading={!today}
        />
        <StatCard testId="today-replies" title={t('dashboard.repliesToday')} value={today ? fmt.number(today.replies) : ''} icon={<MessageOutlined />} loading={!today} />
        <StatCard testId="balance" title={t('dashboard.balance')} value={balance !== undefined ? fmt.money(balance) : ''} icon={<WalletOutlined />} loading={balance === undefined} />
        <StatCard
          testId="running-campaigns" title={t('dashboard.runningCampaigns')} value={overview ? fmt.number(overview.runningCampaigns) : ''}
          icon={<SyncOutlined spin={!!overview?.runningCampaigns} />} loading={!overview}
          footer={<Link to="/campaigns">{t('dashboard.viewCampaigns')}</Link>}
        />
        <Col xs={24}>
          <Card
            title={t('dashboard.statistics')}
            extra={overview && <Typography.Text type="secondary">{t('dashboard.lastDays', { days: chartDays })} · {overview.timezone}</Typography.Text>}
          >
            {!overview || !campaigns.data ? <Skeleton active /> : neverSent ? (
              <Empty description={t('dashboard.nothingSent')} />
            ) : (
              <Suspense fallback={<Skeleton active />}>
                <DeliveryChart days={overview.days} />
              </Suspense>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.gettingStarted')} style={{ height: '100%' }}>
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
          <Card title={t('dashboard.campaigns')} extra={recent.length > 0 && <Link to="/campaigns">{t('dashboard.all')}</Link>} style={{ height: '100%' }}>
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
      </Row>
    </Page>
  );
}
