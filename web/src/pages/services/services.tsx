// Services: the tenant's interactive services (inquiry, subscription, poll, survey, quiz, team chat), and a guided
// form to create one from a type.
import { useState } from 'react';
import { Button, Empty, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { Link } from '../../router.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { ConfigFields, configOf, serviceTypeNames, type ConfigValues, type ServiceTypeName } from './config-form.tsx';

/** A service as the API lists it. */
export type Service = Response<'GET /api/v1/services'>['services'][number];

/** The colour of a status tag. */
export const statusColor: Record<Service['status'], string> = { draft: 'default', live: 'green', closed: 'red' };

/** The list of services with the create dialog. */
export function Services() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/services'), []);
  const [creating, setCreating] = useState(false);
  return (
    <Page title={t('nav.services')} extra={session.can('manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('services.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Typography.Paragraph type="secondary">{t('services.intro.page')}</Typography.Paragraph>
      <Table<Service>
        rowKey="id" loading={list.loading} dataSource={list.data?.services ?? []} pagination={false} scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('services.empty')} /> }}
        columns={[
          { title: t('services.name'), dataIndex: 'name', render: (n: string, s) => <Link to={`/services/${s.id}`}>{n}</Link> },
          { title: t('services.type'), dataIndex: 'type', render: (ty: string) => t(`services.type.${ty}` as 'services.type.poll') },
          { title: t('services.keywords'), dataIndex: 'keywords', render: (k: string[]) => k.map((w) => <Tag key={w}>{w}</Tag>) },
          { title: t('services.number'), dataIndex: 'number', render: (n: string | null) => n ?? t('services.anyNumber') },
          { title: t('services.status'), dataIndex: 'status', render: (st: Service['status']) => <Tag color={statusColor[st]}>{t(`services.status.${st}`)}</Tag> },
          { title: t('services.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('services.created'), dataIndex: 'createdAt', render: (d: string) => fmt.dateTime(d) },
        ]}
      />
      {creating && <CreateService onClose={() => setCreating(false)} onSaved={() => { setCreating(false); list.reload(); }} />}
    </Page>
  );
}

interface CreateForm { type: ServiceTypeName; name: string; keywords?: string[]; number?: string; config: ConfigValues }

function CreateService({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<CreateForm>();
  const type = (Form.useWatch('type', form) ?? 'poll') as ServiceTypeName;
  const labels = { name: t('services.name'), keywords: t('services.keywords'), number: t('services.number'), config: t('services.rules') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const body = { type: v.type, name: v.name, keywords: v.keywords ?? [], number: v.number || null, config: configOf(v.type, v.config ?? {}) };
    if (await run(() => call('POST /api/v1/services', { body }), t('common.saved'))) onSaved();
  }

  return (
    <Modal open width={760} title={t('services.create')} okText={t('common.create')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy}>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ type: 'poll', config: { options: [{ name: '' }, { name: '' }] } }}>
        <Form.Item name="type" label={t('services.type')}>
          <Select options={serviceTypeNames.map((ty) => ({ value: ty, label: t(`services.type.${ty}`) }))}
            onChange={(ty: ServiceTypeName) => form.setFieldValue('config', ty === 'poll' ? { options: [{ name: '' }, { name: '' }] } : ty === 'survey' || ty === 'quiz' ? { questions: [{ text: '', kind: 'choice' }] } : {})} />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t(`services.typeHint.${type}`)}</Typography.Paragraph>
        <Form.Item name="name" label={labels.name} rules={[{ required: true, whitespace: true, message: t('services.required') }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="keywords" label={labels.keywords} extra={t('services.keywordsHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} placeholder="查询 / 投票 / DY" />
        </Form.Item>
        <Form.Item name="number" label={labels.number} extra={type === 'teamchat' ? t('services.teamchat.numberHint') : t('services.numberHint')} rules={type === 'teamchat' ? [{ required: true, message: t('services.required') }] : undefined}>
          <Input placeholder="1069000255" inputMode="numeric" />
        </Form.Item>
        <ConfigFields type={type} />
      </Form>
    </Modal>
  );
}
