// Changing one's own password (the server then ends the user's sessions, so they sign in again).
import { Form, Input, Modal } from 'antd';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';

/** A dialog asking for the current and the new password. */
export function PasswordDialog({ open, onClose, onChanged }: { open: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; repeat: string }>();
  const labels = { currentPassword: t('password.current'), newPassword: t('password.new') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const changed = await run(() => call('POST /api/v1/auth/profile', { body: { currentPassword: v.currentPassword, newPassword: v.newPassword } }), t('password.changed'));
    if (changed) {
      form.resetFields();
      onChanged();
    }
  }

  return (
    <Modal open={open} title={t('password.title')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="currentPassword" label={labels.currentPassword} rules={[{ required: true, message: t('password.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={labels.newPassword} extra={t('password.rule')} rules={[{ required: true, min: 8, message: t('password.rule') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('password.repeat')}
          dependencies={['newPassword']}
          rules={[{ required: true, message: t('password.required') }, ({ getFieldValue }) => ({
            validator: (_, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
          })]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
