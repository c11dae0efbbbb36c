// Points accounts: who holds how many points, each account's ledger, and a form to add or deduct points by hand.
import { useMemo, useState } from 'react';
import { Button, Card, Drawer, Empty, Flex, Form, Input, InputNumber, Radio, Table, Tag } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { DateTimeInput } from '../../ui/pickers.tsx';

type Account = Response<'GET /api/v1/points'>['accounts'][number];
type Entry = Response<'GET /api/v1/points/{contactId}'>['entries'][number];
const kindColor: Record<Entry['kind'], string> = { credit: 'green', debit: 'blue', expiry: 'default', refund: 'gold' };

/** The accounts list with a search by number; a row opens its ledger. */
export function PointsAccounts() {
  const { t, fmt } = useI18n();
  const [phone, setPhone] = useState('');
  const list = useLoad(() => call('GET /api/v1/points', { query: { phone: phone || undefined, limit: 500 } }), [phone]);
  const [open, setOpen] = useState<Account>();
  return (
    <Page title={t('points.title')}>
      <Card>
        <ErrorAlert error={list.error} retry={list.reload} />
        <Input.Search style={{ maxWidth: 320, marginBottom: 16 }} placeholder={t('points.search')} allowClear onSearch={(v) => setPhone(v.trim())} data-testid="points-search" />
        <Table<Account>
          rowKey="contactId" size="small" loading={list.loading} dataSource={list.data?.accounts} pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('points.empty')} /> }}
          onRow={(a) => ({ onClick: () => setOpen(a), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('points.phone'), dataIndex: 'phone' },
            { title: t('points.name'), dataIndex: 'name' },
            { title: t('points.balance'), dataIndex: 'balance', align: 'right', render: (n: number) => t('points.unit', { n: fmt.number(n) }) },
            { title: t('points.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => fmt.dateTime(v) },
          ]}
        />
      </Card>
      {open && <Ledger account={open} onClose={() => { setOpen(undefined); list.reload(); }} />}
    </Page>
  );
}

function Ledger({ account, onClose }: { account: Account; onClose(): void }) {
  const { t, fmt } = useI18n();
  const session = useSession();
  const ledger = useLoad(() => call('GET /api/v1/points/{contactId}', { path: { contactId: account.contactId }, query: { limit: 200 } }), [account.contactId]);
  return (
    <Drawer open width={720} title={`${account.phone} ${account.name ?? ''}`} onClose={onClose}>
      <ErrorAlert error={ledger.error} retry={ledger.reload} />
      <p data-testid="points-balance">{t('points.balance')}: <strong>{t('points.unit', { n: fmt.number(ledger.data?.balance ?? account.balance) })}</strong></p>
      {session.can('manage') && <Adjust contactId={account.contactId} reload={ledger.reload} />}
      <Table<Entry>
        rowKey="id" size="small" loading={ledger.loading} dataSource={ledger.data?.entries} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
        columns={[
          { title: t('points.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('points.kind'), dataIndex: 'kind', render: (k: Entry['kind']) => <Tag color={kindColor[k]}>{t(`points.kind.${k}`)}</Tag> },
          { title: t('points.points'), dataIndex: 'points', align: 'right', render: (n: number) => (n > 0 ? `+${fmt.number(n)}` : fmt.number(n)) },
          { title: t('points.source'), key: 'source', render: (_, e) => `${e.source.type} · ${e.source.id}` },
          { title: t('points.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null, e) => (e.kind === 'credit' || e.kind === 'refund' ? (v ? fmt.dateTime(v) : t('points.never')) : '') },
          { title: t('points.note'), dataIndex: 'note' },
        ]}
      />
    </Drawer>
  );
}

interface AdjustForm { kind: 'credit' | 'debit'; points: number; expiresAt?: string; note?: string }

function Adjust({ contactId, reload }: { contactId: string; reload(): void }) {
  const { t, fmt } = useI18n();
  const [form] = Form.useForm<AdjustForm>();
  // one key per filled-in form: a double click or a retry is one entry
  const [round, setRound] = useState(0);
  const key = useMemo(() => crypto.randomUUID(), [round]);
  const { run, busy } = useAction({ reload, labels: { points: t('points.points'), expiresAt: t('points.expiresAt') } });
  async function submit(v: AdjustForm) {
    const ok = await run(() => call('POST /api/v1/points/{contactId}/entries', {
      path: { contactId }, body: { kind: v.kind, points: v.points, source: 'manual', note: v.note?.trim() || null, expiresAt: v.kind === 'credit' ? fmt.fromInput(v.expiresAt) ?? null : null, idempotencyKey: key },
    }), t('common.saved'));
    if (ok) { form.resetFields(); setRound((r) => r + 1); }
  }
  return (
    <Card size="small" title={t('points.adjust')} style={{ marginBottom: 16 }}>
      <Form form={form} layout="inline" initialValues={{ kind: 'credit' }} onFinish={submit}>
        <Form.Item name="kind"><Radio.Group options={[{ value: 'credit', label: t('points.adjustCredit') }, { value: 'debit', label: t('points.adjustDebit') }]} /></Form.Item>
        <Form.Item name="points" label={t('points.points')} rules={[{ required: true }]}><InputNumber min={1} max={1_000_000_000} precision={0} data-testid="adjust-points" /></Form.Item>
        <Form.Item name="expiresAt" label={t('points.expiresAt')}><DateTimeInput /></Form.Item>
        <Form.Item name="note" label={t('points.note')}><Input maxLength={500} /></Form.Item>
        <Flex><Button type="primary" htmlType="submit" loading={busy} data-testid="adjust-save">{t('common.save')}</Button></Flex>
      </Form>
    </Card>
  );
}
