// Platform administration of service numbers (the numbers replies come to) and tenants' extension codes.
import { useState } from 'react';
import { Button, Card, Empty, Flex, Form, Input, Modal, Popconfirm, Select, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';

type ServiceNumber = Response<'GET /api/v1/admin/service-numbers'>['numbers'][number];
interface NewNumber { number: string; channel?: string; tenant?: string; description?: string }

/** Service numbers with their channel and (for dedicated numbers) tenant, and a form to set a tenant's extension. */
export function ServiceNumbers() {
  const { t, fmt } = useI18n();
  const data = useLoad(() => Promise.all([call('GET /api/v1/admin/service-numbers'), call('GET /api/v1/admin/channels'), call('GET /api/v1/admin/tenants')]), []);
  const [numbers, channels, tenants] = data.data ?? [];
  const channelName = new Map((channels?.channels ?? []).map((c) => [c.id, c.name]));
  const tenantName = new Map((tenants?.tenants ?? []).map((x) => [x.id, x.name]));
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<NewNumber>();
  const [ext, setExt] = useState<{ slug?: string; code: string }>({ code: '' });
  const labels = { number: t('numbers.number'), channel: t('routes.channel'), tenant: t('routes.tenant'), description: t('groups.description'), code: t('numbers.code') };

  const { run } = useAction({ reload: data.reload, labels });

  async function add() {
    const v = await formValues(form);
    if (!v) return;
    const ok = await run(() => call('POST /api/v1/admin/service-numbers', { body: { number: v.number.trim(), channel: v.channel, tenant: v.tenant, description: v.description || undefined } }));
    if (ok) { form.resetFields(); setAdding(false); }
  }

  return (
    <Page title={t('nav.numbers')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('numbers.create')}</Button>}>
      <ErrorAlert error={data.error} retry={data.reload} />
      <Table<ServiceNumber>
        rowKey="id"
        loading={data.loading && !data.data}
        dataSource={numbers?.numbers}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('numbers.empty')} /> }}
        columns={[
          { title: labels.number, dataIndex: 'number', render: (n: string) => <Typography.Text code>{n}</Typography.Text> },
          { title: labels.channel, dataIndex: 'channelId', render: (id: string | null) => (id ? channelName.get(id) ?? id : t('routes.any')) },
          { title: labels.tenant, dataIndex: 'tenantId', render: (id: string | null) => (id ? tenantName.get(id) ?? id : t('numbers.shared')) },
          { title: labels.description, dataIndex: 'description' },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, n) => (
              <Popconfirm title={t('numbers.deleteConfirm', { number: n.number })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/admin/service-numbers/{id}', { path: { id: n.id } }))}>
                <Button size="small" danger>{t('common.delete')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Card title={t('numbers.extension')} style={{ marginTop: 24 }}>
        <Typography.Paragraph type="secondary">{t('numbers.extensionHint')}</Typography.Paragraph>
        <Flex gap={8} wrap>
          <Select style={{ width: 220 }} placeholder={t('tenant.pick')} value={ext.slug} onChange={(slug: string) => setExt({ ...ext, slug })}
            options={(tenants?.tenants ?? []).map((x) => ({ value: x.slug, label: x.name }))} />
          <Input style={{ width: 160 }} placeholder={labels.code} value={ext.code} onChange={(e) => setExt({ ...ext, code: e.target.value })} />
          <Button type="primary" disabled={!ext.slug} onClick={() => run(() => call('PUT /api/v1/admin/tenants/{slug}/extension', { path: { slug: ext.slug! }, body: { code: ext.code.trim() || null } }), t('common.saved'))}>{t('common.save')}</Button>
        </Flex>
      </Card>
      <Modal open={adding} title={t('numbers.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={add} onCancel={() => setAdding(false)} forceRender>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="number" label={labels.number} extra={t('numbers.numberHint')} rules={[{ required: true, whitespace: true, message: t('numbers.numberRequired') }]}><Input placeholder="10690000" /></Form.Item>
          <Form.Item name="channel" label={labels.channel}><Select allowClear options={(channels?.channels ?? []).map((c) => ({ value: c.name, label: c.name }))} /></Form.Item>
          <Form.Item name="tenant" label={labels.tenant} extra={t('numbers.tenantHint')}><Select allowClear options={(tenants?.tenants ?? []).map((x) => ({ value: x.slug, label: x.name }))} /></Form.Item>
          <Form.Item name="description" label={labels.description}><Input maxLength={200} /></Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
