// The import wizard: choose a file → check the columns on its first rows → options → live progress → result.
import { useEffect, useState } from 'react';
import { Alert, App, AutoComplete, Button, Card, Col, Flex, Form, Input, Progress, Radio, Result, Row, Select, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { call, upload, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { countries } from '../tenants/countries.ts';
import { downloadReport, importStates } from './imports.tsx';
import { guessColumn, readHead, type Head } from './preview.ts';

type Job = Response<'GET /api/v1/imports/{id}'>;
/** How many rejected rows the result shows (the report has them all). */
const shownRejects = 20;
/** The reasons an import rejects a row for, each with its words in the dictionaries. */
const importReasons = ['empty', 'scientific_notation', 'invalid_characters', 'unknown_country', 'too_short', 'too_long', 'invalid_number', 'erased', 'unreadable'] as const;
type ImportReason = (typeof importReasons)[number];

interface Options { phoneColumn?: string; nameColumn?: string; group?: string; tags?: string; defaultCountry?: string; existing: 'update' | 'skip' }

/** Imports a CSV or XLSX file into the contacts, optionally into a group. */
export function ImportWizard() {
  const { t, fmt, lang } = useI18n();
  const { message } = App.useApp();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File>();
  const [head, setHead] = useState<Head>();
  const [form] = Form.useForm<Options>();
  const [job, setJob] = useState<Job>();
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const groups = useLoad(() => call('GET /api/v1/groups'), []);
  const region = new Intl.DisplayNames([lang], { type: 'region' });
  const running = !!job && (job.status === 'queued' || job.status === 'running');
  const { run, busy } = useAction({ labels: { file: t('imports.file'), defaultCountry: t('settings.defaultCountry'), group: t('contacts.group') } });
  useInterval(() => { if (job) call('GET /api/v1/imports/{id}', { path: { id: job.id } }).then(setJob, () => undefined); }, 1000, running);

  async function choose(f: File) {
    setFile(f);
    const csv = !/\.xlsx$/i.test(f.name);
    const h = csv ? await readHead(f).catch(() => undefined) : undefined;
    setHead(h);
    form.setFieldsValue({ phoneColumn: h && guessColumn(h.header, 'phone'), nameColumn: h && guessColumn(h.header, 'name') });
    setStep(1);
  }

  async function start() {
    const v = { ...form.getFieldsValue(true) as Options };
    const data = new FormData();
    for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null && x !== '') data.append(k, String(x));
    data.append('file', file!);
    await run(async () => {
      const r = await upload('POST /api/v1/contacts/import', data);
      setJob(await call('GET /api/v1/imports/{id}', { path: { id: r.id } }));
      setStep(3);
    });
  }

  // the tenant's default country (the server's own default, CN, where the tenant has none), once the tenant is loaded
  const defaultCountry = tenant.data ? (typeof tenant.data.settings.defaultCountry === 'string' ? tenant.data.settings.defaultCountry : 'CN') : undefined;
  useEffect(() => { if (defaultCountry && !form.getFieldValue('defaultCountry')) form.setFieldsValue({ defaultCountry }); }, [defaultCountry]);
  const finished = !!job && !running && job.invalid > 0;
  const rejects = useLoad(() => (finished ? call('GET /api/v1/imports/{id}/rejects', { path: { id: job.id }, query: { limit: shownRejects } }) : Promise.resolve(undefined)), [finished, job?.id]);
  const columns = head?.header.map((h) => ({ value: h, label: h })) ?? [];
  const group = Form.useWatch('group', form) as string | undefined;

  return (
    <Page title={t('contacts.import')}>
      <Steps current={step} style={{ marginBottom: 24 }} items={[{ title: t('imports.stepFile') }, { title: t('imports.stepColumns') }, { title: t('imports.stepOptions') }, { title: t('imports.stepResult') }]} />
      <Card>
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ existing: 'update', defaultCountry }}>
          {step === 0 && (
            <Upload.Dragger accept=".csv,.txt,.xlsx" maxCount={1} showUploadList={false} beforeUpload={(f) => { void choose(f); return false; }} data-testid="import-file">
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{t('imports.drop')}</p>
              <p className="ant-upload-hint">{t('imports.dropHint')}</p>
            </Upload.Dragger>
          )}
          <div style={{ display: step === 1 ? 'block' : 'none' }}>
            <Typography.Paragraph><strong>{file?.name}</strong> · {file ? fmt.number(Math.ceil(file.size / 1024)) : 0} KB{head ? ` · ${head.encoding}` : ''}</Typography.Paragraph>
            {head ? (
              <>
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item name="phoneColumn" label={t('imports.phoneColumn')} rules={[{ required: step === 1, message: t('imports.phoneColumnRequired') }]}><Select options={columns} /></Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="nameColumn" label={t('imports.nameColumn')}><Select allowClear options={columns} /></Form.Item>
                  </Col>
                </Row>
                <Typography.Text type="secondary">{t('imports.firstRows')}</Typography.Text>
                <Table size="small" pagination={false} scroll={{ x: 'max-content' }} rowKey={(_, i) => String(i)} dataSource={head.rows} style={{ marginTop: 8 }}
                  columns={head.header.map((h, i) => ({ title: h, key: String(i), render: (_: unknown, r: string[]) => r[i] }))} />
                <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('imports.otherColumns')}</Typography.Paragraph>
              </>
            ) : <Alert type="info" showIcon title={t('imports.noPreview')} />}
          </div>
          <div style={{ display: step === 2 ? 'block' : 'none' }}>
            <Form.Item name="group" label={t('imports.group')} extra={t('imports.groupHint')}>
              <AutoComplete allowClear options={(groups.data?.groups ?? []).map((g) => ({ value: g.name }))} data-testid="import-group" />
            </Form.Item>
            <Form.Item name="tags" label={t('contacts.tags')} extra={t('imports.tagsHint')}><Input /></Form.Item>
            <Form.Item name="defaultCountry" label={t('settings.defaultCountry')} extra={t('settings.defaultCountryHint')}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={countries.map((c) => ({ value: c, label: `${region.of(c) ?? c} (${c})` }))} />
            </Form.Item>
            <Form.Item name="existing" label={t('imports.existing')}>
              <Radio.Group options={[{ value: 'update', label: t('imports.update') }, { value: 'skip', label: t('imports.skip') }]} />
            </Form.Item>
          </div>
        </Form>
        {step === 3 && job && (
          <div data-testid="import-result">
            {running ? <Progress percent={job.total ? 99 : 0} status="active" showInfo={false} /> : job.status === 'failed'
              ? <Result status="error" title={t('imports.failed')} subTitle={job.error ?? undefined} />
              : <Result status="success" title={t(importStates[job.status])} />}
            <Row gutter={[16, 16]}>
              <Col xs={12} md={5}><Statistic title={t('imports.total')} value={fmt.number(job.total)} /></Col>
              <Col xs={12} md={5} data-testid="import-imported"><Statistic title={t('imports.imported')} value={fmt.number(job.imported)} /></Col>
              <Col xs={12} md={5}><Statistic title={t('imports.updated')} value={fmt.number(job.updated)} /></Col>
              <Col xs={12} md={5}><Statistic title={t('imports.duplicates')} value={fmt.number(job.duplicates)} /></Col>
              <Col xs={12} md={4}><Statistic title={t('imports.invalid')} value={fmt.number(job.invalid)} /></Col>
            </Row>
            {rejects.data && rejects.data.rejects.length > 0 && (
              <div style={{ marginTop: 24 }} data-testid="import-rejects">
                <Typography.Title level={5}>{t('imports.rejected')}</Typography.Title>
                <Table size="small" rowKey="line" pagination={false} scroll={{ x: 'max-content' }} dataSource={rejects.data.rejects} columns={[
                  { title: t('imports.line'), dataIndex: 'line' },
                  { title: t('imports.reason'), dataIndex: 'reason', render: (r: string) => (importReasons.includes(r as ImportReason) ? t(`importReason.${r as ImportReason}`) : r) },
                  { title: t('imports.row'), dataIndex: 'raw', render: (raw: string) => <Typography.Text code>{raw}</Typography.Text> },
                ]} />
                {job.invalid > rejects.data.rejects.length && <Typography.Text type="secondary">{t('imports.rejectedMore', { count: rejects.data.rejects.length })}</Typography.Text>}
              </div>
            )}
            {!running && (
              <Flex gap={8} wrap style={{ marginTop: 24 }}>
                {job.invalid > 0 && <Button onClick={() => downloadReport(job.id, job.fileName).catch((e: unknown) => message.error(describeError(e, t)))}>{t('imports.report')}</Button>}
                <Button onClick={() => navigate('/contacts')}>{t('imports.seeContacts')}</Button>
                {group && job.status === 'done' && <Button type="primary" onClick={() => navigate(`/campaigns/new?group=${encodeURIComponent(group)}`)}>{t('imports.sendToGroup', { group })}</Button>}
              </Flex>
            )}
          </div>
        )}
        <Flex gap={8} justify="end" style={{ marginTop: 24 }}>
          {(step === 1 || step === 2) && <Button onClick={() => setStep(step - 1)}>{t('campaigns.back')}</Button>}
          {step === 1 && <Button type="primary" onClick={() => form.validateFields(['phoneColumn']).then(() => setStep(2), () => undefined)}>{t('campaigns.next')}</Button>}
          {step === 2 && <Button type="primary" loading={busy} onClick={start}>{t('imports.start')}</Button>}
        </Flex>
      </Card>
    </Page>
  );
}
