// Webhooks of the tenant: where message events are posted, their signing secret, and the delivery log.
import { useState } from 'react';
import { Alert, App, Button, Drawer, Empty, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';

type Webhook = Response<'GET /api/v1/webhooks'>['webhooks'][number];
type Delivery = Response<'GET /api/v1/webhooks/{id}/deliveries'>['deliveries'][number];
const events = ['message.status', 'message.inbound'];

/** The webhooks table with create, enable, rotate secret, test, delete and the delivery log. */
export function Webhooks() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const list = useLoad(() => call('GET /api/v1/webhooks'), []);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string>();
  const [log, setLog] = useState<Webhook>();
  const { run } = useAction({ reload: list.reload });

  return (
    <>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} style={{ marginBottom: 16 }}>{t('webhooks.create')}</Button>
      <Table<Webhook>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.webhooks}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('webhooks.empty')} /> }}
        columns={[
          { title: t('webhooks.url'), dataIndex: 'url', render: (u: string) => <Typography.Text code>{u}</Typography.Text> },
          { title: t('webhooks.events'), dataIndex: 'events', render: (e: Webhook['events']) => (e === '*' ? <Tag>{t('webhooks.allEvents')}</Tag> : e.map((x) => <Tag key={x}>{x}</Tag>)) },
          { title: t('webhooks.enabled'), dataIndex: 'enabled', render: (on: boolean, w) => <Switch size="small" checked={on} onChange={(v) => run(() => call('PATCH /api/v1/webhooks/{id}', { path: { id: w.id }, body: { enabled: v } }), t('common.saved'))} /> },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, w) => (
              <Space wrap>
                <Button size="small" onClick={() => setLog(w)}>{t('webhooks.log')}</Button>
                <Button size="small" onClick={() => run(() => call('POST /api/v1/webhooks/{id}/test', { path: { id: w.id } }), t('webhooks.testQueued'))}>{t('webhooks.test')}</Button>
                <Popconfirm title={t('webhooks.rotateConfirm')} okText={t('webhooks.rotate')} cancelText={t('common.cancel')}
                  onConfirm={() => call('POST /api/v1/webhooks/{id}/rotate-secret', { path: { id: w.id } }).then((r) => setSecret(r.secret), (e: unknown) => message.error(describeError(e, t)))}>
                  <Button size="small">{t('webhooks.rotate')}</Button>
                </Popconfirm>
                <Popconfirm title={t('webhooks.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/webhooks/{id}', { path: { id: w.id } }), t('webhooks.deleted'))}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <CreateWebhook open={creating} onClose={() => setCreating(false)} onCreated={(s) => { setCreating(false); setSecret(s); list.reload(); }} />
      <Modal open={!!secret} title={t('webhooks.secretTitle')} onOk={() => setSecret(undefined)} onCancel={() => setSecret(undefined)} okText={t('apikeys.copied')} cancelButtonProps={{ style: { display: 'none' } }} maskClosable={false}>
        <Alert type="warning" showIcon title={t('apikeys.shownOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable code style={{ wordBreak: 'break-all' }}>{secret}</Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('webhooks.secretUsage')}</Typography.Paragraph>
      </Modal>
      {log && <DeliveryLog webhook={log} onClose={() => setLog(undefined)} />}
    </>
  );
}

function CreateWebhook({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (secret: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ url: string; events: string[] }>();
  const labels = { url: t('webhooks.url'), events: t('webhooks.events') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    await run(async () => {
      const r = await call('POST /api/v1/webhooks', { body: { url: v.url, events: v.events.length ? v.events : '*' } });
      form.resetFields();
      onCreated(r.secret);
    });
  }

  return (
    <Modal open={open} title={t('webhooks.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ events }}>
        <Form.Item name="url" label={labels.url} extra={t('webhooks.urlHint')} rules={[{ required: true, type: 'url', message: t('webhooks.urlRequired') }]}>
          <Input placeholder="https://crm.example.com/tidings" />
        </Form.Item>
        <Form.Item name="events" label={labels.events} extra={t('webhooks.eventsHint')}>
          <Select mode="multiple" options={events.map((e) => ({ value: e, label: e }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DeliveryLog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/webhooks/{id}/deliveries', { path: { id: webhook.id }, query: { limit: 100 } }), [webhook.id]);
  const color = (s: string) => (s === 'delivered' ? 'green' : s === 'failed' ? 'red' : 'blue');
  return (
    <Drawer open size={Math.min(900, window.innerWidth)} title={`${t('webhooks.log')}: ${webhook.url}`} onClose={onClose}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.deliveries}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('webhooks.logEmpty')} /> }}
        expandable={{
          expandedRowRender: (d) => (
            <Table size="small" rowKey="attempt" pagination={false} dataSource={d.log} columns={[
              { title: '#', dataIndex: 'attempt' },
              { title: t('audit.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
              { title: 'HTTP', dataIndex: 'statusCode' },
              { title: t('webhooks.error'), dataIndex: 'error' },
              { title: 'ms', dataIndex: 'durationMs' },
            ]} />
          ),
        }}
        columns={[
          { title: t('audit.at'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('webhooks.event'), dataIndex: 'event' },
          { title: t('webhooks.status'), dataIndex: 'status', render: (s: 'pending' | 'delivered' | 'failed') => <Tag color={color(s)}>{t(`webhooks.state.${s}`)}</Tag> },
          { title: t('webhooks.attempts'), dataIndex: 'attempts' },
          { title: 'HTTP', dataIndex: 'lastStatusCode' },
          { title: t('webhooks.error'), dataIndex: 'lastError' },
        ]}
      />
    </Drawer>
  );
}
