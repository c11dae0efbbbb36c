// A lottery's draws with their audit: the published seed hash, the run, the revealed seed, the frozen list's hash,
// the algorithm version, the winners with their claim codes, and the audit file for `tidings lottery verify`.
import { Button, Card, Descriptions, Empty, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { Link } from '../../router.tsx';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Audit = Response<'GET /api/v1/services/{id}/draws/{drawId}/audit'>;
type Winner = Response<'GET /api/v1/services/{id}/winners'>['winners'][number];
const awardColor: Record<Winner['award'], string> = { points: 'blue', gift: 'green', substitute: 'gold', out_of_stock: 'default', name: 'purple' };

/** The draws of a lottery service and the audit of each. */
export function LotteryDraws({ id, editable }: { id: string; editable: boolean }) {
  const { t, fmt } = useI18n();
  const draws = useLoad(() => call('GET /api/v1/services/{id}/draws', { path: { id } }), [id]);
  const winners = useLoad(() => call('GET /api/v1/services/{id}/winners', { path: { id } }), [id]);
  const first = draws.data?.draws[0];
  const audit = useLoad(async () => (first ? call('GET /api/v1/services/{id}/draws/{drawId}/audit', { path: { id, drawId: first.id } }) : null), [id, first?.id, first?.status]);
  const { run, busy } = useAction({ reload: () => { draws.reload(); winners.reload(); audit.reload(); } });
  const a: Audit | null | undefined = audit.data;
  const saveAudit = () => {
    if (!a) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(a, null, 2)], { type: 'application/json' }));
    link.download = `audit-${a.drawId}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <Card size="small" title={t('services.lottery.draws')} style={{ marginTop: 16 }} extra={
      <Space>
        {editable && first && first.kind === 'draw' && first.status === 'committed' && (
          <Popconfirm title={t('services.lottery.runConfirm')} okText={t('services.lottery.run')} cancelText={t('common.cancel')}
            onConfirm={() => run(() => call('POST /api/v1/services/{id}/draws/{drawId}/run', { path: { id, drawId: first.id } }), t('services.lottery.drawn'))}>
            <Button type="primary" loading={busy}>{t('services.lottery.run')}</Button>
          </Popconfirm>
        )}
        {a && <Button icon={<DownloadOutlined />} onClick={saveAudit}>{t('services.lottery.downloadAudit')}</Button>}
      </Space>
    }>
      {!first && <Empty />}
      {a && (
        <>
          <Descriptions size="small" column={1} bordered items={[
            { key: 'status', label: t('services.state'), children: <Tag color={a.status === 'drawn' ? 'green' : 'blue'}>{t(`services.lottery.status.${a.status === 'drawn' ? 'drawn' : 'committed'}`)}</Tag> },
            { key: 'mode', label: t('services.lottery.mode'), children: t(`services.lottery.mode.${a.kind ?? 'draw'}` as 'services.lottery.mode.draw') },
            { key: 'algorithm', label: t('services.lottery.algorithm'), children: <Typography.Text code>{a.algorithm}</Typography.Text> },
            { key: 'seedHash', label: t('services.lottery.seedHash'), children: <Typography.Text code copyable>{a.seedHash}</Typography.Text> },
            { key: 'seed', label: t('services.lottery.seed'), children: a.seed ? <Typography.Text code copyable>{a.seed}</Typography.Text> : '—' },
            { key: 'entriesHash', label: t('services.lottery.entriesHash'), children: a.entriesHash ? <Typography.Text code copyable>{a.entriesHash}</Typography.Text> : '—' },
            { key: 'entries', label: t('services.lottery.entries'), children: fmt.number(a.entryCount) },
            { key: 'drawAt', label: t('services.lottery.drawAt'), children: fmt.dateTime(a.drawnAt ?? a.drawAt) },
          ]} />
          {a.allWin && <Typography.Paragraph type="warning" style={{ marginTop: 8 }}>{t('services.lottery.allWin')}</Typography.Paragraph>}
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('services.lottery.verifyHint')}</Typography.Paragraph>
        </>
      )}
      <Typography.Title level={5}>{t('services.lottery.winners')}</Typography.Title>
      <Table<Winner> rowKey="id" size="small" pagination={false} dataSource={winners.data?.winners ?? []} columns={[
        { title: t('services.lottery.prize'), dataIndex: 'prize', render: (k: string) => a?.prizes.find((p) => p.key === k)?.name ?? k },
        { title: t('services.phone'), dataIndex: 'phone' },
        { title: t('services.lottery.claimCode'), dataIndex: 'claimCode', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
        { title: t('services.lottery.award'), dataIndex: 'award', render: (k: Winner['award'], w) => <Tag color={awardColor[k]}>{t(`services.lottery.award.${k}`)}{w.points ? ` · ${t('points.unit', { n: fmt.number(w.points) })}` : ''}</Tag> },
        { title: t('services.lottery.redemption'), dataIndex: 'redemptionId', render: (r: string | null) => (r ? <Link to="/points/redemptions">{t('services.lottery.redemptionLink')}</Link> : '—') },
        { title: t('services.updated'), dataIndex: 'createdAt', render: (d: string) => fmt.dateTime(d) },
      ]} />
    </Card>
  );
}
