// Redemptions: what was redeemed by whom, marked fulfilled when sent or cancelled (points refunded), and exported.
import { useState } from 'react';
import { Button, Card, Empty, Flex, Popconfirm, Segmented, Space, Table, Tag } from 'antd';
import { call, download, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Redemption = Response<'GET /api/v1/redemptions'>['redemptions'][number];
type Status = Redemption['status'];
const statusColor: Record<Status, string> = { reserved: 'orange', fulfilled: 'green', cancelled: 'default' };
const channels = ['sms', 'api', 'console', 'lottery'] as const;
type Channel = (typeof channels)[number];
/** A paid redemption's cancel refunds its points; a lottery prize's (0 points) only returns the stock. */
const cancelLabel = (r: Redemption): 'redemptions.cancel' | 'redemptions.cancelPrize' => (r.points > 0 ? 'redemptions.cancel' : 'redemptions.cancelPrize');

/** The redemptions list by state, with fulfil / cancel and CSV/XLSX export. */
export function Redemptions() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<Status | 'all'>('reserved');
  const list = useLoad(() => call('GET /api/v1/redemptions', { query: { status: status === 'all' ? undefined : status, limit: 500 } }), [status]);
  const { run, busy } = useAction({ reload: list.reload });
  const exportAs = (format: 'csv' | 'xlsx') => () => run(() => download('GET /api/v1/redemptions/export', `redemptions.${format}`, { query: { format, status: status === 'all' ? undefined : status } }));
  const move = (r: Redemption, next: 'fulfilled' | 'cancelled') => run(() => call('PATCH /api/v1/redemptions/{id}', { path: { id: r.id }, body: { status: next } }), t(`redemptions.status.${next}`));
  return (
    <Page title={t('redemptions.title')} extra={<Space><Button onClick={exportAs('csv')}>{t('redemptions.export')} CSV</Button><Button onClick={exportAs('xlsx')}>XLSX</Button></Space>}>
      <Card>
        <ErrorAlert error={list.error} retry={list.reload} />
        <Flex style={{ marginBottom: 16 }}>
          <Segmented<Status | 'all'> value={status} onChange={setStatus} options={[
            ...(['reserved', 'fulfilled', 'cancelled'] as const).map((s) => ({ value: s, label: t(`redemptions.status.${s}`) })), { value: 'all', label: t('redemptions.all') },
          ]} />
        </Flex>
        <Table<Redemption>
          rowKey="id" size="small" loading={list.loading} dataSource={list.data?.redemptions} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty /> }}
          columns={[
            { title: t('points.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
            { title: t('redemptions.gift'), key: 'gift', render: (_, r) => `${r.giftCode} ${r.giftName}` },
            { title: t('points.phone'), dataIndex: 'phone' },
            { title: t('redemptions.points'), dataIndex: 'points', align: 'right', render: (n: number) => t('points.unit', { n: fmt.number(n) }) },
            { title: t('redemptions.status'), dataIndex: 'status', render: (s: Status) => <Tag color={statusColor[s]}>{t(`redemptions.status.${s}`)}</Tag> },
            { title: t('redemptions.channel'), dataIndex: 'channel', render: (c: string) => (channels.includes(c as Channel) ? t(`redemptions.channel.${c as Channel}`) : c) },
            { title: t('redemptions.note'), dataIndex: 'note' },
            {
              title: '', key: 'actions', render: (_, r) => session.can('manage') && r.status === 'reserved' && (
                <Space>
                  <Button size="small" type="primary" loading={busy} onClick={() => move(r, 'fulfilled')} data-testid={`fulfil-${r.id}`}>{t('redemptions.fulfil')}</Button>
                  <Popconfirm title={t(cancelLabel(r))} okText={t(cancelLabel(r))} cancelText={t('common.cancel')} onConfirm={() => move(r, 'cancelled')}>
                    <Button size="small" danger>{t(cancelLabel(r))}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Page>
  );
}
