// Message templates: list, edit with a live preview, submit for approval, delete.
import { useState } from 'react';
import { Button, Col, Drawer, Empty, Form, Input, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n, type T } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { TextPreview } from './preview.tsx';

type Template = Response<'GET /api/v1/templates'>['templates'][number];
/** A message category. */
export type Category = Template['category'];
type Draft = Body<'POST /api/v1/templates'>;

/** The categories in priority order. */
export const categories: Category[] = ['verification', 'notification', 'marketing'];

/** The tag of a template's review state. */
export function StatusTag({ status, t }: { status: Template['status']; t: T }) {
  const color = { draft: 'default', pending: 'processing', approved: 'success', rejected: 'error' }[status];
  return <Tag color={color}>{t(`templates.status.${status}`)}</Tag>;
}

/** The templates page. */
export function Templates() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/templates'), []);
  const [editing, setEditing] = useState<Template | 'new'>();
  const mayEdit = session.can('send');
  const { run } = useAction({ reload: list.reload });

  return (
    <Page title={t('nav.templates')} extra={mayEdit && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('templates.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Template>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.templates}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('templates.empty')} /> }}
        columns={[
          { title: t('templates.name'), dataIndex: 'name', render: (n: string, x) => (mayEdit ? <a onClick={() => setEditing(x)}>{n}</a> : n) },
          { title: t('templates.category'), dataIndex: 'category', render: (c: Category) => t(`category.${c}`) },
          { title: t('templates.text'), dataIndex: 'text', render: (s: string) => <Typography.Text ellipsis style={{ maxWidth: 320 }}>{s}</Typography.Text> },
          {
            title: t('templates.state'), dataIndex: 'status',
            render: (s: Template['status'], x) => (
              <Space orientation="vertical" size={0}>
                <StatusTag status={s} t={t} />
                {x.reviewNote && <Typography.Text type="secondary">{x.reviewNote}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('templates.updated'), dataIndex: 'updatedAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, x) => mayEdit && (
              <Space>
                {(x.status === 'draft' || x.status === 'rejected') && x.category === 'marketing' && <Button size="small" onClick={() => run(() => call('POST /api/v1/templates/{id}/submit', { path: { id: x.id } }), t('templates.submitted'))}>{t('templates.submit')}</Button>}
                <Popconfirm title={t('templates.deleteConfirm', { name: x.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/templates/{id}', { path: { id: x.id } }), t('templates.deleted'))}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && <Editor template={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); list.reload(); }} />}
    </Page>
  );
}

function Editor({ template, onClose, onSaved }: { template?: Template; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Draft>();
  const text = Form.useWatch('text', form) ?? template?.text ?? '';
  const category = Form.useWatch('category', form) ?? template?.category ?? 'notification';
  const labels = { name: t('templates.name'), category: t('templates.category'), text: t('templates.text') };
  const { run, busy } = useAction({ labels });

  async function save() {
    const v = await formValues(form);
    if (!v) return;
    const saved = template
      ? await run(() => call('PATCH /api/v1/templates/{id}', { path: { id: template.id }, body: v }), (r) => (r.reset ? t('templates.savedReset') : t('common.saved')))
      : await run(() => call('POST /api/v1/templates', { body: v }), t('common.saved'));
    if (saved) onSaved();
  }

  return (
    <Drawer open size={Math.min(960, window.innerWidth)} title={template ? template.name : t('templates.create')} onClose={onClose}
      extra={<Button type="primary" loading={busy} onClick={save}>{t('common.save')}</Button>}>
      <Row gutter={24}>
        <Col xs={24} lg={12}>
          <Form form={form} layout="vertical" requiredMark={false} initialValues={template ?? { category: 'notification' }}>
            <Form.Item name="name" label={labels.name} rules={[{ required: true, whitespace: true, max: 100, message: t('templates.nameRequired') }]}><Input maxLength={100} /></Form.Item>
            <Form.Item name="category" label={labels.category} extra={t('templates.categoryHint')}>
              <Select options={categories.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
            </Form.Item>
            <Form.Item name="text" label={labels.text} extra={t('templates.textHint')} rules={[{ required: true, max: 2000, message: t('templates.textRequired') }]}>
              <Input.TextArea rows={6} maxLength={2000} />
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} lg={12}>
          <Typography.Title level={5}>{t('preview.title')}</Typography.Title>
          <TextPreview input={{ text, category }} />
        </Col>
      </Row>
    </Drawer>
  );
}
