// Platform administration of carrier channels: state and counters, add (a form per type, with a test bind), enable or disable, delete.
import { useState } from 'react';
import { Alert, Button, Col, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
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

const counters: Record<string, PlainKey> = {
  submitted: 'channels.counter.submitted', submitFailed: 'channels.counter.submitFailed', throttled: 'channels.counter.throttled', receipts: 'channels.counter.receipts',
  inbound: 'channels.counter.inbound', reconnects: 'channels.counter.reconnects', inFlight: 'channels.counter.inFlight',
};

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
            render: (k: Channel['counters']) => <Typography.Text type="secondary">{Object.entries(k).map(([n, v]) => `${counters[n] ? t(counters[n]) : n} ${fmt.number(v)}`).join(' · ') || '—'}</Typography.Text>,
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

type ChannelForm = Response<'GET /api/v1/admin/channel-types'>['types'][number];
type Field = ChannelForm['fields'][number];
type TestResult = Response<'POST /api/v1/admin/channels/test'>;

/** Adds a channel through its type's form (fields from the server's per-type list), with a test bind before saving. */
function CreateChannel({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Record<string, unknown> & { name: string; type: string }>();
  const forms = useLoad(() => call('GET /api/v1/admin/channel-types'), []);
  const type = Form.useWatch('type', form) as string | undefined;
  const chosen = forms.data?.types.find((x) => x.type === type) ?? forms.data?.types[0];
  const fields = chosen?.fields ?? [];
  const labels = { name: t('channels.name'), type: t('channels.type'), ...Object.fromEntries(fields.map((f) => [f.name, f.label[lang]])) };
  const { run, busy } = useAction({ labels });
  const [tested, setTested] = useState<TestResult>();
  const [testing, setTesting] = useState(false);

  /** The form's values as a channel body: empty optional fields left out, so the type's defaults apply. */
  function body(v: Record<string, unknown>) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== '')) as { name: string; type: string };
  }

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    if (await run(() => call('POST /api/v1/admin/channels', { body: body(v) }))) {
      form.resetFields();
      setTested(undefined);
      onCreated();
    }
  }

  async function test() {
    const v = await formValues(form);
    if (!v) return;
    setTesting(true);
    setTested(undefined);
    try { await run(async () => setTested(await call('POST /api/v1/admin/channels/test', { body: body(v) }))); } finally { setTesting(false); }
  }

  const defaults = Object.fromEntries(fields.filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  return (
    <Modal open={open} width={680} title={t('channels.create')} onCancel={onClose} destroyOnHidden
      footer={[
        <Button key="test" loading={testing} onClick={test} data-testid="channel-test">{t('channels.test')}</Button>,
        <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button key="ok" type="primary" loading={busy} onClick={submit}>{t('common.create')}</Button>,
      ]}>
      <ErrorAlert error={forms.error} retry={forms.reload} />
      {chosen && (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ type: chosen.type, ...defaults }} onValuesChange={() => setTested(undefined)}>
          <Form.Item name="name" label={labels.name} extra={t('channels.nameHint')} rules={[{ required: true, pattern: /^[\w.-]{1,60}$/, message: t('channels.nameHint') }]}><Input /></Form.Item>
          <Form.Item name="type" label={labels.type} rules={[{ required: true }]}>
            <Select options={forms.data!.types.map((x) => ({ value: x.type, label: x.label[lang] }))} onChange={(next: string) => {
              const f = forms.data!.types.find((x) => x.type === next);
              form.setFieldsValue(Object.fromEntries((f?.fields ?? []).filter((x) => x.default !== undefined).map((x) => [x.name, x.default])));
            }} />
          </Form.Item>
          <Row gutter={16}>
            {fields.map((f) => <Col xs={24} md={12} key={`${chosen.type}.${f.name}`}><FieldInput field={f} /></Col>)}
          </Row>
        </Form>
      )}
      {tested && (
        <Alert type={tested.ok ? 'success' : 'error'} showIcon data-testid="channel-test-result"
          title={tested.ok ? t('channels.testOk') : t('channels.testFailed', { reason: tested.reason ?? tested.state })} />
      )}
    </Modal>
  );
}

/** One field of a channel type's form. */
function FieldInput({ field: f }: { field: Field }) {
  const { t, lang } = useI18n();
  const rules = f.required ? [{ required: true, message: t('channels.fieldRequired', { field: f.label[lang] }) }] : [];
  const input = f.kind === 'number' ? <InputNumber min={f.min} max={f.max} style={{ width: '100%' }} />
    : f.kind === 'password' ? <Input.Password autoComplete="new-password" />
    : f.kind === 'select' ? <Select options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label[lang] }))} />
    : <Input />;
  return <Form.Item name={f.name} label={f.label[lang]} extra={f.hint?.[lang]} rules={rules}>{input}</Form.Item>;
}
