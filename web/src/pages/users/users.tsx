// Users of the tenant and their roles: list, add with a first password, change role, disable.
import { useState } from 'react';
import { Button, Empty, Form, Input, Modal, Select, Switch, Table, Tag } from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { languages, useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { canAssignRole, tenantRoles, type TenantRole } from '../../../../src/domain/access.ts';

type User = Response<'GET /api/v1/users'>['users'][number];
type NewUser = Body<'POST /api/v1/users'>;

/** The tenant's users table with an "add user" dialog. */
export function Users() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const users = useLoad(() => call('GET /api/v1/users'), []);
  const [adding, setAdding] = useState(false);
  const assignable = tenantRoles.filter((r) => canAssignRole(session.role, r));
  const roleOptions = assignable.map((r) => ({ value: r, label: t(`role.${r}`) }));
  const { run } = useAction({ reload: users.reload });

  function change(u: User, body: Body<'PATCH /api/v1/users/{id}'>) {
    return run(() => call('PATCH /api/v1/users/{id}', { path: { id: u.id }, body }), t('common.saved'));
  }

  const mayChange = (u: User) => u.id !== session.me.user.id && assignable.includes(u.role as TenantRole);

  return (
    <>
      <ErrorAlert error={users.error} retry={users.reload} />
      <Button type="primary" icon={<UserAddOutlined />} onClick={() => setAdding(true)} style={{ marginBottom: 16 }}>{t('users.add')}</Button>
      <Table<User>
        rowKey="id"
        loading={users.loading}
        dataSource={users.data?.users}
        scroll={{ x: 'max-content' }}
        pagination={false}
        locale={{ emptyText: <Empty description={t('users.empty')} /> }}
        columns={[
          { title: t('users.name'), dataIndex: 'name' },
          { title: t('users.email'), dataIndex: 'email' },
          {
            title: t('users.role'), dataIndex: 'role',
            render: (role: string, u) => (mayChange(u)
              ? <Select size="small" value={role as TenantRole} options={roleOptions} style={{ width: 130 }} onChange={(r: TenantRole) => change(u, { role: r })} />
              : <Tag>{t(`role.${role as TenantRole}`)}</Tag>),
          },
          { title: t('users.lastLogin'), dataIndex: 'lastLoginAt', render: (v: string | null) => fmt.dateTime(v) },
          {
            title: t('users.active'), dataIndex: 'disabledAt',
            render: (v: string | null, u) => <Switch size="small" checked={!v} disabled={!mayChange(u)} onChange={(on) => change(u, { disabled: !on })} />,
          },
        ]}
      />
      <AddUser open={adding} roles={roleOptions} onClose={() => setAdding(false)} onAdded={() => { setAdding(false); users.reload(); }} />
    </>
  );
}

function AddUser({ open, roles, onClose, onAdded }: { open: boolean; roles: { value: string; label: string }[]; onClose: () => void; onAdded: () => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<NewUser>();
  const labels = { email: t('users.email'), name: t('users.name'), role: t('users.role'), password: t('users.password'), language: t('user.language') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const added = await run(() => call('POST /api/v1/users', { body: v }), t('users.added', { email: v.email }));
    if (added) {
      form.resetFields();
      onAdded();
    }
  }

  return (
    <Modal open={open} title={t('users.add')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ role: 'operator', language: lang }} requiredMark={false}>
        <Form.Item name="email" label={labels.email} rules={[{ required: true, type: 'email', message: t('users.emailInvalid') }]}><Input /></Form.Item>
        <Form.Item name="name" label={labels.name}><Input maxLength={200} /></Form.Item>
        <Form.Item name="role" label={labels.role} extra={t('users.rolesHint')}><Select options={roles} /></Form.Item>
        <Form.Item name="password" label={labels.password} extra={t('password.rule')} rules={[{ required: true, min: 8, message: t('password.rule') }]}><Input.Password autoComplete="new-password" /></Form.Item>
        <Form.Item name="language" label={labels.language}><Select options={languages.map((l) => ({ value: l.lang, label: l.name }))} /></Form.Item>
      </Form>
    </Modal>
  );
}
