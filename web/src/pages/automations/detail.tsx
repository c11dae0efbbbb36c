// One automation: its statistics, the preview (a table and a calendar of the next 30 days), its occurrences
// (cancellable while pending), and for event triggers the log of events.
import { useState } from 'react';
import { Badge, Button, Calendar, Card, Col, Descriptions, Popconfirm, Row, Segmented, Select, Skeleton, Space, Statistic, Table, Tabs, Tag, Tooltip } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { inZone, statusColor, triggerSummary } from './labels.ts';

type Occurrence = Response<'GET /api/v1/automations/{id}/occurrences'>['occurrences'][number];
type PreviewRow = Response<'GET /api/v1/automations/{id}/preview'>['rows'][number];
type EventRow = Response<'GET /api/v1/events'>['events'][number];
const states = ['pending', 'sent', 'excluded', 'cancelled', 'skipped', 'missed'] as const;

/** The page of one automation. */
export function AutomationDetail({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const a = useLoad(() => call('GET /api/v1/automations/{id}', { path: { id } }), [id]);
  if (!a.data) return a.error ? <ErrorAlert error={a.error} retry={a.reload} /> : <Skeleton active />;
  const d = a.data;
  const s = d.stats;
  const delivered = s?.messages.delivered ?? 0;
  const sent = (s?.occurrences.sent ?? 0);
  const skipped = (d.lastRun?.skipped ?? {}) as Record<string, number>;
  return (
    <Page title={d.name} extra={<Tag color={statusColor[d.status]}>{t(`automations.status.${d.status}` as 'automations.status.on')}</Tag>}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }} items={[
        { key: 'trigger', label: t('automations.trigger'), children: triggerSummary(t, d.trigger) },
        { key: 'steps', label: t('automations.steps'), children: fmt.number(d.steps.length) },
        ...(Object.keys(skipped).length ? [{ key: 'skipped', label: t('automations.skipped'), children: Object.entries(skipped).map(([k, n]) => `${t(`automations.skip.${k}` as 'automations.skip.no_date')}: ${fmt.number(n)}`).join('；') }] : []),
      ]} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {[['automations.stats.pending', s?.occurrences.pending ?? 0], ['automations.stats.sent', sent], ['automations.stats.delivered', delivered], ['automations.stats.replied', s?.replied ?? 0], ['automations.stats.optedOut', s?.optedOut ?? 0]].map(([k, n]) => (
          <Col xs={12} md={4} key={k as string}><Card size="small"><Statistic title={t(k as 'automations.stats.sent')} value={fmt.number(n as number)} /></Card></Col>
        ))}
      </Row>
      <Tabs items={[
        { key: 'preview', label: t('automations.preview'), children: <Preview id={id} /> },
        { key: 'occurrences', label: t('automations.occurrences'), children: <Occurrences id={id} onChange={a.reload} /> },
        ...(d.trigger.type === 'event' ? [{ key: 'events', label: t('automations.events'), children: <Events type={String(d.trigger.eventType)} /> }] : []),
      ]} />
    </Page>
  );
}

function Preview({ id }: { id: string }) {
  const { t } = useI18n();
  const [view, setView] = useState<'table' | 'calendar'>('calendar');
  const p = useLoad(() => call('GET /api/v1/automations/{id}/preview', { path: { id }, query: { days: 30 } }), [id]);
  const rows = p.data?.rows ?? [];
  const byDate = new Map<string, PreviewRow[]>();
  for (const r of rows) byDate.set(r.localDate, [...(byDate.get(r.localDate) ?? []), r]);
  return (
    <Card size="small" title={t('automations.previewHint')} extra={<Segmented value={view} onChange={(v) => setView(v as 'table' | 'calendar')} options={[{ value: 'calendar', label: t('automations.calendarView') }, { value: 'table', label: t('automations.tableView') }]} />}>
      <ErrorAlert error={p.error} retry={p.reload} />
      {view === 'table' ? (
        <Table<PreviewRow> rowKey={(r) => `${r.contactId}|${r.step}|${r.dueAt}`} loading={p.loading} dataSource={rows} size="small" scroll={{ x: 'max-content' }}
          columns={[
            { title: t('automations.localDate'), dataIndex: 'localDate' },
            { title: t('automations.due'), key: 'due', render: (_, r) => inZone(r.dueAt, r.zone) },
            { title: t('automations.zone'), dataIndex: 'zone' },
            { title: t('automations.phone'), dataIndex: 'phone' },
            { title: t('automations.name'), dataIndex: 'name' },
            { title: t('automations.text'), dataIndex: 'text' },
          ]} />
      ) : (
        <Calendar fullscreen={false}
          cellRender={(date, info) => {
            if (info.type !== 'date') return info.originNode;
            const list = byDate.get(date.format('YYYY-MM-DD'));
            return list ? <Tooltip title={list.slice(0, 10).map((r) => `${r.phone} ${r.text}`).join('\n')}><Badge count={list.length} size="small" color="blue" /></Tooltip> : null;
          }} />
      )}
    </Card>
  );
}

function Occurrences({ id, onChange }: { id: string; onChange: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<(typeof states)[number]>();
  const list = useLoad(() => call('GET /api/v1/automations/{id}/occurrences', { path: { id }, query: { limit: 200, ...(status ? { status } : {}) } }), [id, status]);
  const { run } = useAction({ reload: () => { list.reload(); onChange(); } });
  return (
    <Card size="small" extra={<Select allowClear placeholder={t('automations.status')} style={{ width: 160 }} value={status} onChange={setStatus} options={states.map((s) => ({ value: s, label: t(`automations.occ.${s}`) }))} />}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Occurrence> rowKey="id" loading={list.loading} dataSource={list.data?.occurrences ?? []} size="small" scroll={{ x: 'max-content' }}
        columns={[
          { title: t('automations.due'), key: 'due', render: (_, o) => inZone(o.dueAt, o.zone) },
          { title: t('automations.zone'), dataIndex: 'zone' },
          { title: t('automations.phone'), dataIndex: 'phone' },
          { title: t('automations.name'), dataIndex: 'name' },
          { title: '#', dataIndex: 'step', render: (n: number) => n + 1 },
          { title: t('automations.status'), dataIndex: 'status', render: (s: string, o) => <Space><Tag color={statusColor[s]}>{t(`automations.occ.${s}` as 'automations.occ.sent')}</Tag>{o.messageStatus && <Tag>{o.messageStatus}</Tag>}</Space> },
          { title: t('automations.reason'), dataIndex: 'reason' },
          {
            title: '', key: 'actions',
            render: (_, o) => o.status === 'pending' && session.can('send') && (
              <Popconfirm title={t('automations.cancelOccurrence')} okText={t('automations.cancelOccurrence')} cancelText={t('common.cancel')}
                onConfirm={() => run(() => call('POST /api/v1/automations/{id}/occurrences/{occurrenceId}/cancel', { path: { id, occurrenceId: o.id } }), t('automations.cancelled'))}>
                <Button size="small" danger>{t('automations.cancelOccurrence')}</Button>
              </Popconfirm>
            ),
          },
        ]} />
    </Card>
  );
}

function Events({ type }: { type: string }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/events', { query: { type, limit: 100 } }), [type]);
  return (
    <Card size="small" extra={(list.data?.counts ?? []).map((c) => <Tag key={`${c.type}${c.status}`}>{c.status}: {fmt.number(c.n)}</Tag>)}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<EventRow> rowKey="id" loading={list.loading} dataSource={list.data?.events ?? []} size="small" scroll={{ x: 'max-content' }}
        columns={[
          { title: t('automations.due'), dataIndex: 'receivedAt', render: (v: string) => fmt.dateTime(v) },
          { title: 'idempotencyKey', dataIndex: 'idempotencyKey' },
          { title: t('automations.phone'), key: 'who', render: (_, e) => e.phone ?? e.externalId },
          { title: t('automations.eventStatus'), dataIndex: 'status', render: (s: string, e) => <Tooltip title={e.detail}><Tag color={s === 'accepted' ? 'green' : s === 'duplicate' ? 'default' : 'orange'}>{s}</Tag></Tooltip> },
        ]} />
    </Card>
  );
}
