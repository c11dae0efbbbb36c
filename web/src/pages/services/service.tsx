// One service: open / close, live results (poll chart, survey funnel, quiz leaderboard, members), conversations,
// the inquiry table, team members and on-demand items, export.
import { useState } from 'react';
import { App, Button, Card, Descriptions, Empty, Form, Input, Popconfirm, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { call, download, upload, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { Chart } from '../../ui/chart.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { statusColor } from './services.tsx';
import { LotteryDraws } from './lottery.tsx';
import { CodeBatches, CodeStats } from './codes.tsx';

type Conversation = Response<'GET /api/v1/services/{id}/conversations'>['conversations'][number];
interface Results {
  responses: number; valid: number; conversations: Record<string, number>; responsesByVersion: Record<string, number>;
  view: Record<string, any>;
}

/** The page of one service. */
export function ServiceDetail({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const session = useSession();
  const svc = useLoad(() => call('GET /api/v1/services/{id}', { path: { id } }), [id]);
  const results = useLoad(async () => (await call('GET /api/v1/services/{id}/results', { path: { id } })) as unknown as Results, [id]);
  const convs = useLoad(() => call('GET /api/v1/services/{id}/conversations', { path: { id }, query: { limit: 100 } }), [id]);
  useInterval(() => { results.reload(); convs.reload(); }, 5000);
  const { run, busy } = useAction({ reload: () => { svc.reload(); results.reload(); } });
  const s = svc.data;
  if (!s) return <ErrorAlert error={svc.error} retry={svc.reload} />;
  const editable = session.can('manage');
  const exportAs = (format: 'csv' | 'xlsx') => () => run(() => download('GET /api/v1/services/{id}/results/export', `${s.name}.${format}`, { path: { id }, query: { format } }));
  return (
    <Page
      title={<Space>{s.name}<Tag color={statusColor[s.status]}>{t(`services.status.${s.status}`)}</Tag></Space>}
      extra={
        <>
          {editable && s.status !== 'live' && <Button type="primary" loading={busy} onClick={() => run(() => call('POST /api/v1/services/{id}/open', { path: { id } }), t('services.opened'))}>{t('services.open')}</Button>}
          {editable && s.status === 'live' && (
            <Popconfirm title={t('services.closeConfirm')} okText={t('services.close')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('POST /api/v1/services/{id}/close', { path: { id } }), t('services.closed'))}>
              <Button danger loading={busy}>{t('services.close')}</Button>
            </Popconfirm>
          )}
          <Button icon={<DownloadOutlined />} onClick={exportAs('csv')}>CSV</Button>
          <Button icon={<DownloadOutlined />} onClick={exportAs('xlsx')}>Excel</Button>
        </>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }} items={[
        { key: 'type', label: t('services.type'), children: t(`services.type.${s.type}` as 'services.type.poll') },
        { key: 'kw', label: t('services.keywords'), children: s.keywords.join('、') || '—' },
        { key: 'number', label: t('services.number'), children: s.number ?? t('services.anyNumber') },
        { key: 'version', label: t('services.version'), children: `v${s.version}` },
        { key: 'opened', label: t('services.openedAt'), children: fmt.dateTime(s.openedAt) },
        { key: 'closed', label: t('services.closedAt'), children: fmt.dateTime(s.closedAt) },
      ]} />
      <ErrorAlert error={results.error} retry={results.reload} />
      {results.data && <ResultsView type={s.type} r={results.data} />}
      {s.type === 'inquiry' && editable && <InquiryTable id={id} onDone={results.reload} />}
      {s.type === 'lottery' && <LotteryDraws id={id} editable={editable} />}
      {s.type === 'codes' && <CodeStats id={id} />}
      {s.type === 'codes' && <CodeBatches editable={editable} />}
      {(s.type === 'teamchat' || s.type === 'subscription') && <Members id={id} team={s.type === 'teamchat'} editable={editable} />}
      {s.type === 'subscription' && (s.config as { mode?: string }).mode === 'ondemand' && <Items id={id} editable={editable} />}
      <Card size="small" title={t('services.conversations')} style={{ marginTop: 16 }}>
        <Table<Conversation> rowKey="id" size="small" dataSource={convs.data?.conversations ?? []} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('services.noConversations')} /> }}
          columns={[
            { title: t('services.phone'), dataIndex: 'phone' },
            { title: t('services.state'), dataIndex: 'state', render: (st: string) => t(`services.state.${st}` as 'services.state.waiting') },
            { title: t('services.step'), dataIndex: 'step' },
            { title: t('services.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
            { title: t('services.updated'), dataIndex: 'updatedAt', render: (d: string) => fmt.dateTime(d) },
          ]} />
      </Card>
    </Page>
  );
}

function ResultsView({ type, r }: { type: string; r: Results }) {
  const { t, fmt } = useI18n();
  const v = r.view;
  return (
    <Card size="small" title={t('services.results')}>
      <Space size="large" wrap style={{ marginBottom: 12 }}>
        <Statistic title={t('services.responses')} value={fmt.number(r.responses)} />
        <Statistic title={t('services.validResponses')} value={fmt.number(r.valid)} />
        {Object.entries(r.conversations).map(([k, n]) => <Statistic key={k} title={t(`services.state.${k}` as 'services.state.waiting')} value={fmt.number(n)} />)}
      </Space>
      {type === 'poll' && (
        <Chart option={{
          tooltip: {}, grid: { left: 120, right: 24, top: 10, bottom: 24 },
          xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', inverse: true, data: v.options.map((o: any) => `${o.key}. ${o.name}`) },
          series: [{ type: 'bar', data: v.options.map((o: any) => o.votes), label: { show: true, position: 'right' } }],
        }} />
      )}
      {type === 'survey' && (
        <>
          <Typography.Paragraph>{t('services.survey.completion', { done: fmt.number(v.completed), started: fmt.number(v.started), rate: Math.round(v.completionRate * 100) })}</Typography.Paragraph>
          <Chart option={{ tooltip: {}, series: [{ type: 'funnel', sort: 'none', data: v.questions.map((q: any) => ({ name: q.id, value: q.answered })) }] }} />
          <Table rowKey="id" size="small" pagination={false} dataSource={v.questions} columns={[
            { title: t('services.question'), dataIndex: 'id' }, { title: t('services.answered'), dataIndex: 'answered' },
            { title: t('services.rate'), dataIndex: 'rate', render: (x: number) => `${Math.round(x * 100)}%` },
            { title: t('services.categories'), dataIndex: 'categories', render: (c: Record<string, number>) => Object.entries(c).map(([k, n]) => `${k}: ${n}`).join(' · ') },
          ]} />
        </>
      )}
      {type === 'quiz' && (
        <Table rowKey="phone" size="small" pagination={false} dataSource={v.leaderboard} locale={{ emptyText: <Empty description={t('services.quiz.noPlays')} /> }} columns={[
          { title: t('services.quiz.rank'), dataIndex: 'rank' }, { title: t('services.phone'), dataIndex: 'phone' },
          { title: t('services.quiz.score'), dataIndex: 'score' }, { title: t('services.quiz.finished'), dataIndex: 'finishedAt', render: (d: string) => fmt.dateTime(d) },
        ]} />
      )}
      {type === 'teamchat' && (
        <Typography.Paragraph>{t('services.teamchat.stats', { messages: fmt.number(v.messages), copies: fmt.number(v.copies), members: fmt.number(v.members.length), cost: fmt.number(Math.max(0, v.members.length - 1)) })}</Typography.Paragraph>
      )}
      {type === 'lottery' && (
        <Descriptions size="small" column={{ xs: 1, md: 4 }} items={[
          { key: 'entries', label: t('services.lottery.entries'), children: fmt.number(v.entries.reduce((a: number, e: { n: number }) => a + e.n, 0)) },
          { key: 'winners', label: t('services.lottery.winners'), children: fmt.number(v.winners) },
          ...v.prizes.map((p: { key: string; name: string; count: number }) => ({ key: p.key, label: p.name, children: `${fmt.number(v.byPrize[p.key] ?? 0)} / ${fmt.number(p.count)}` })),
          ...Object.entries((v.byAward ?? {}) as Record<string, number>).map(([k, n]) => ({ key: `award-${k}`, label: t(`services.lottery.award.${k}` as 'services.lottery.award.gift'), children: fmt.number(n) })),
        ]} />
      )}
      {(type === 'inquiry' || type === 'subscription') && (
        <Descriptions size="small" column={{ xs: 1, md: 4 }} items={Object.entries(v).map(([k, n]) => ({ key: k, label: t(`services.stat.${k}` as 'services.stat.rows'), children: fmt.number(Number(n)) }))} />
      )}
    </Card>
  );
}

function InquiryTable({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [report, setReport] = useState<{ rows: number; rejected: number; rejects: { line: number; reason: string; detail: string }[] }>();
  return (
    <Card size="small" title={t('services.inquiry.table')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('services.inquiry.tableHint')}</Typography.Paragraph>
      <Upload accept=".csv,.xlsx,.txt" maxCount={1} showUploadList={false} customRequest={async ({ file }) => {
        const form = new FormData();
        form.append('file', file as Blob);
        try {
          setReport(await upload('POST /api/v1/services/{id}/table', form, { id }) as never);
          onDone();
        } catch (e) { message.error(describeError(e, t)); }
      }}>
        <Button icon={<UploadOutlined />}>{t('services.inquiry.upload')}</Button>
      </Upload>
      {report && (
        <>
          <Typography.Paragraph style={{ marginTop: 8 }}>{t('services.inquiry.report', { rows: report.rows, rejected: report.rejected })}</Typography.Paragraph>
          {report.rejects.length > 0 && <Table rowKey="line" size="small" pagination={false} dataSource={report.rejects} columns={[
            { title: t('services.inquiry.line'), dataIndex: 'line' }, { title: t('services.inquiry.reason'), dataIndex: 'reason' }, { title: '', dataIndex: 'detail' },
          ]} />}
        </>
      )}
    </Card>
  );
}

function Members({ id, team, editable }: { id: string; team: boolean; editable: boolean }) {
  const { t } = useI18n();
  const list = useLoad(() => call('GET /api/v1/services/{id}/members', { path: { id } }), [id]);
  const { run, busy } = useAction({ reload: list.reload });
  const [form] = Form.useForm<{ phone: string; name?: string }>();
  const members = ((list.data as { members?: { phone: string; name?: string; muted?: boolean }[] } | undefined)?.members) ?? [];
  return (
    <Card size="small" title={t('services.members')} style={{ marginTop: 16 }} extra={team && <Typography.Text type="secondary">{t('services.teamchat.cost', { n: Math.max(0, members.length - 1) })}</Typography.Text>}>
      {editable && (
        <Form form={form} layout="inline" style={{ marginBottom: 12 }} onFinish={(v) => run(() => call('PUT /api/v1/services/{id}/members/{phone}', { path: { id, phone: v.phone }, body: { name: v.name } }), t('common.saved')).then((ok) => { if (ok) form.resetFields(); })}>
          <Form.Item name="phone" rules={[{ required: true, message: t('services.required') }]}><Input placeholder="13800138000" /></Form.Item>
          {team && <Form.Item name="name"><Input placeholder={t('services.teamchat.nickname')} /></Form.Item>}
          <Button htmlType="submit" loading={busy}>{t('services.addMember')}</Button>
        </Form>
      )}
      <Table rowKey="phone" size="small" pagination={false} dataSource={members} columns={[
        { title: t('services.phone'), dataIndex: 'phone' },
        ...(team ? [{ title: t('services.teamchat.nickname'), dataIndex: 'name' }, { title: t('services.teamchat.muted'), dataIndex: 'muted', render: (m: boolean) => (m ? '✓' : '') }] : []),
        { title: '', key: 'x', render: (_: unknown, m: { phone: string }) => editable && <Button size="small" danger onClick={() => run(() => call('DELETE /api/v1/services/{id}/members/{phone}', { path: { id, phone: m.phone } }))}>{t('common.delete')}</Button> },
      ]} />
    </Card>
  );
}

function Items({ id, editable }: { id: string; editable: boolean }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/services/{id}/items', { path: { id } }), [id]);
  const { run, busy } = useAction({ reload: list.reload });
  const [text, setText] = useState('');
  const items = ((list.data as { items?: { id: string; text: string; at: string }[] } | undefined)?.items) ?? [];
  return (
    <Card size="small" title={t('services.items')} style={{ marginTop: 16 }}>
      {editable && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('services.itemsHint')} maxLength={1000} />
          <Button type="primary" loading={busy} disabled={!text.trim()} onClick={() => run(() => call('POST /api/v1/services/{id}/items', { path: { id }, body: { text } }), t('common.saved')).then((ok) => { if (ok) setText(''); })}>{t('services.publish')}</Button>
        </Space.Compact>
      )}
      <Table rowKey="id" size="small" pagination={false} dataSource={[...items].reverse()} columns={[{ title: t('services.updated'), dataIndex: 'at', render: (d: string) => fmt.dateTime(d) }, { title: t('services.itemText'), dataIndex: 'text' }]} />
    </Card>
  );
}
