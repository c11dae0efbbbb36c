// Complaint monitoring (投诉监控) of the tenant: opt-out and complaint rates against the platform's thresholds,
// per channel and per campaign, and the replies that were counted.
import { Alert, Card, Col, Empty, Row, Segmented, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, type Response } from '../../api.ts';
import { useI18n, type T } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';

type Stats = Response<'GET /api/v1/complaints/stats'>;
type Counts = Stats['total'];
type Event = Response<'GET /api/v1/complaints'>['complaints'][number];

/** A rate as a percentage with up to two decimals, or '—'. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${Number((x * 100).toFixed(2))}%`;
}

/** The tags of the rates above their thresholds (or "正常"). */
export function AboveTags({ above, t }: { above: Counts['above']; t: T }) {
  if (!above.length) return <Tag color="success">{t('complaints.ok')}</Tag>;
  return <>{above.map((k) => <Tag key={k} color="error">{t(k === 'opt_out' ? 'complaints.aboveOptOut' : 'complaints.aboveComplaint')}</Tag>)}</>;
}

/** The columns every table of counts shares. */
export function countColumns<R extends Counts>(t: T, fmt: { number(n: number): string }) {
  return [
    { title: t('complaints.sent'), dataIndex: 'sent', render: (n: number) => fmt.number(n) },
    { title: t('complaints.optOuts'), dataIndex: 'optOuts', render: (n: number, r: R) => `${fmt.number(n)} (${percent(r.optOutRate)})` },
    { title: t('complaints.complaints'), dataIndex: 'complaints', render: (n: number, r: R) => `${fmt.number(n)} (${percent(r.complaintRate)})` },
    { title: t('complaints.state'), dataIndex: 'above', render: (a: Counts['above']) => <AboveTags above={a} t={t} /> },
  ];
}

/** The tenant's complaint monitoring page. */
export function Complaints() {
  const { t, fmt } = useI18n();
  const stats = useLoad(() => call('GET /api/v1/complaints/stats'), []);
  const [kind, setKind] = useState<'all' | Event['kind']>('all');
  const events = useLoad(() => call('GET /api/v1/complaints', { query: { limit: 100, kind: kind === 'all' ? undefined : kind } }), [kind]);
  const s = stats.data;
  const cols = countColumns(t, fmt);

  return (
    <Page title={t('nav.complaints')}>
      <ErrorAlert error={stats.error} retry={stats.reload} />
      {s?.suspension && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('complaints.suspended', { since: fmt.dateTime(s.suspension.suspendedAt) })} description={s.suspension.reason} data-testid="marketing-suspended" />}
      {s && (
        <Typography.Paragraph type="secondary">
          {t('complaints.window', { days: s.days, optOut: percent(s.thresholds.optOutRate), complaint: percent(s.thresholds.complaintRate), sample: fmt.number(s.thresholds.minSample) })}
        </Typography.Paragraph>
      )}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} md={8}><Card loading={!s}><Statistic title={t('complaints.sent')} value={s ? fmt.number(s.total.sent) : ''} /></Card></Col>
        <Col xs={24} md={8}><Card loading={!s}><Statistic title={t('complaints.optOutRate')} value={percent(s?.total.optOutRate)} styles={{ content: { color: s?.total.above.includes('opt_out') ? '#cf1322' : undefined } }} suffix={s && <Typography.Text type="secondary"> {fmt.number(s.total.optOuts)}</Typography.Text>} /></Card></Col>
        <Col xs={24} md={8}><Card loading={!s}><Statistic title={t('complaints.complaintRate')} value={percent(s?.total.complaintRate)} styles={{ content: { color: s?.total.above.includes('complaint') ? '#cf1322' : undefined } }} suffix={s && <Typography.Text type="secondary"> {fmt.number(s.total.complaints)}</Typography.Text>} /></Card></Col>
      </Row>
      <Card title={t('complaints.byCampaign')} size="small" style={{ marginBottom: 16 }}>
        <Table rowKey="campaignId" size="small" pagination={false} loading={stats.loading} dataSource={s?.byCampaign} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('complaints.none')} /> }}
          columns={[{ title: t('complaints.campaign'), dataIndex: 'name', render: (n: string, r: Stats['byCampaign'][number]) => <Link to={`/campaigns/${r.campaignId}`}>{n}</Link> }, ...cols]} />
      </Card>
      <Card title={t('complaints.byChannel')} size="small" style={{ marginBottom: 16 }}>
        <Table rowKey={(r) => r.channelId ?? ''} size="small" pagination={false} loading={stats.loading} dataSource={s?.byChannel} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('complaints.none')} /> }}
          columns={[{ title: t('complaints.channel'), dataIndex: 'channel', render: (n: string | null) => n ?? '—' }, ...cols]} />
      </Card>
      <Card title={t('complaints.events')} size="small" extra={<Segmented value={kind} onChange={setKind} options={[{ value: 'all', label: t('complaints.all') }, { value: 'opt_out', label: t('complaints.kind.opt_out') }, { value: 'complaint', label: t('complaints.kind.complaint') }]} />}>
        <ErrorAlert error={events.error} retry={events.reload} />
        <Table<Event> rowKey="id" size="small" loading={events.loading} dataSource={events.data?.complaints} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('complaints.none')} /> }}
          columns={[
            { title: t('complaints.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
            { title: t('complaints.kindTitle'), dataIndex: 'kind', render: (k: Event['kind']) => <Tag color={k === 'complaint' ? 'error' : 'warning'}>{t(`complaints.kind.${k}`)}</Tag> },
            { title: t('complaints.phone'), dataIndex: 'phone' },
            { title: t('complaints.keyword'), dataIndex: 'keyword', render: (v: string | null) => v ?? '—' },
            { title: t('complaints.text'), dataIndex: 'text', render: (v: string) => <Typography.Text ellipsis style={{ maxWidth: 360 }}>{v}</Typography.Text> },
          ]} />
      </Card>
    </Page>
  );
}
