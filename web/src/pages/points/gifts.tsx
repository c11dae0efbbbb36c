// The gift catalogue: code, name, price in points, stock and the dates a gift may be redeemed.
import { useState } from 'react';
import { Button, Card, Empty, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { DateTimeInput } from '../../ui/pickers.tsx';

type Gift = Response<'GET /api/v1/gifts'>['gifts'][number];
interface GiftForm { code: string; name: string; points: number; stock: number; startsAt?: string; endsAt?: string }

/** The catalogue table with add, edit and delete. */
export function Gifts() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/gifts'), []);
  const [editing, setEditing] = useState<Gift | 'new'>();
  const { run, busy } = useAction({ reload: list.reload, labels: { code: t('gifts.code'), name: t('gifts.name'), points: t('gifts.points'), stock: t('gifts.stock'), endsAt: t('gifts.endsAt') } });
  const [form] = Form.useForm<GiftForm>();
  const editable = session.can('manage');

  function openForm(g: Gift | 'new') {
    setEditing(g);
    form.setFieldsValue(g === 'new' ? { code: '', name: '', points: 100, stock: 0, startsAt: '', endsAt: '' } : { ...g, startsAt: fmt.toInput(g.startsAt), endsAt: fmt.toInput(g.endsAt) });
  }
  async function save(v: GiftForm) {
    const body = { code: v.code.trim(), name: v.name.trim(), points: v.points, stock: v.stock, startsAt: fmt.fromInput(v.startsAt) ?? null, endsAt: fmt.fromInput(v.endsAt) ?? null };
    const ok = await run(() => (editing === 'new' || !editing ? call('POST /api/v1/gifts', { body }) : call('PATCH /api/v1/gifts/{id}', { path: { id: editing.id }, body })), t('common.saved'));
    if (ok) setEditing(undefined);
  }
  return (
    <Page title={t('gifts.title')} extra={editable && <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm('new')} data-testid="gift-add">{t('gifts.add')}</Button>}>
      <Card>
        <ErrorAlert error={list.error} retry={list.reload} />
        <Table<Gift>
          rowKey="id" size="small" loading={list.loading} dataSource={list.data?.gifts} pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty /> }}
          columns={[
            { title: t('gifts.code'), dataIndex: 'code' },
            { title: t('gifts.name'), dataIndex: 'name' },
            { title: t('gifts.points'), dataIndex: 'points', align: 'right', render: (n: number) => t('points.unit', { n: fmt.number(n) }) },
            { title: t('gifts.stock'), dataIndex: 'stock', align: 'right', render: (n: number) => (n > 0 ? fmt.number(n) : <Tag color="red">{t('gifts.outOfStock')}</Tag>) },
            { title: t('gifts.startsAt'), dataIndex: 'startsAt', render: (v: string | null) => (v ? fmt.dateTime(v) : '') },
            { title: t('gifts.endsAt'), dataIndex: 'endsAt', render: (v: string | null) => (v ? fmt.dateTime(v) : '') },
            {
              title: '', key: 'actions', render: (_, g) => editable && (
                <Space>
                  <Button size="small" onClick={() => openForm(g)}>{t('gifts.edit')}</Button>
                  <Popconfirm title={t('gifts.delete')} okText={t('gifts.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/gifts/{id}', { path: { id: g.id } }))}>
                    <Button size="small" danger>{t('gifts.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal open={!!editing} title={editing === 'new' ? t('gifts.add') : t('gifts.edit')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy}
        onOk={() => form.submit()} onCancel={() => setEditing(undefined)} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="code" label={t('gifts.code')} rules={[{ required: true, max: 20 }]}><Input data-testid="gift-code" /></Form.Item>
          <Form.Item name="name" label={t('gifts.name')} rules={[{ required: true, max: 100 }]}><Input data-testid="gift-name" /></Form.Item>
          <Form.Item name="points" label={t('gifts.points')} rules={[{ required: true }]}><InputNumber min={1} precision={0} style={{ width: '100%' }} data-testid="gift-points" /></Form.Item>
          <Form.Item name="stock" label={t('gifts.stock')} rules={[{ required: true }]}><InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="gift-stock" /></Form.Item>
          <Form.Item name="startsAt" label={t('gifts.startsAt')}><DateTimeInput /></Form.Item>
          <Form.Item name="endsAt" label={t('gifts.endsAt')}><DateTimeInput /></Form.Item>
        </Form>
      </Modal>
    </Page>
  );
}
