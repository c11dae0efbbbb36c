// Adding one contact by hand: number, name, groups, tags and the custom fields.
import { Form, Input, Modal, Select } from 'antd';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { FieldInputs, fieldValuesOf } from './field-inputs.tsx';

interface Values { phone: string; name?: string; groups?: string[]; tags?: string[]; fields?: Record<string, unknown> }

/** A modal that creates a contact; `onCreated` gets its id. */
export function NewContact({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const defs = useLoad(() => call('GET /api/v1/contact-fields'), []);
  const groups = useLoad(() => call('GET /api/v1/groups'), []);
  const { run, busy } = useAction({ labels: { phone: t('contacts.phone'), name: t('contacts.name') } });

  async function create(v: Values) {
    let id = '';
    const fields = Object.fromEntries(Object.entries(fieldValuesOf(defs.data?.fields ?? [], v.fields ?? {})).filter(([, x]) => x !== null));
    const ok = await run(async () => {
      id = (await call('POST /api/v1/contacts', { body: { phone: v.phone.trim(), name: v.name?.trim() || null, groups: v.groups, tags: v.tags, fields } })).id;
    }, t('contacts.created'));
    if (ok) onCreated(id);
  }

  return (
    <Modal open title={t('contacts.new')} okText={t('common.create')} cancelText={t('common.cancel')} confirmLoading={busy} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={create} data-testid="new-contact">
        <Form.Item name="phone" label={t('contacts.phone')} rules={[{ required: true, whitespace: true, message: t('contacts.phoneRequired') }]}><Input maxLength={64} placeholder="139 0000 1111" /></Form.Item>
        <Form.Item name="name" label={t('contacts.name')}><Input maxLength={200} /></Form.Item>
        <Form.Item name="groups" label={t('contacts.groups')}><Select mode="tags" options={(groups.data?.groups ?? []).map((g) => ({ value: g.name, label: g.name }))} /></Form.Item>
        <Form.Item name="tags" label={t('contacts.tags')}><Select mode="tags" open={false} /></Form.Item>
        <FieldInputs defs={defs.data?.fields ?? []} />
      </Form>
    </Modal>
  );
}
