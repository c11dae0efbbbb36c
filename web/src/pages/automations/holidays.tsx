// The platform's holiday calendar (official days off and adjusted workdays, 调休): years covered, a year's days on a
// calendar, and editing them; warns from 1 December when next year is missing.
import { useState } from 'react';
import { Alert, Button, Calendar, Card, Col, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Table, Tag } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { formValues } from '../../ui/form-values.ts';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { DateInput } from '../../ui/pickers.tsx';

type Year = Response<'GET /api/v1/admin/holidays'>['years'][number];
type Day = Response<'GET /api/v1/admin/holidays/{year}'>['days'][number];

/** The holiday calendar page of the platform admin. */
export function Holidays() {
  const { t, fmt } = useI18n();
  const years = useLoad(() => call('GET /api/v1/admin/holidays'), []);
  const [year, setYear] = useState<number>();
  const [editing, setEditing] = useState<{ year: number; days: Day[] }>();
  const { run } = useAction({ reload: years.reload });
  const shown = year ?? years.data?.years.at(-1)?.year;

  return (
    <Page title={t('nav.holidays')} extra={<Space>
      <Button onClick={() => run(() => call('POST /api/v1/admin/holidays/seed'), t('common.saved'))}>{t('holidays.seed')}</Button>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ year: (years.data?.years.at(-1)?.year ?? new Date().getFullYear()) + 1, days: [] })}>{t('holidays.addYear')}</Button>
    </Space>}>
      {years.data?.warning && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={years.data.warning} />}
      <ErrorAlert error={years.error} retry={years.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('holidays.years')}>
            <Table<Year> rowKey="year" size="small" loading={years.loading} dataSource={[...(years.data?.years ?? [])].reverse()} pagination={{ pageSize: 10 }}
              onRow={(y) => ({ onClick: () => setYear(y.year), style: { cursor: 'pointer', background: y.year === shown ? 'rgba(22,119,255,0.06)' : undefined } })}
              columns={[
                { title: t('holidays.year'), dataIndex: 'year' },
                { title: t('holidays.source'), dataIndex: 'source', render: (s: string) => <Tag color={s === 'admin' ? 'blue' : 'default'}>{t(`holidays.source.${s}` as 'holidays.source.admin')}</Tag> },
                { title: t('holidays.daysOff'), dataIndex: 'holidays', align: 'right', render: (n: number) => fmt.number(n) },
                { title: t('holidays.workdays'), dataIndex: 'workdays', align: 'right', render: (n: number) => fmt.number(n) },
                {
                  title: '', key: 'actions', render: (_, y) => (
                    <Space onClick={(e) => e.stopPropagation()}>
                      <Button size="small" onClick={async () => { const r = await call('GET /api/v1/admin/holidays/{year}', { path: { year: y.year } }); setEditing({ year: y.year, days: r.days }); }}>{t('automations.edit')}</Button>
                      <Popconfirm title={t('holidays.deleteConfirm', { year: y.year })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/admin/holidays/{year}', { path: { year: y.year } }))}>
                        <Button size="small" danger>{t('common.delete')}</Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]} />
          </Card>
        </Col>
        <Col xs={24} lg={14}>{shown !== undefined && <YearCalendar key={shown} year={shown} />}</Col>
      </Row>
      {editing && <YearEditor {...editing} onClose={() => setEditing(undefined)} onSaved={() => { setYear(editing.year); setEditing(undefined); years.reload(); }} />}
    </Page>
  );
}

function YearCalendar({ year }: { year: number }) {
  const { t } = useI18n();
  const days = useLoad(() => call('GET /api/v1/admin/holidays/{year}', { path: { year } }), [year]);
  const byDate = new Map((days.data?.days ?? []).map((d) => [d.date, d]));
  return (
    <Card size="small" title={year}>
      <ErrorAlert error={days.error} retry={days.reload} />
      <Calendar key={year} fullscreen={false}
        cellRender={(date, info) => {
          if (info.type !== 'date') return info.originNode;
          const d = byDate.get(date.format('YYYY-MM-DD'));
          return d ? <Tag color={d.kind === 'holiday' ? 'red' : 'blue'} style={{ fontSize: 10, marginInlineEnd: 0 }}>{d.kind === 'holiday' ? d.name : t('holidays.kind.workday')}</Tag> : null;
        }} />
    </Card>
  );
}

function YearEditor({ year, days, onClose, onSaved }: { year: number; days: Day[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ year: number; days: Day[] }>();
  const labels = { date: t('holidays.date'), name: t('holidays.name') };
  const { run, busy } = useAction({ labels });
  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    if (await run(() => call('PUT /api/v1/admin/holidays/{year}', { path: { year: v.year }, body: { days: v.days.map((d) => ({ date: d.date, name: d.name, kind: d.kind })) } }), t('common.saved'))) onSaved();
  }
  return (
    <Modal open width={640} title={t('holidays.addYear')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy}>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ year, days }}>
        <Form.Item name="year" label={t('holidays.year')}><InputNumber min={1900} max={2100} /></Form.Item>
        <Form.List name="days">
          {(fields, { add, remove }) => <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item name={[f.name, 'date']} rules={[{ required: true, message: labels.date }]}><DateInput /></Form.Item>
                <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: labels.name }]}><Input placeholder="国庆节" style={{ width: 140 }} /></Form.Item>
                <Form.Item name={[f.name, 'kind']} initialValue="holiday"><Select style={{ width: 180 }} options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`holidays.kind.${k}`) }))} /></Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ date: `${form.getFieldValue('year') ?? year}-01-01`, name: '', kind: 'holiday' })}>{t('holidays.addDay')}</Button>
          </>}
        </Form.List>
      </Form>
    </Modal>
  );
}
