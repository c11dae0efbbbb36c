// The pre-flight report of a campaign: what starting it now would do.
import { Alert, Col, Descriptions, Row, Statistic, Table, Typography } from 'antd';
import type { Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { holdText, reasonText } from './labels.tsx';

type Preflight = Response<'POST /api/v1/campaigns/{id}/preflight'>;

/** The pre-flight report: recipients, what goes now, what waits (and why), exclusions by reason, segments, cost, balance. */
export function PreflightReport({ p }: { p: Preflight }) {
  const { t, fmt } = useI18n();
  const excluded = Object.entries(p.excluded).filter(([, n]) => n > 0);
  return (
    <div data-testid="preflight">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Statistic title={t('campaigns.recipients')} value={fmt.number(p.total)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('campaigns.willSend')} value={fmt.number(p.queued)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('campaigns.deferred')} value={fmt.number(p.deferred)} /></Col>
        <Col xs={12} md={6}><Statistic title={t('campaigns.excluded')} value={fmt.number(excluded.reduce((a, [, n]) => a + n, 0))} /></Col>
      </Row>
      <Descriptions style={{ marginTop: 16 }} size="small" column={{ xs: 1, md: 3 }} items={[
        { key: 'segments', label: t('campaigns.segments'), children: fmt.number(p.segments) },
        { key: 'cost', label: t('preview.cost'), children: fmt.money(p.cost) },
        { key: 'balance', label: t('dashboard.balance'), children: fmt.money(p.balance) },
      ]} />
      {p.deferred > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} data-testid="preflight-deferred">
          {Object.entries(p.deferredBy).map(([r, n]) => t('campaigns.deferredBy', { reason: holdText(t, r), count: fmt.number(n) })).join('；')}
        </Typography.Paragraph>
      )}
      {!p.sufficient && <Alert type="error" showIcon title={t('error.insufficient_balance')} style={{ marginTop: 16 }} />}
      {excluded.length > 0 && (
        <Table size="small" style={{ marginTop: 16 }} rowKey="0" pagination={false} dataSource={excluded}
          columns={[{ title: t('campaigns.reason'), render: (_, [r]) => reasonText(t, r) }, { title: t('campaigns.count'), align: 'right', render: (_, [, n]) => fmt.number(n) }]} />
      )}
    </div>
  );
}
