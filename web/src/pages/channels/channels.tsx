// Platform administration of carrier channels: state and counters, add or edit (a form per type, with a test bind), enable or disable, delete.
import { useState } from 'react';
import { Alert, Button, Col, Collapse, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, Tooltip, Typography, type FormRule } from 'antd';
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
  binds: 'channels.counter.binds', boundBinds: 'channels.counter.boundBinds',
};

/** The channels table; refreshes every five seconds so states and counters stay current. */
export function Channels() {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/admin/channels'), []);
  const [editing, setEditing] = useState<Channel | 'new'>();
  const { run } = useAction({ reload: list.reload });
  useInterval(list.reload, 5000);

  return (
    <Page title={t('nav.channels')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('channels.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Channel>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data?.channels}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty description={t('channels.empty')} /> }}
        columns={[
          { title: t('channels.name'), dataIndex: 'name' },
          { title: t('channels.type'), dataIndex: 'type', render: (x: string) => <Tag>{x.toUpperCase()}</Tag> },
          {
            title: t('channels.state'), dataIndex: 'state',
            render: (s: string, c) => <Tooltip title={c.stateReason}><Tag color={stateColors[s] ?? 'default'}>{states[s] ? t(states[s]) : s}</Tag></Tooltip>,
          },
          { title: t('channels.address'), key: 'address', render: (_, c) => <span style={{ whiteSpace: 'nowrap' }}>{c.config.host ? `${String(c.config.host)}:${String(c.config.port ?? '')}` : '—'}</span> },
          {
            // the counters wrap in their column, so the switch and the actions stay on screen (walkthrough finding 28)
            title: t('channels.counters'), dataIndex: 'counters', width: 360,
            render: (k: Channel['counters']) => <Typography.Text type="secondary">{Object.entries(k).map(([n, v]) => `${counters[n] ? t(counters[n]) : n} ${fmt.number(v)}`).join(' · ') || '—'}</Typography.Text>,
          },
          { title: t('webhooks.enabled'), dataIndex: 'enabled', fixed: 'right', width: 72, render: (on: boolean, c) => <Switch size="small" checked={on} onChange={(v) => run(() => call('PATCH /api/v1/admin/channels/{id}', { path: { id: c.id }, body: { enabled: v } }))} /> },
          {
            title: '', key: 'actions', fixed: 'right', width: 150,
            render: (_, c) => (
              <Space>
                <Button size="small" onClick={() => setEditing(c)} data-testid={`channel-edit-${c.name}`}>{t('channels.edit')}</Button>
                <Popconfirm title={t('channels.deleteConfirm', { name: c.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/admin/channels/{id}', { path: { id: c.id } }))}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && <ChannelEditor editing={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); list.reload(); }} />}
    </Page>
  );
}

type ChannelForm = Response<'GET /api/v1/admin/channel-types'>['types'][number];
type Field = ChannelForm['fields'][number];
type TestResult = Response<'POST /api/v1/admin/channels/test'>;

/** A form's values for fields' defaults: a dotted name (`reconnect.minMs`) becomes a nested object, as the config has it. */
function defaultsOf(fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.default === undefined) continue;
    const path = f.name.split('.');
    let node = out;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = f.default;
  }
  return out;
}

/** A stored config over the fields' defaults, nested objects (`reconnect`) merged key by key. */
function withDefaults(defaults: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(config)) {
    const d = out[k];
    out[k] = d && typeof d === 'object' && v && typeof v === 'object' ? { ...d, ...v } : v;
  }
  return out;
}

/**
 * Adds a channel, or edits one (`editing`), through its type's form (fields from the server's per-type list), with a
 * test login before saving. An edited channel's secrets come as ******** and are kept by the API when sent back so.
 */
function ChannelEditor({ editing, onClose, onSaved }: { editing?: Channel; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Record<string, unknown> & { name: string; type: string }>();
  const forms = useLoad(() => call('GET /api/v1/admin/channel-types'), []);
  const type = (Form.useWatch('type', form) as string | undefined) ?? editing?.type;
  const chosen = forms.data?.types.find((x) => x.type === type) ?? forms.data?.types[0];
  const fields = chosen?.fields ?? [];
  const labels = { name: t('channels.name'), type: t('channels.type'), ...Object.fromEntries(fields.map((f) => [f.name, f.label[lang]])) };
  const { run, busy } = useAction({ labels });
  const [tested, setTested] = useState<TestResult>();
  const [testing, setTesting] = useState(false);

  /** The form's values as a channel body: empty numbers and selects left out, so the type's defaults (or, edited, the stored values) apply. */
  function body(v: Record<string, unknown>) {
    const given = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null));
    return { ...given, ...(editing && { name: editing.name, type: editing.type }) } as { name: string; type: string };
  }

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const { name: _n, type: _t, ...changes } = body(v);
    const saved = editing
      ? await run(() => call('PATCH /api/v1/admin/channels/{id}', { path: { id: editing.id }, body: changes }), t('common.saved'))
      : await run(() => call('POST /api/v1/admin/channels', { body: body(v) }));
    if (saved) onSaved();
  }

  async function test() {
    const v = await formValues(form);
    if (!v) return;
    setTesting(true);
    setTested(undefined);
    try { await run(async () => setTested(await call('POST /api/v1/admin/channels/test', { body: body(v) }))); } finally { setTesting(false); }
  }

  const basic = fields.filter((f) => !f.advanced);
  const advanced = fields.filter((f) => f.advanced);
  const grid = (list: Field[]) => <Row gutter={16}>{list.map((f) => <Col xs={24} md={12} key={`${chosen!.type}.${f.name}`}><FieldInput field={f} /></Col>)}</Row>;
  return (
    <Modal open width={720} title={editing ? t('channels.editTitle', { name: editing.name }) : t('channels.create')} onCancel={onClose} destroyOnHidden
      footer={[
        <Button key="test" loading={testing} onClick={test} data-testid="channel-test">{t('channels.test')}</Button>,
        <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button key="ok" type="primary" loading={busy} onClick={submit}>{editing ? t('common.save') : t('common.create')}</Button>,
      ]}>
      <ErrorAlert error={forms.error} retry={forms.reload} />
      {editing && <Alert type="info" showIcon title={t('channels.secretKept')} style={{ marginBottom: 16 }} />}
      {chosen && (
        <Form form={form} layout="vertical" requiredMark={false} onValuesChange={() => setTested(undefined)}
          initialValues={editing ? withDefaults(defaultsOf(chosen.fields), { ...editing.config, name: editing.name, type: editing.type }) : { type: chosen.type, ...defaultsOf(chosen.fields) }}>
          <Form.Item name="name" label={labels.name} extra={t('channels.nameHint')} rules={[{ required: true, pattern: /^[\w.-]{1,60}$/, message: t('channels.nameHint') }]}><Input disabled={!!editing} /></Form.Item>
          <Form.Item name="type" label={labels.type} rules={[{ required: true }]}>
            <Select disabled={!!editing} options={forms.data!.types.map((x) => ({ value: x.type, label: x.label[lang] }))} onChange={(next: string) => {
              form.setFieldsValue(defaultsOf(forms.data!.types.find((x) => x.type === next)?.fields ?? []));
            }} />
          </Form.Item>
          {grid(basic)}
          {advanced.length > 0 && (
            <Collapse size="small" items={[{ key: 'advanced', label: t('channels.advanced'), forceRender: true, children: grid(advanced) }]} />
          )}
        </Form>
      )}
      {tested && (
        <Alert type={tested.ok ? 'success' : 'error'} showIcon data-testid="channel-test-result" style={{ marginTop: 16 }}
          title={tested.ok ? t('channels.testOk') : t('channels.testFailed', { reason: tested.explanation?.[lang] ?? tested.reason ?? tested.state })}
          description={!tested.ok && tested.explanation && tested.reason ? t('channels.testAnswer', { reason: tested.reason }) : undefined} />
      )}
    </Modal>
  );
}

/** One field of a channel type's form, with its checks: each message names the field. */
function FieldInput({ field: f }: { field: Field }) {
  const { t, lang } = useI18n();
  const field = f.label[lang];
  const rules: FormRule[] = [];
  if (f.required) rules.push({ required: true, message: t('channels.fieldRequired', { field }) });
  if (f.maxLength !== undefined) rules.push({ max: f.maxLength, message: t('channels.fieldTooLong', { field, max: f.maxLength }) });
  if (f.digits) rules.push({ pattern: /^\d*$/, message: t('channels.fieldDigits', { field }) });
  if (f.kind === 'number' && f.min !== undefined) {
    rules.push({ type: 'number', min: f.min, max: f.max, message: f.max === undefined ? t('channels.fieldMin', { field, min: f.min }) : t('channels.fieldRange', { field, min: f.min, max: f.max }) });
  }
  const input = f.kind === 'number' ? <InputNumber style={{ width: '100%' }} />
    : f.kind === 'password' ? <Input.Password autoComplete="new-password" />
    : f.kind === 'select' ? <Select options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label[lang] }))} />
    : f.kind === 'switch' ? <Switch />
    : <Input />;
  return (
    <Form.Item name={f.name.split('.')} label={field} extra={f.hint?.[lang]} rules={rules} valuePropName={f.kind === 'switch' ? 'checked' : 'value'}>
      {input}
    </Form.Item>
  );
}
