// Anti-counterfeit codes: check statistics by result, product and province of the number (counterfeit hot spots),
// and the tenant's code batches — generate one, export it for the printer.
import { Button, Card, Col, Form, Input, InputNumber, Row, Space, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { call, download, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Stat = Response<'GET /api/v1/code-checks/stats'>['byResult'][number];
type Batch = Response<'GET /api/v1/code-batches'>['batches'][number];

/** Totals per key (summing the results under it), largest first. */
function totals(rows: Stat[]): Array<{ key: string; n: number; counterfeit: number }> {
  const by = new Map<string, { key: string; n: number; counterfeit: number }>();
  for (const r of rows) {
    const x = by.get(r.key) ?? { key: r.key, n: 0, counterfeit: 0 };
    x.n += r.n;
    if (r.result === 'not_found' || r.result === 'again_other' || r.result === 'check_digit') x.counterfeit += r.n;
    by.set(r.key, x);
  }
  return [...by.values()].sort((a, b) => b.counterfeit - a.counterfeit || b.n - a.n);
}

/** The check statistics of a codes service. */
export function CodeStats({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const stats = useLoad(() => call('GET /api/v1/code-checks/stats', { query: { serviceId: id } }), [id]);
  const s = stats.data;
  const table = (rows: Array<{ key: string; n: number; counterfeit: number }>, label: string) => (
    <Table rowKey="key" size="small" pagination={false} dataSource={rows} columns={[
      { title: label, dataIndex: 'key', render: (k: string) => k || '—' },
      { title: t('services.codes.count'), dataIndex: 'n', render: (n: number) => fmt.number(n) },
      { title: t('services.codes.result.not_found'), dataIndex: 'counterfeit', render: (n: number) => fmt.number(n) },
    ]} />
  );
  return (
    <Card size="small" title={t('services.codes.stats')} style={{ marginTop: 16 }}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Typography.Title level={5}>{t('services.codes.byResult')}</Typography.Title>
          <Table rowKey="key" size="small" pagination={false} dataSource={s?.byResult ?? []} columns={[
            { title: t('services.codes.result'), dataIndex: 'key', render: (k: string) => t(`services.codes.result.${k}` as 'services.codes.result.genuine') },
            { title: t('services.codes.count'), dataIndex: 'n', render: (n: number) => fmt.number(n) },
          ]} />
        </Col>
        <Col xs={24} md={8}><Typography.Title level={5}>{t('services.codes.byProvince')}</Typography.Title>{table(totals(s?.byProvince ?? []), t('services.codes.province'))}</Col>
        <Col xs={24} md={8}><Typography.Title level={5}>{t('services.codes.byProduct')}</Typography.Title>{table(totals(s?.byProduct ?? []), t('services.codes.product'))}</Col>
      </Row>
    </Card>
  );
}

/** The tenant's code batches: generate one (codes with a Luhn check digit), export it for the printer. */
export function CodeBatches({ editable }: { editable: boolean }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/code-batches', {}), []);
  const { run, busy } = useAction({ reload: list.reload });
  const [form] = Form.useForm<{ product: string; name?: string; count: number; length?: number }>();
  const exportAs = (b: Batch, format: 'csv' | 'xlsx') => () => run(() => download('GET /api/v1/code-batches/{id}/export', `${b.name}.${format}`, { path: { id: b.id }, query: { format } }));
  return (
    <Card size="small" title={t('services.codes.batches')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('services.codes.secretHint')}</Typography.Paragraph>
      {editable && (
        <Form form={form} layout="inline" style={{ marginBottom: 12 }} onFinish={(v) => run(() => call('POST /api/v1/code-batches', { body: { product: v.product, name: v.name, count: v.count, length: v.length ?? 16 } }), t('services.codes.generated')).then((ok) => { if (ok) form.resetFields(); })}>
          <Form.Item name="product" rules={[{ required: true, message: t('services.required') }]}><Input placeholder={t('services.codes.product')} /></Form.Item>
          <Form.Item name="name"><Input placeholder={t('services.codes.batchName')} /></Form.Item>
          <Form.Item name="count" rules={[{ required: true, message: t('services.required') }]}><InputNumber min={1} max={5_000_000} placeholder={t('services.codes.batchCount')} /></Form.Item>
          <Form.Item name="length"><InputNumber min={8} max={24} placeholder="16" /></Form.Item>
          <Button htmlType="submit" loading={busy}>{t('services.codes.generate')}</Button>
        </Form>
      )}
      <Table<Batch> rowKey="id" size="small" pagination={false} dataSource={list.data?.batches ?? []} columns={[
        { title: t('services.codes.batchName'), dataIndex: 'name' },
        { title: t('services.codes.product'), dataIndex: 'product' },
        { title: t('services.codes.batchCount'), dataIndex: 'count', render: (n: number) => fmt.number(n) },
        { title: t('services.codes.length'), dataIndex: 'length' },
        { title: t('services.codes.created'), dataIndex: 'createdAt', render: (d: string) => fmt.dateTime(d) },
        { title: '', key: 'x', render: (_: unknown, b: Batch) => b.source === 'generated' && editable && (
          <Space><Button size="small" icon={<DownloadOutlined />} onClick={exportAs(b, 'csv')}>CSV</Button><Button size="small" icon={<DownloadOutlined />} onClick={exportAs(b, 'xlsx')}>Excel</Button></Space>
        ) },
      ]} />
    </Card>
  );
}
