// Contact groups: list with sizes, create, rename, delete, export.
import { useState } from 'react';
import { App, Button, Empty, Form, Input, Modal, Popconfirm, Space, Table } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';

type Group = Response<'GET /api/v1/groups'>['groups'][number];

/** The groups table; `onOpen` shows a group's contacts. */
export function Groups({ onOpen }: { onOpen: (name: string) => void }) {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/groups'), []);
  const [editing, setEditing] = useState<Group | 'new'>();
  const [form] = Form.useForm<{ name: string; description?: string }>();
  const mayEdit = session.can('import');
  const { run } = useAction({ reload: list.reload, labels: { name: t('groups.name') } });

  async function save() {
    const v = await formValues(form);
    if (!v) return;
    const body = { name: v.name.trim(), description: v.description || null };
    const ok = await run(() => (editing === 'new' ? call('POST /api/v1/groups', { body }) : call('PATCH /api/v1/groups/{id}', { path: { id: (editing as Group).id }, body })));
    if (ok) setEditing(undefined);
  }

  return (
    <>
      <ErrorAlert error={list.error} retry={list.reload} />
      {mayEdit && <Button icon={<PlusOutlined />} style={{ marginBottom: 16 }} onClick={() => { form.resetFields(); setEditing('new'); }}>{t('groups.create')}</Button>}
      <Table<Group>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.groups}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('groups.empty')} /> }}
        columns={[
          { title: t('groups.name'), dataIndex: 'name', render: (n: string) => <a onClick={() => onOpen(n)}>{n}</a> },
          { title: t('groups.description'), dataIndex: 'description' },
          { title: t('groups.size'), dataIndex: 'size', align: 'right', render: (n: number) => fmt.number(n) },
          {
            title: '', key: 'actions',
            render: (_, g) => (
              <Space wrap>
                <Button size="small" onClick={() => download('GET /api/v1/groups/{id}/export', `${g.name}.xlsx`, { path: { id: g.id }, query: { format: 'xlsx' } }).catch((e: unknown) => message.error(describeError(e, t)))}>XLSX</Button>
                {mayEdit && <Button size="small" onClick={() => { form.setFieldsValue({ name: g.name, description: g.description ?? undefined }); setEditing(g); }}>{t('groups.edit')}</Button>}
                {mayEdit && (
                  <Popconfirm title={t('groups.deleteConfirm', { name: g.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/groups/{id}', { path: { id: g.id } }))}>
                    <Button size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={!!editing} title={editing === 'new' ? t('groups.create') : t('groups.edit')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={save} onCancel={() => setEditing(undefined)} forceRender>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="name" label={t('groups.name')} rules={[{ required: true, whitespace: true, message: t('groups.nameRequired') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="description" label={t('groups.description')}><Input maxLength={500} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
