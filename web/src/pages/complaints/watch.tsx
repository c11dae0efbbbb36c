// The platform's complaint watch (投诉监控): tenants against their thresholds, marketing suspended or lifted, and the policy.
import { useState } from 'react';
import { Button, Card, Empty, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { countColumns, percent } from './complaints.tsx';

type Row = Response<'GET /api/v1/admin/complaints'>['tenants'][number];
type Policy = Response<'GET /api/v1/admin/complaints/policy'>;

/** Tenants above their thresholds (or all with any opt-out or complaint), with suspend and lift. */
export function ComplaintWatch() {
  const { t, fmt } = useI18n();
  const [onlyAbove, setOnlyAbove] = useState(false);
  const list = useLoad(() => call('GET /api/v1/admin/complaints', { query: { above: onlyAbove ? 'true' : undefined } }), [onlyAbove]);
  const [suspending, setSuspending] = useState<Row>();
  const [reason, setReason] = useState('');
  const { run, busy } = useAction({ reload: list.reload });

  async function suspend() {
    if (!suspending || !reason.trim()) return;
    if (await run(() => call('POST /api/v1/admin/complaints/tenants/{tenant}/suspend', { path: { tenant: suspending.slug }, body: { reason: reason.trim() } }), (r) => t('complaints.suspendedMsg', { tenant: suspending.name, n: r.pausedCampaigns.length }))) {
      setSuspending(undefined);
      setReason('');
    }
  }

  return (
    <Page title={t('nav.complaintWatch')} extra={<Space><Typography.Text>{t('complaints.onlyAbove')}</Typography.Text><Switch checked={onlyAbove} onChange={setOnlyAbove} /></Space>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Row>
        rowKey="tenantId" loading={list.loading} dataSource={list.data?.tenants} scroll={{ x: 'max-content' }} style={{ marginBottom: 24 }}
        locale={{ emptyText: <Empty description={t('complaints.noTenants')} /> }}
        columns={[
          { title: t('complaints.tenant'), dataIndex: 'name', render: (n: string, r) => <Space orientation="vertical" size={0}>{n}<Typography.Text type="secondary">{r.slug}</Typography.Text></Space> },
          ...countColumns<Row>(t, fmt),
          { title: t('complaints.thresholds'), dataIndex: 'thresholds', render: (p: Row['thresholds']) => `${percent(p.optOutRate)} / ${percent(p.complaintRate)} · ${fmt.number(p.minSample)}` },
          {
            title: t('complaints.marketing'), dataIndex: 'suspension',
            render: (s: Row['suspension'], r) => (s
              ? <Space orientation="vertical" size={0}><Tag color="error">{t('complaints.suspendedTag')}</Tag><Typography.Text type="secondary">{s.reason} · {fmt.dateTime(s.suspendedAt)}</Typography.Text>
                <Popconfirm title={t('complaints.liftConfirm', { tenant: r.name })} okText={t('complaints.lift')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('POST /api/v1/admin/complaints/tenants/{tenant}/lift', { path: { tenant: r.slug }, body: {} }), t('complaints.liftedMsg', { tenant: r.name }))}>
                  <Button size="small">{t('complaints.lift')}</Button>
                </Popconfirm></Space>
              : <Button size="small" danger data-testid={`suspend-${r.slug}`} onClick={() => setSuspending(r)}>{t('complaints.suspend')}</Button>),
          },
        ]}
      />
      <PolicyCard />
      <Modal open={!!suspending} title={t('complaints.suspendTitle', { tenant: suspending?.name ?? '' })} okText={t('complaints.suspend')} cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }} onOk={suspend} onCancel={() => setSuspending(undefined)}>
        <Typography.Paragraph type="secondary">{t('complaints.suspendHint')}</Typography.Paragraph>
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('complaints.reasonPlaceholder')} data-testid="suspend-reason" />
      </Modal>
    </Page>
  );
}

interface PolicyForm { optOutPercent: number; complaintPercent: number; minSample: number; windowDays: number; keywords: string[] }

/** The platform's thresholds (as percentages) and complaint words. */
function PolicyCard() {
  const { t } = useI18n();
  const policy = useLoad(() => call('GET /api/v1/admin/complaints/policy'), []);
  const [form] = Form.useForm<PolicyForm>();
  const labels = { optOutRate: t('complaints.optOutThreshold'), complaintRate: t('complaints.complaintThreshold'), minSample: t('complaints.minSample'), windowDays: t('complaints.windowDays'), keywords: t('complaints.keywords') };
  const { run, busy } = useAction({ reload: policy.reload, labels });
  const toForm = (p: Policy): PolicyForm => ({ optOutPercent: p.optOutRate * 100, complaintPercent: p.complaintRate * 100, minSample: p.minSample, windowDays: p.windowDays, keywords: p.keywords });

  async function save() {
    const v = await formValues(form);
    if (!v) return;
    const body: Body<'PUT /api/v1/admin/complaints/policy'> = { optOutRate: v.optOutPercent / 100, complaintRate: v.complaintPercent / 100, minSample: v.minSample, windowDays: v.windowDays, keywords: v.keywords };
    await run(() => call('PUT /api/v1/admin/complaints/policy', { body }), t('common.saved'));
  }

  return (
    <Card title={t('complaints.policy')} size="small" extra={<Button type="primary" loading={busy} disabled={!policy.data} onClick={save}>{t('common.save')}</Button>}>
      <ErrorAlert error={policy.error} retry={policy.reload} />
      {policy.data && (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={toForm(policy.data)} key={JSON.stringify(policy.data)}>
          <Space wrap size="large">
            <Form.Item name="optOutPercent" label={labels.optOutRate} rules={[{ required: true }]}><InputNumber min={0} max={100} step={0.1} suffix="%" /></Form.Item>
            <Form.Item name="complaintPercent" label={labels.complaintRate} rules={[{ required: true }]}><InputNumber min={0} max={100} step={0.01} suffix="%" /></Form.Item>
            <Form.Item name="minSample" label={labels.minSample} rules={[{ required: true }]}><InputNumber min={1} max={10_000_000} precision={0} /></Form.Item>
            <Form.Item name="windowDays" label={labels.windowDays} rules={[{ required: true }]}><InputNumber min={1} max={92} precision={0} /></Form.Item>
          </Space>
          <Form.Item name="keywords" label={labels.keywords} extra={t('complaints.keywordsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，']} open={false} />
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}
