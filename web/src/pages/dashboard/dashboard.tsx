// The dashboard: the balance, the first steps still to do, and the statistics as their APIs arrive.
import { Card, Col, Row, Skeleton, Statistic, Steps, Button } from 'antd';
import { WalletOutlined } from '@ant-design/icons';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { NotAvailable } from '../../ui/not-available.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';

/** The tenant's overview. */
export function Dashboard() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const keys = useLoad(() => (session.can('manage') ? call('GET /api/v1/apikeys') : Promise.resolve(null)), []);
  const settings = tenant.data?.settings ?? {};
  const steps = [
    { done: typeof settings.signature === 'string' && settings.signature !== '', title: t('dashboard.stepSignature'), to: '/settings' },
    { done: !!keys.data?.keys.some((k) => !k.revokedAt), title: t('dashboard.stepApiKey'), to: '/settings/apikeys' },
    { done: false, title: t('dashboard.stepContacts'), to: '/contacts' },
    { done: false, title: t('dashboard.stepCampaign'), to: '/campaigns' },
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
        <Col xs={24}>
          <Card title={t('dashboard.today')}>
            <NotAvailable what={t('dashboard.statistics')} />
          </Card>
        </Col>
      </Row>
    </Page>
  );
}
