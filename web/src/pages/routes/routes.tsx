// Platform administration of routes: which channel carries which traffic, in order, at which price per segment.
import { useState } from 'react';
import { Button, Empty, Form, Input, InputNumber, Modal, Popconfirm, Select, Switch, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { carrierName } from '../../ui/carrier.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { categories, type Category } from '../templates/templates.tsx';
import { countries } from '../tenants/countries.ts';

type Route = Response<'GET /api/v1/admin/routes'>['routes'][number];
interface NewRoute { tenant?: string; position?: number; carrier?: string; country?: string; prefix?: string; category?: Category; channel: string; price: number }

/** Routes in the order they are tried, with names of tenants and channels instead of ids. */
export function Routes() {
  const { t, fmt, lang } = useI18n();
  const data = useLoad(() => Promise.all([call('GET /api/v1/admin/routes'), call('GET /api/v1/admin/channels'), call('GET /api/v1/admin/tenants')]), []);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<NewRoute>();
  const [routes, channels, tenants] = data.data ?? [];
  const channelName = new Map((channels?.channels ?? []).map((c) => [c.id, c.name]));
  const tenantName = new Map((tenants?.tenants ?? []).map((x) => [x.id, x.name]));
  const region = new Intl.DisplayNames([lang], { type: 'region' });
  const any = <span style={{ color: '#999' }}>{t('routes.any')}</span>;
  const labels = { tenant: t('routes.tenant'), carrier: t('routes.carrier'), country: t('routes.country'), prefix: t('routes.prefix'), category: t('templates.category'), channel: t('routes.channel'), price: t('routes.price') };

  const { run, busy } = useAction({ reload: data.reload, labels });

  async function create() {
    const v = await formValues(form);
    if (!v) return;
    const created = await run(() => call('POST /api/v1/admin/routes', {
      body: {
        tenant: v.tenant || null, position: v.position, carrier: v.carrier || null, country: v.country || null, prefix: v.prefix || null,
        category: v.category || null, channel: v.channel, price: String(Math.round(v.price * 100)),
      },
    }));
    if (created) {
      form.resetFields();
      setCreating(false);
    }
  }

  return (
    <Page title={t('nav.routes')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('routes.create')}</Button>}>
      <ErrorAlert error={data.error} retry={data.reload} />
      <Table<Route>
        rowKey="id"
        loading={data.loading && !data.data}
        dataSource={[...(routes?.routes ?? [])].sort((a, b) => a.position - b.position)}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('routes.empty')} /> }}
        columns={[
          { title: '#', dataIndex: 'position' },
          { title: labels.tenant, dataIndex: 'tenantId', render: (id: string | null) => (id ? tenantName.get(id) ?? id : any) },
          { title: labels.carrier, dataIndex: 'carrier', render: (v: string | null) => (v ? carrierName(v, lang, v) : any) },
          { title: labels.country, dataIndex: 'country', render: (v: string | null) => (v ? region.of(v) ?? v : any) },
          { title: labels.prefix, dataIndex: 'prefix', render: (v: string | null) => v ?? any },
          { title: labels.category, dataIndex: 'category', render: (v: Category | null) => (v ? t(`category.${v}`) : any) },
          { title: labels.channel, dataIndex: 'channelId', render: (id: string) => channelName.get(id) ?? id },
          { title: labels.price, dataIndex: 'price', align: 'right', render: (p: string) => fmt.money(p) },
          { title: t('webhooks.enabled'), dataIndex: 'enabled', render: (on: boolean, r) => <Switch size="small" checked={on} onChange={(x) => run(() => call('PATCH /api/v1/admin/routes/{id}', { path: { id: r.id }, body: { enabled: x } }))} /> },
          {
            title: '', key: 'actions',
            render: (_, r) => (
              <Popconfirm title={t('routes.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/admin/routes/{id}', { path: { id: r.id } }))}>
                <Button size="small" danger>{t('common.delete')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal open={creating} title={t('routes.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={create} onCancel={() => setCreating(false)} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="channel" label={labels.channel} rules={[{ required: true, message: t('routes.channelRequired') }]}>
            <Select options={(channels?.channels ?? []).map((c) => ({ value: c.name, label: c.name }))} />
          </Form.Item>
          <Form.Item name="price" label={labels.price} extra={t('routes.priceHint')} rules={[{ required: true, message: t('routes.priceRequired') }]}><InputNumber min={0} step={0.01} precision={2} /></Form.Item>
          <Form.Item name="tenant" label={labels.tenant} extra={t('routes.anyHint')}><Select allowClear options={(tenants?.tenants ?? []).map((x) => ({ value: x.slug, label: x.name }))} /></Form.Item>
          <Form.Item name="country" label={labels.country}><Select allowClear showSearch={{ optionFilterProp: 'label' }} options={countries.map((c) => ({ value: c, label: `${region.of(c) ?? c} (${c})` }))} /></Form.Item>
          <Form.Item name="carrier" label={labels.carrier} extra={t('routes.carrierHint')}><Input /></Form.Item>
          <Form.Item name="prefix" label={labels.prefix} extra={t('routes.prefixHint')}><Input /></Form.Item>
          <Form.Item name="category" label={labels.category}><Select allowClear options={categories.map((c) => ({ value: c, label: t(`category.${c}`) }))} /></Form.Item>
          <Form.Item name="position" label={t('routes.position')} extra={t('routes.positionHint')}><InputNumber min={0} /></Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
