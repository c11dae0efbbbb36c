// API keys of the tenant or of the platform: create (the secret is shown once), list, revoke.
import { useState } from 'react';
import { Alert, Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { KeyOutlined, ReadOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { canAssignRole, tenantRoles, type Role } from '../../../../src/domain/access.ts';

type Key = Response<'GET /api/v1/apikeys'>['keys'][number];
type Scope = 'tenant' | 'platform';

/** The keys table; `scope` platform shows platform keys (a page of its own), tenant the tenant's (a settings tab). */
export function ApiKeys({ scope }: { scope: Scope }) {
  const { t, fmt } = useI18n();
  const keys = useLoad(() => (scope === 'platform' ? call('GET /api/v1/admin/apikeys') : call('GET /api/v1/apikeys')), [scope]);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string>();
  const { run } = useAction({ reload: keys.reload });

  function revoke(k: Key) {
    return run(() => (scope === 'platform' ? call('DELETE /api/v1/admin/apikeys/{id}', { path: { id: k.id } }) : call('DELETE /api/v1/apikeys/{id}', { path: { id: k.id } })), t('apikeys.revoked', { name: k.name }));
  }

  const body = (
    <>
      <ErrorAlert error={keys.error} retry={keys.reload} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<KeyOutlined />} onClick={() => setCreating(true)} data-testid="create-key">{t('apikeys.create')}</Button>
        <Typography.Link href="/api/docs" target="_blank" rel="noopener" data-testid="api-docs"><ReadOutlined /> {t('apikeys.docs')}</Typography.Link>
      </Space>
      <Table<Key>
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data?.keys}
        scroll={{ x: 'max-content' }}
        pagination={false}
        locale={{ emptyText: <Empty description={t('apikeys.empty')} /> }}
        columns={[
          { title: t('apikeys.name'), dataIndex: 'name' },
          { title: t('apikeys.prefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
          { title: t('users.role'), dataIndex: 'role', render: (r: Role) => <Tag>{t(`role.${r}`)}</Tag> },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('apikeys.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? fmt.dateTime(v) : t('apikeys.never')) },
          {
            title: t('apikeys.state'), dataIndex: 'revokedAt',
            render: (v: string | null, k) => (v
              ? <Tag color="red">{t('apikeys.revokedAt', { at: fmt.dateTime(v) })}</Tag>
              : (
                <Popconfirm title={t('apikeys.revokeConfirm', { name: k.name })} okText={t('apikeys.revoke')} cancelText={t('common.cancel')} onConfirm={() => revoke(k)}>
                  <Button size="small" danger>{t('apikeys.revoke')}</Button>
                </Popconfirm>
              )),
          },
        ]}
      />
      <CreateKey scope={scope} open={creating} onClose={() => setCreating(false)} onCreated={(key) => { setCreating(false); setSecret(key); keys.reload(); }} />
      <Modal open={!!secret} title={t('apikeys.createdTitle')} onOk={() => setSecret(undefined)} onCancel={() => setSecret(undefined)} okText={t('apikeys.copied')} cancelButtonProps={{ style: { display: 'none' } }} closable={false} maskClosable={false}>
        <Alert type="warning" showIcon title={t('apikeys.shownOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable code data-testid="new-key" style={{ wordBreak: 'break-all' }}>{secret}</Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('apikeys.usage')}</Typography.Paragraph>
      </Modal>
    </>
  );
  return scope === 'platform' ? <Page title={t('nav.platformKeys')}>{body}</Page> : body;
}

function CreateKey({ scope, open, onClose, onCreated }: { scope: Scope; open: boolean; onClose: () => void; onCreated: (key: string) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [form] = Form.useForm<{ name: string; role?: (typeof tenantRoles)[number] }>();
  const labels = { name: t('apikeys.name'), role: t('users.role') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    await run(async () => {
      const created = scope === 'platform'
        ? await call('POST /api/v1/admin/apikeys', { body: { name: v.name } })
        : await call('POST /api/v1/apikeys', { body: v });
      form.resetFields();
      onCreated(created.key);
    });
  }

  return (
    <Modal open={open} title={t('apikeys.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ role: 'admin' }} requiredMark={false}>
        <Form.Item name="name" label={labels.name} extra={t('apikeys.nameHint')} rules={[{ required: true, max: 100, message: t('apikeys.nameRequired') }]}>
          <Input maxLength={100} data-testid="key-name" />
        </Form.Item>
        {scope === 'tenant' && (
          <Form.Item name="role" label={labels.role} extra={t('apikeys.roleHint')}>
            <Select options={tenantRoles.filter((r) => canAssignRole(session.role, r)).map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
