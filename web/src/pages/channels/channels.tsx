// Platform administration of carrier channels: state and counters, add, enable or disable, delete.
import { useState } from 'react';
import { Button, Empty, Form, Input, Modal, Popconfirm, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';

type Channel = Response<'GET /api/v1/admin/channels'>['channels'][number];
const stateColors: Record<string, string> = { bound: 'success', connecting: 'processing', down: 'error', stopped: 'default' };
const states: Record<string, PlainKey> = { bound: 'channels.state.bound', connecting: 'channels.state.connecting', down: 'channels.state.down', stopped: 'channels.state.stopped', unknown: 'channels.state.unknown' };
const example = JSON.stringify({ host: 'smsc.example.net', port: 2775, systemId: 'user', password: 'secret', binds: 1, window: 10, tps: 100, idFormat: 'hex' }, null, 2);

/** The channels table; refreshes every five seconds so states and counters stay current. */
export function Channels() {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/admin/channels'), []);
  const [creating, setCreating] = useState(false);
  const { run } = useAction({ reload: list.reload });
  useInterval(list.reload, 5000);

  return (
    <Page title={t('nav.channels')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('channels.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Channel>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.channels}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('channels.empty')} /> }}
        columns={[
          { title: t('channels.name'), dataIndex: 'name' },
          { title: t('channels.type'), dataIndex: 'type', render: (x: string) => <Tag>{x.toUpperCase()}</Tag> },
          {
            title: t('channels.state'), dataIndex: 'state',
            render: (s: string, c) => <Tooltip title={c.stateReason}><Tag color={stateColors[s] ?? 'default'}>{states[s] ? t(states[s]) : s}</Tag></Tooltip>,
          },
          { title: t('channels.address'), key: 'address', render: (_, c) => (c.config.host ? `${String(c.config.host)}:${String(c.config.port ?? '')}` : '—') },
          {
            title: t('channels.counters'), dataIndex: 'counters',
            render: (k: Channel['counters']) => <Typography.Text type="secondary">{Object.entries(k).map(([n, v]) => `${n} ${fmt.number(v)}`).join(' · ') || '—'}</Typography.Text>,
          },
          { title: t('webhooks.enabled'), dataIndex: 'enabled', render: (on: boolean, c) => <Switch size="small" checked={on} onChange={(v) => run(() => call('PATCH /api/v1/admin/channels/{id}', { path: { id: c.id }, body: { enabled: v } }))} /> },
          {
            title: '', key: 'actions',
            render: (_, c) => (
              <Space>
                <Popconfirm title={t('channels.deleteConfirm', { name: c.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/admin/channels/{id}', { path: { id: c.id } }))}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <CreateChannel open={creating} onClose={() => setCreating(false)} onCreated={() => { setCreating(false); list.reload(); }} />
    </Page>
  );
}

function CreateChannel({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; type: string; config: string }>();
  const labels = { name: t('channels.name'), type: t('channels.type') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const created = await run(() => {
      const config = jsonObject(v.config)!;
      return call('POST /api/v1/admin/channels', { body: { ...config, name: v.name, type: v.type } });
    });
    if (created) {
      form.resetFields();
      onCreated();
    }
  }

  return (
    <Modal open={open} width={640} title={t('channels.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ type: 'smpp', config: example }}>
        <Form.Item name="name" label={labels.name} extra={t('channels.nameHint')} rules={[{ required: true, pattern: /^[\w.-]{1,60}$/, message: t('channels.nameHint') }]}><Input /></Form.Item>
        <Form.Item name="type" label={labels.type} rules={[{ required: true }]}><Input /></Form.Item>
        <Form.Item name="config" label={t('channels.config')} extra={t('channels.configHint')}
          rules={[{ validator: (_, s: string) => (jsonObject(s) ? Promise.resolve() : Promise.reject(new Error(t('channels.configInvalid')))) }]}>
          <Input.TextArea rows={10} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The text parsed as a JSON object (empty text is `{}`), or null when it is not valid JSON or not an object. */
function jsonObject(text: string | undefined): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}
