// The tenant's SMPP accounts: what its applications and resellers bind to Tidings' SMPP server with.
import { useState } from 'react';
import { Alert, Button, Empty, Form, Input, InputNumber, Modal, Popconfirm, Select, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';

type Account = Response<'GET /api/v1/smpp-accounts'>['accounts'][number];
interface AccountForm {
  systemId: string; password?: string; bindTypes: Account['bindTypes']; maxBinds: number; tps: number; window: number;
  sourceAddresses: string; ipAllowlist: string; defaultCategory: 'verification' | 'notification' | 'marketing'; moDelivery: Account['moDelivery']; enabled: boolean; gsm7Packed: boolean;
}

const lines = (v: string) => v.split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean);

/** SMPP accounts with their limits and last refusal; a form to add or change one. */
export function SmppAccounts() {
  const { t, fmt } = useI18n();
  const data = useLoad(() => call('GET /api/v1/smpp-accounts'), []);
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  const [form] = Form.useForm<AccountForm>();
  const labels = {
    systemId: t('smpp.systemId'), password: t('smpp.password'), bindTypes: t('smpp.bindTypes'), maxBinds: t('smpp.maxBinds'), tps: t('smpp.tps'),
    window: t('smpp.window'), sourceAddresses: t('smpp.sources'), ipAllowlist: t('smpp.ips'), defaultCategory: t('smpp.category'), moDelivery: t('smpp.mo'), enabled: t('smpp.enabled'),
    gsm7Packed: t('smpp.gsm7Packed'),
  };
  const { run } = useAction({ reload: data.reload, labels });

  function open(a: Account | 'new') {
    setEditing(a);
    form.setFieldsValue(a === 'new'
      ? { systemId: '', password: '', bindTypes: ['transmitter', 'receiver', 'transceiver'], maxBinds: 2, tps: 100, window: 50, sourceAddresses: '', ipAllowlist: '', defaultCategory: 'notification', moDelivery: 'smpp', enabled: true, gsm7Packed: false }
      : { ...a, password: '', sourceAddresses: a.sourceAddresses.join('\n'), ipAllowlist: a.ipAllowlist.join('\n'), defaultCategory: a.defaultCategory as AccountForm['defaultCategory'] });
  }

  async function save() {
    const v = await formValues(form);
    if (!v || !editing) return;
    const body = { ...v, password: v.password || undefined, sourceAddresses: lines(v.sourceAddresses ?? ''), ipAllowlist: lines(v.ipAllowlist ?? '') };
    const ok = editing === 'new'
      ? await run(() => call('POST /api/v1/smpp-accounts', { body: { ...body, password: v.password ?? '' } }))
      : await run(() => call('PATCH /api/v1/smpp-accounts/{id}', { path: { id: editing.id }, body }), t('common.saved'));
    if (ok) setEditing(null);
  }

  return (
    <Page title={t('nav.smppAccounts')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>{t('smpp.create')}</Button>}>
      <Typography.Paragraph type="secondary">{t('smpp.hint')}</Typography.Paragraph>
      <ErrorAlert error={data.error} retry={data.reload} />
      <Table<Account>
        rowKey="id"
        loading={data.loading && !data.data}
        dataSource={data.data?.accounts}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('smpp.empty')} /> }}
        columns={[
          { title: labels.systemId, dataIndex: 'systemId', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: labels.bindTypes, dataIndex: 'bindTypes', render: (v: string[]) => v.map((b) => <Tag key={b}>{t(`smpp.bind.${b}` as 'smpp.bind.transmitter')}</Tag>) },
          { title: labels.maxBinds, dataIndex: 'maxBinds' },
          { title: labels.tps, dataIndex: 'tps', render: (v: number) => (v === 0 ? t('smpp.unlimited') : v) },
          { title: labels.window, dataIndex: 'window' },
          { title: labels.enabled, dataIndex: 'enabled', render: (v: boolean) => (v ? <Tag color="green">{t('smpp.on')}</Tag> : <Tag>{t('smpp.off')}</Tag>) },
          {
            title: t('smpp.lastError'), dataIndex: 'lastError',
            render: (v: string | null, a) => (v ? <Alert type="warning" showIcon message={v} description={a.lastErrorAt ? fmt.dateTime(a.lastErrorAt) : undefined} /> : '—'),
          },
          {
            title: '', key: 'actions',
            render: (_, a) => (
              <>
                <Button size="small" onClick={() => open(a)}>{t('smpp.edit')}</Button>{' '}
                <Popconfirm title={t('smpp.deleteConfirm', { systemId: a.systemId })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/smpp-accounts/{id}', { path: { id: a.id } }))}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('smpp.create') : t('smpp.edit')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={save} onCancel={() => setEditing(null)} forceRender>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="systemId" label={labels.systemId} extra={t('smpp.systemIdHint')} rules={[{ required: true, whitespace: true, max: 15, message: t('smpp.systemIdRequired') }]}><Input maxLength={15} /></Form.Item>
          <Form.Item name="password" label={labels.password} extra={editing === 'new' ? t('smpp.passwordHint') : t('smpp.passwordKeep')} rules={[{ required: editing === 'new', len: 8, message: t('smpp.passwordHint') }]}><Input.Password maxLength={8} autoComplete="new-password" /></Form.Item>
          <Form.Item name="bindTypes" label={labels.bindTypes}><Select mode="multiple" options={(['transmitter', 'receiver', 'transceiver'] as const).map((b) => ({ value: b, label: t(`smpp.bind.${b}`) }))} /></Form.Item>
          <Form.Item name="maxBinds" label={labels.maxBinds}><InputNumber min={1} max={100} /></Form.Item>
          <Form.Item name="tps" label={labels.tps} extra={t('smpp.tpsHint')}><InputNumber min={0} max={100000} /></Form.Item>
          <Form.Item name="window" label={labels.window} extra={t('smpp.windowHint')}><InputNumber min={1} max={10000} /></Form.Item>
          <Form.Item name="sourceAddresses" label={labels.sourceAddresses} extra={t('smpp.sourcesHint')}><Input.TextArea rows={2} /></Form.Item>
          <Form.Item name="ipAllowlist" label={labels.ipAllowlist} extra={t('smpp.ipsHint')}><Input.TextArea rows={2} /></Form.Item>
          <Form.Item name="defaultCategory" label={labels.defaultCategory}><Select options={(['verification', 'notification', 'marketing'] as const).map((c) => ({ value: c, label: t(`category.${c}` as 'category.notification') }))} /></Form.Item>
          <Form.Item name="moDelivery" label={labels.moDelivery}><Select options={(['smpp', 'webhook', 'both'] as const).map((m) => ({ value: m, label: t(`smpp.mo.${m}`) }))} /></Form.Item>
          <Form.Item name="gsm7Packed" label={labels.gsm7Packed} extra={t('smpp.gsm7PackedHint')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name="enabled" label={labels.enabled} valuePropName="checked"><Switch /></Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
