// The campaign monitor: a draft's content with edit, pre-flight and start; live progress, what waits and why, funnel,
// charts by carrier, region and minute, failures, and controls.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Popconfirm, Progress, Row, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { carrierName } from '../../ui/carrier.ts';
import { Chart, type ChartOption } from '../../ui/chart.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { CampaignStatus, holdText, reasonText } from './labels.tsx';
import { PreflightReport } from './preflight.tsx';

type Campaign = Response<'GET /api/v1/campaigns/{id}'>;
type Stats = NonNullable<Campaign['stats']>;
type Preflight = Response<'POST /api/v1/campaigns/{id}/preflight'>;

/** A draft's audience in words: groups, subscription lists, segment, filter, pasted numbers. */
function AudienceText({ audience }: { audience: Campaign['audience'] }) {
  const { t, fmt } = useI18n();
  const a = audience as { groups?: string[]; lists?: string[]; segment?: string; filter?: string; numbers?: unknown[] };
  const services = useLoad(async () => (a.lists?.length ? call('GET /api/v1/services', { query: { type: 'subscription' } }) : null), [a.lists?.join(',')]);
  const listName = (id: string) => services.data?.services.find((x) => x.id === id)?.name ?? id;
  const parts = [
    ...(a.groups?.length ? [`${t('contacts.groups')}: ${a.groups.join('、')}`] : []),
    ...(a.lists?.length ? [`${t('campaigns.lists')}: ${a.lists.map(listName).join('、')}`] : []),
    ...(a.segment ? [`${t('nav.segments')}: ${a.segment}`] : []),
    ...(a.filter ? [`${t('campaigns.filter')}: ${a.filter}`] : []),
    ...(a.numbers?.length ? [t('campaigns.numbersCount', { count: fmt.number(a.numbers.length) })] : []),
  ];
  return <Typography.Text>{parts.join(' · ') || '—'}</Typography.Text>;
}

/** One campaign, refreshed every two seconds while it is running or scheduled. */
export function CampaignMonitor({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const c = useLoad(() => call('GET /api/v1/campaigns/{id}', { path: { id } }), [id]);
  const status = c.data?.status;
  const s = c.data?.stats;
  const live = status === 'running' || status === 'scheduled' || (status === 'completed' && !!s?.awaitingReceipt);
  useInterval(c.reload, 2000, live);

  const { run } = useAction({ reload: c.reload });
  const [report, setReport] = useState<Preflight>();
  const [checking, setChecking] = useState(false);

  async function check() {
    setChecking(true);
    try { await run(async () => setReport(await call('POST /api/v1/campaigns/{id}/preflight', { path: { id } }))); } finally { setChecking(false); }
  }

  async function start() {
    if (await run(() => call('POST /api/v1/campaigns/{id}/start', { path: { id } }), t('campaigns.started'))) setReport(undefined);
  }

  function act(action: 'pause' | 'resume' | 'cancel') {
    return run(async () => {
      if (action === 'pause') await call('POST /api/v1/campaigns/{id}/pause', { path: { id } });
      else if (action === 'resume') await call('POST /api/v1/campaigns/{id}/resume', { path: { id } });
      else await call('POST /api/v1/campaigns/{id}/cancel', { path: { id } });
    });
  }

  async function exportAs(format: 'csv' | 'xlsx') {
    try {
      await download('GET /api/v1/campaigns/{id}/export', `${c.data?.name ?? id}.${format}`, { path: { id }, query: { format } });
    } catch (e) {
      message.error(describeError(e, t));
    }
  }

  if (!c.data) return c.error ? <ErrorAlert error={c.error} retry={c.reload} /> : <Skeleton active />;
  const x = c.data;
  const mayAct = session.can('send');
  const controls = (
    <Space wrap>
      {mayAct && x.status === 'draft' && <Button onClick={() => navigate(`/campaigns/${x.id}/edit`)} data-testid="draft-edit">{t('campaigns.edit')}</Button>}
      {mayAct && x.status === 'draft' && <Button type="primary" loading={checking} onClick={check} data-testid="draft-check">{t('campaigns.check')}</Button>}
      {mayAct && (x.status === 'running' || x.status === 'scheduled') && <Button onClick={() => act('pause')}>{t('campaigns.pause')}</Button>}
      {mayAct && x.status === 'paused' && <Button type="primary" onClick={() => act('resume')}>{t('campaigns.resume')}</Button>}
      {mayAct && ['draft', 'scheduled', 'running', 'paused'].includes(x.status) && (
        <Popconfirm title={t('campaigns.cancelConfirm')} okText={t('campaigns.cancel')} cancelText={t('common.cancel')} onConfirm={() => act('cancel')}>
          <Button danger>{t('campaigns.cancel')}</Button>
        </Popconfirm>
      )}
      <Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')}>XLSX</Button>
      <Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')}>CSV</Button>
    </Space>
  );

  return (
    <Page title={<Space wrap>{x.name}<CampaignStatus status={x.status} /></Space>} extra={controls}>
      <ErrorAlert error={c.error} retry={c.reload} />
      {x.pauseReason && <Typography.Paragraph type="warning">{t('campaigns.pausedBecause', { reason: x.pauseReason })}</Typography.Paragraph>}
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }} items={[
        { key: 'category', label: t('templates.category'), children: t(`category.${x.category as 'marketing'}`) },
        { key: 'started', label: t('campaigns.startedAt'), children: fmt.dateTime(x.startedAt ?? x.scheduleAt) },
        { key: 'completed', label: t('campaigns.completedAt'), children: fmt.dateTime(x.completedAt) },
        ...(x.text ? [{ key: 'text', label: t('templates.text'), span: 3, children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{x.text}</Typography.Text> }] : []),
        ...(x.templateId ? [{ key: 'template', label: t('campaigns.template'), span: 3, children: x.templateId }] : []),
        ...(x.status === 'draft' ? [{ key: 'audience', label: t('campaigns.stepAudience'), span: 3, children: <AudienceText audience={x.audience} /> }] : []),
      ]} />
      {x.status === 'draft' && (
        <Card style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('campaigns.draftHint')}</Typography.Paragraph>
          {report && (
            <>
              <PreflightReport p={report} />
              <Flex justify="end" style={{ marginTop: 16 }}>
                <Button type="primary" disabled={!report.sufficient || (!report.queued && !report.deferred)} onClick={start} data-testid="draft-start">
                  {x.scheduleAt || x.cron ? t('campaigns.schedule') : t('campaigns.send')}
                </Button>
              </Flex>
            </>
          )}
        </Card>
      )}
      {s && s.held.length > 0 && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="campaign-held"
          title={s.held.map((h) => t('campaigns.held', { count: fmt.number(h.count), reason: holdText(t, h.reason), until: fmt.dateTime(h.until), zone: fmt.zone })).join('；')} />
      )}
      {x.status !== 'draft' && (!s || !s.total ? <Card><Empty description={t('campaigns.noRecipientsYet')} /></Card> : <Live s={s} id={id} />)}
    </Page>
  );
}

function Live({ s, id }: { s: Stats; id: string }) {
  const { t, fmt, lang } = useI18n();
  const done = s.delivered + s.failed + s.excluded;
  const funnel = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'item' },
    series: [{
      type: 'funnel', sort: 'none', left: '10%', width: '80%', label: { position: 'inside', formatter: '{b}: {c}' },
      data: [
        { name: t('campaigns.recipients'), value: s.total },
        { name: t('message.status.submitted'), value: s.submitted },
        { name: t('message.status.delivered'), value: s.delivered },
      ],
    }],
  }), [s, t]);
  const bars = (rows: { name: string; delivered: number; failed: number; total: number }[]): ChartOption => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.name) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('message.status.delivered'), type: 'bar', stack: 'a', data: rows.map((r) => r.delivered), itemStyle: { color: '#52c41a' } },
      { name: t('message.status.failed'), type: 'bar', stack: 'a', data: rows.map((r) => r.failed), itemStyle: { color: '#ff4d4f' } },
      { name: t('campaigns.pending'), type: 'bar', stack: 'a', data: rows.map((r) => r.total - r.delivered - r.failed), itemStyle: { color: '#d9d9d9' } },
    ],
  });
  const minutes: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 8, bottom: 8, top: 16, containLabel: true },
    xAxis: { type: 'category', data: s.perMinute.map((m) => fmt.time(`${m.minute}:00Z`)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: t('message.status.submitted'), type: 'line', smooth: true, areaStyle: {}, data: s.perMinute.map((m) => m.submitted) }],
  };
  const table = (rows: [string, number][], label: (k: string) => string) => (
    <Table size="small" rowKey="0" pagination={false} dataSource={rows} locale={{ emptyText: t('campaigns.none') }}
      columns={[{ title: t('campaigns.reason'), render: (_, [k]) => label(k) }, { title: t('campaigns.count'), align: 'right', render: (_, [, n]) => fmt.number(n) }]} />
  );

  return (
    <>
      <Card style={{ marginBottom: 16 }}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={4}><Statistic title={t('campaigns.recipients')} value={fmt.number(s.total)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('message.status.queued')} value={fmt.number(s.queued)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('campaigns.awaitingReceipt')} value={fmt.number(s.awaitingReceipt)} /></Col>
          <Col xs={12} md={4}><Statistic title={t('message.status.delivered')} value={fmt.number(s.delivered)} styles={{ content: { color: '#389e0d' } }} /></Col>
          <Col xs={12} md={4}><Statistic title={t('message.status.failed')} value={fmt.number(s.failed)} styles={{ content: { color: s.failed ? '#cf1322' : undefined } }} /></Col>
          <Col xs={12} md={4}><Statistic title={t('campaigns.deliveryRate')} value={s.deliveryRate === null ? '—' : `${fmt.number(Math.round(s.deliveryRate * 1000) / 10)} %`} /></Col>
        </Row>
        <Progress data-testid="campaign-progress" percent={Math.floor((done / s.total) * 100)} success={{ percent: Math.floor((s.delivered / s.total) * 100) }} style={{ marginTop: 16 }} />
        <Space wrap style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t('preview.cost')}: {fmt.money(s.cost)}</Typography.Text>
          <Typography.Text type="secondary">{t('campaigns.segments')}: {fmt.number(s.segments)}</Typography.Text>
          {s.resubmitted > 0 && <Typography.Text type="warning">{t('campaigns.resubmitted', { count: s.resubmitted })}</Typography.Text>}
          <Link to={`/messages?campaignId=${encodeURIComponent(id)}`}>{t('campaigns.messages')}</Link>
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}><Card title={t('campaigns.funnel')}><Chart option={funnel} /></Card></Col>
        <Col xs={24} lg={16}><Card title={t('campaigns.perMinute')}><Chart option={minutes} /></Card></Col>
        <Col xs={24} lg={12}><Card title={t('campaigns.byCarrier')}><Chart option={bars(s.byCarrier.map((r) => ({ ...r, name: carrierName(r.carrier, lang, t('campaigns.unknown')) })))} /></Card></Col>
        <Col xs={24} lg={12}><Card title={t('campaigns.byRegion')}><Chart option={bars(s.byRegion.map((r) => ({ ...r, name: !r.region || r.region === 'unknown' ? t('campaigns.unknown') : r.region })))} /></Card></Col>
        <Col xs={24} lg={12}><Card title={t('campaigns.excludedBy')}>{table(Object.entries(s.excludedBy), (k) => reasonText(t, k))}</Card></Col>
        <Col xs={24} lg={12}><Card title={t('campaigns.failedBy')}>{table(Object.entries(s.failedBy), (k) => k)}</Card></Col>
      </Row>
    </>
  );
}
