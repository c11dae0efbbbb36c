// Signatures (签名管理): apply for a signature with the company and its business licence, follow the review, choose the default.
import { useState } from 'react';
import { Alert, Button, Drawer, Empty, Form, Input, Popconfirm, Space, Table, Tag, Typography, Upload, type UploadFile } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { call, download, upload, type Response } from '../../api.ts';
import { useI18n, type T } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';

type Signature = Response<'GET /api/v1/signatures'>['signatures'][number];

/** The largest proof file the server takes (5 MB). */
const maxProofBytes = 5 * 1024 * 1024;

/** The tag of a signature's review state (and whether it is the demo one). */
export function SignatureStatus({ s, t }: { s: Pick<Signature, 'status' | 'demo'>; t: T }) {
  const color = { pending: 'processing', approved: 'success', rejected: 'error' }[s.status];
  return <Space size={4}><Tag color={color}>{t(`signatures.status.${s.status}`)}</Tag>{s.demo && <Tag color="warning">{t('signatures.demo')}</Tag>}</Space>;
}

/** The tenant's signatures page. */
export function Signatures() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/signatures'), []);
  const [applying, setApplying] = useState(false);
  const mayManage = session.can('manage');
  const { run } = useAction({ reload: list.reload });
  const signatures = list.data?.signatures ?? [];
  const onlyDemo = !!list.data && !signatures.some((s) => s.status === 'approved' && !s.demo);

  return (
    <Page title={t('nav.signatures')} extra={mayManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setApplying(true)} data-testid="signature-apply">{t('signatures.apply')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Alert type={onlyDemo ? 'warning' : 'info'} showIcon style={{ marginBottom: 16 }} title={onlyDemo ? t('signatures.needOwn') : t('signatures.intro')} description={onlyDemo ? t('signatures.intro') : undefined} />
      <Table<Signature>
        rowKey="id"
        loading={list.loading}
        dataSource={signatures}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('signatures.empty')} /> }}
        columns={[
          { title: t('signatures.text'), dataIndex: 'text', render: (v: string, s) => <Space><Typography.Text strong>{v}</Typography.Text>{s.isDefault && <Tag color="blue">{t('signatures.default')}</Tag>}</Space> },
          { title: t('signatures.company'), dataIndex: 'companyName', render: (v: string, s) => <Space orientation="vertical" size={0}>{v || '—'}{s.licenceNumber && <Typography.Text type="secondary">{s.licenceNumber}</Typography.Text>}</Space> },
          {
            title: t('signatures.state'), dataIndex: 'status',
            render: (_: unknown, s) => (
              <Space orientation="vertical" size={0}>
                <SignatureStatus s={s} t={t} />
                {s.reviewNote && <Typography.Text type="secondary">{t('review.note')}: {s.reviewNote}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('signatures.submitted'), dataIndex: 'submittedAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, s) => (
              <Space wrap>
                {s.proof && <Button size="small" onClick={() => run(() => download('GET /api/v1/signatures/{id}/proof', s.proof!.name, { path: { id: s.id } }))}>{t('signatures.proof')}</Button>}
                {mayManage && s.status === 'approved' && !s.isDefault && <Button size="small" onClick={() => run(() => call('POST /api/v1/signatures/{id}/default', { path: { id: s.id } }), t('signatures.madeDefault', { text: s.text }))}>{t('signatures.makeDefault')}</Button>}
                {mayManage && s.status === 'rejected' && <Button size="small" onClick={() => setApplying(true)}>{t('signatures.applyAgain')}</Button>}
                {mayManage && !s.isDefault && (
                  <Popconfirm title={t('signatures.deleteConfirm', { text: s.text })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/signatures/{id}', { path: { id: s.id } }), t('signatures.deleted'))}>
                    <Button size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {applying && <Apply onClose={() => setApplying(false)} onDone={() => { setApplying(false); list.reload(); }} />}
    </Page>
  );
}

interface ApplyForm { text: string; companyName: string; licenceNumber: string }

function Apply({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<ApplyForm>();
  const [file, setFile] = useState<File>();
  const [fileError, setFileError] = useState<string>();
  const labels = { text: t('signatures.text'), companyName: t('signatures.company'), licenceNumber: t('signatures.licence'), proof: t('signatures.proofFile') };
  const { run, busy } = useAction({ labels });

  function choose(f: File) {
    if (f.size > maxProofBytes) { setFileError(t('signatures.proofTooLarge')); setFile(undefined); return; }
    setFileError(undefined);
    setFile(f);
  }

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    if (!file) { setFileError(t('signatures.proofRequired')); return; }
    const data = new FormData();
    data.append('text', v.text);
    data.append('companyName', v.companyName);
    data.append('licenceNumber', v.licenceNumber);
    data.append('proof', file, file.name);
    if (await run(() => upload('POST /api/v1/signatures', data), t('signatures.applied'))) onDone();
  }

  const files: UploadFile[] = file ? [{ uid: '1', name: file.name, status: 'done' }] : [];
  return (
    <Drawer open size={Math.min(560, window.innerWidth)} title={t('signatures.apply')} onClose={onClose}
      extra={<Button type="primary" loading={busy} onClick={submit} data-testid="signature-submit">{t('signatures.submit')}</Button>}>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="text" label={labels.text} extra={t('signatures.textHint')} rules={[{ required: true, whitespace: true, max: 40, message: t('signatures.textRequired') }]}>
          <Input placeholder="【好药房】" maxLength={40} />
        </Form.Item>
        <Form.Item name="companyName" label={labels.companyName} extra={t('signatures.companyHint')} rules={[{ required: true, whitespace: true, min: 2, max: 100, message: t('signatures.companyRequired') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="licenceNumber" label={labels.licenceNumber} extra={t('signatures.licenceHint')} rules={[{ required: true, whitespace: true, max: 40, message: t('signatures.licenceRequired') }]}>
          <Input maxLength={40} placeholder="91330100716105852F" />
        </Form.Item>
        <Form.Item label={labels.proof} extra={t('signatures.proofHint')} validateStatus={fileError ? 'error' : undefined} help={fileError}>
          <Upload accept=".pdf,.png,.jpg,.jpeg" maxCount={1} fileList={files} beforeUpload={(f) => { choose(f); return false; }} onRemove={() => setFile(undefined)} data-testid="signature-proof">
            <Button icon={<UploadOutlined />}>{t('signatures.chooseFile')}</Button>
          </Upload>
        </Form.Item>
      </Form>
    </Drawer>
  );
}
