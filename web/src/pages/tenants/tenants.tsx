// Platform administration of tenants: list with balances, create, suspend or reactivate, act on one.
import { useState } from 'react';
import { Button, Drawer, Empty, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { Ledger } from '../billing/ledger.tsx';

type Tenant = Response<'GET /api/v1/admin/tenants'>['tenants'][number];

/** The tenants of the platform. */
export function Tenants() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const tenants = useLoad(() => call('GET /api/v1/admin/tenants'), []);
  const [creating, setCreating] = useState(false);
  const [topping, setTopping] = useState<Tenant>();
  const [ledger, setLedger] = useState<Tenant>();
  const { run } = useAction({ reload: tenants.reload });

  function setStatus(x: Tenant, status: 'active' | 'suspended') {
    return run(() => call('PATCH /api/v1/admin/tenants/{id}', { path: { id: x.id }, body: { status } }), t('common.saved'));
  }

  return (
    <Page title={t('nav.tenants')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('tenants.create')}</Button>}>
      <ErrorAlert error={tenants.error} retry={tenants.reload} />
      <Table<Tenant>
        rowKey="id"
        loading={tenants.loading}
        dataSource={tenants.data?.tenants}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('tenants.empty')} /> }}
        columns={[
          { title: t('tenants.name'), dataIndex: 'name' },
          { title: t('tenants.slug'), dataIndex: 'slug' },
          { title: t('tenants.status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'active' ? 'green' : 'red'}>{s === 'active' ? t('tenants.active') : t('tenants.suspended')}</Tag> },
          { title: t('dashboard.balance'), dataIndex: 'balance', align: 'right', render: (b: string) => fmt.money(b) },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, x) => (
              <Space>
                <Button size="small" onClick={() => { session.actOn({ slug: x.slug, name: x.name }); navigate('/'); }}>{t('tenants.actOn')}</Button>
                <Button size="small" onClick={() => setTopping(x)}>{t('tenants.topUp')}</Button>
                <Button size="small" onClick={() => setLedger(x)}>{t('tenants.ledger')}</Button>
                {x.status === 'active'
                  ? (
                    <Popconfirm title={t('tenants.suspendConfirm', { name: x.name })} okText={t('tenants.suspend')} cancelText={t('common.cancel')} onConfirm={() => setStatus(x, 'suspended')}>
                      <Button size="small" danger>{t('tenants.suspend')}</Button>
                    </Popconfirm>
                  )
                  : <Button size="small" onClick={() => setStatus(x, 'active')}>{t('tenants.reactivate')}</Button>}
              </Space>
            ),
          },
        ]}
      />
      {topping && <TopUp tenant={topping} onClose={() => setTopping(undefined)} onDone={() => { setTopping(undefined); tenants.reload(); }} />}
      <Drawer open={!!ledger} size={Math.min(900, window.innerWidth)} title={`${t('tenants.ledger')}: ${ledger?.name ?? ''}`} onClose={() => setLedger(undefined)} destroyOnHidden>
        {ledger && <Ledger tenantId={ledger.id} />}
      </Drawer>
      <CreateTenant open={creating} onClose={() => setCreating(false)} onCreated={() => { setCreating(false); tenants.reload(); }} />
    </Page>
  );
}

function CreateTenant({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Body<'POST /api/v1/admin/tenants'>>();
  const labels = { slug: t('tenants.slug'), name: t('tenants.name') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const created = await run(() => call('POST /api/v1/admin/tenants', { body: { slug: v.slug, name: v.name || undefined } }), (x) => t('tenants.created', { name: x.name }));
    if (created) {
      form.resetFields();
      onCreated();
    }
  }

  return (
    <Modal open={open} title={t('tenants.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="slug" label={labels.slug} extra={t('tenants.slugHint')} rules={[{ required: true, pattern: /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, message: t('tenants.slugHint') }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="name" label={labels.name}><Input maxLength={200} /></Form.Item>
      </Form>
    </Modal>
  );
}

function TopUp({ tenant, onClose, onDone }: { tenant: Tenant; onClose: () => void; onDone: () => void }) {
  const { t, fmt } = useI18n();
  const [form] = Form.useForm<{ amount: number; note?: string }>();
  const { run, busy } = useAction({ labels: { amount: t('ledger.amount') } });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const body = { amount: String(Math.round(v.amount * 100)), note: v.note || undefined };
    const toppedUp = await run(() => call('POST /api/v1/admin/tenants/{id}/balance', { path: { id: tenant.id }, body }), (r) => t('tenants.toppedUp', { balance: fmt.money(r.balance) }));
    if (toppedUp) onDone();
  }

  return (
    <Modal open title={`${t('tenants.topUp')}: ${tenant.name}`} okText={t('tenants.topUp')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy}>
      <p>{t('dashboard.balance')}: {fmt.money(tenant.balance)}</p>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="amount" label={t('ledger.amount')} extra={t('tenants.topUpHint')} rules={[{ required: true, message: t('tenants.amountRequired') }]}>
          <InputNumber step={0.01} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="note" label={t('ledger.note')}><Input maxLength={200} /></Form.Item>
      </Form>
    </Modal>
  );
}
