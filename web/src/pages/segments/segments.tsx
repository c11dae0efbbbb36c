// Saved segments: a filter over fields, tags, groups and activity, built from conditions or typed, with a live count
// of matching contacts.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Empty, Form, Input, Modal, Popconfirm, Radio, Space, Statistic, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n, type PlainKey, type T } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { conditionsOf, emptyConditions, filterOf, type Conditions } from './conditions.ts';

type Segment = Response<'GET /api/v1/segments'>['segments'][number];

/** What a filter's syntax error says (its details). */
interface SyntaxDetails { position?: number; expect?: string; expected?: string; found?: string; close?: string; opened?: string; symbol?: string; field?: string }

/** The parts of a syntax error whose words need no values from the error. */
const plainExpectations: Record<string, PlainKey> = {
  token: 'segments.expect.token', and_or_end: 'segments.expect.and_or_end', shallower: 'segments.expect.shallower',
  name: 'segments.expect.name', value: 'segments.expect.value', condition: 'segments.expect.condition', duration: 'segments.expect.duration',
  shorter_duration: 'segments.expect.shorter_duration', string_after_contains: 'segments.expect.string_after_contains',
};

/** "expected …, found …" in the user's language; the server's English words where the code is not known here. */
function syntaxText(d: SyntaxDetails, t: T): string {
  const expected = d.expect === 'closing_quote' ? t('segments.expect.closing_quote', { close: d.close ?? '"', opened: d.opened ?? '' })
    : d.expect === 'symbol' ? t('segments.expect.symbol', { symbol: d.symbol ?? '' })
      : d.expect === 'operator' ? t('segments.expect.operator', { field: d.field ?? '' })
        : d.expect && Object.hasOwn(plainExpectations, d.expect) ? t(plainExpectations[d.expect]) : d.expected ?? '';
  return t('segments.expected', { expected, found: d.found === 'end of filter' ? t('segments.end') : d.found ?? '' });
}

/** How many contacts a saved segment has now (asked per row; '—' when it cannot be counted). */
function MemberCount({ filter }: { filter: string }) {
  const { fmt } = useI18n();
  const count = useLoad(() => call('POST /api/v1/segments/count', { body: { filter } }), [filter]);
  return <span data-testid="segment-members">{count.data ? fmt.number(count.data.count) : '—'}</span>;
}

/** The number of contacts a filter matches, asked again while the user types; syntax errors name the position. */
export function LiveCount({ filter }: { filter: string }) {
  const { t, fmt } = useI18n();
  const [count, setCount] = useState<number>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    if (!filter.trim()) { setCount(undefined); setError(undefined); return; }
    const timer = setTimeout(() => {
      call('POST /api/v1/segments/count', { body: { filter } }).then(
        (r) => { if (live) { setCount(r.count); setError(undefined); } },
        (e: unknown) => { if (live) { setError(e); setCount(undefined); } },
      );
    }, 400);
    return () => { live = false; clearTimeout(timer); };
  }, [filter]);
  if (error instanceof ApiError && error.code === 'filter_syntax') {
    const d = (error.details ?? {}) as SyntaxDetails;
    return <Alert type="error" showIcon title={t('error.filter_syntax')} data-testid="filter-error" description={<>{d.position !== undefined && `${t('segments.at', { position: d.position })} `}{syntaxText(d, t)}</>} />;
  }
  if (error) return <ErrorAlert error={error} />;
  return <Statistic title={t('segments.matching')} value={count === undefined ? '—' : fmt.number(count)} />;
}

/** The segments page. */
export function Segments() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/segments'), []);
  const [editing, setEditing] = useState<Segment | 'new'>();
  const [form] = Form.useForm<{ name: string; filter: string }>();
  const filter = Form.useWatch('filter', form) ?? '';
  const mayEdit = session.can('import');
  const [mode, setMode] = useState<'builder' | 'text'>('builder');
  const [conditions, setConditions] = useState<Conditions>(emptyConditions);
  const [notBuildable, setNotBuildable] = useState(false);
  const choices = useLoad(() => (editing ? Promise.all([call('GET /api/v1/contact-fields'), call('GET /api/v1/groups')]) : Promise.resolve(undefined)), [!!editing]);
  const [fieldList, groupList] = choices.data ?? [];
  const types = Object.fromEntries((fieldList?.fields ?? []).map((f) => [f.key, f.type]));

  /** Opens the editor on a segment (or a new one): in the builder when its filter fits, else as text. */
  function open(s: Segment | 'new') {
    form.resetFields();
    const built = s === 'new' ? emptyConditions() : conditionsOf(s.filter);
    if (s !== 'new') form.setFieldsValue(s);
    setConditions(built ?? emptyConditions());
    setMode(built ? 'builder' : 'text');
    setNotBuildable(!built);
    setEditing(s);
  }

  function build(c: Conditions) {
    setConditions(c);
    form.setFieldValue('filter', filterOf(c, types));
  }

  function switchMode(next: 'builder' | 'text') {
    if (next === 'builder') {
      const built = filter.trim() ? conditionsOf(filter) : emptyConditions();
      setNotBuildable(!built);
      if (!built) return;
      setConditions(built);
    }
    setMode(next);
  }
  const { run } = useAction({ reload: list.reload, labels: { name: t('segments.name'), filter: t('segments.filter') } });

  async function save() {
    const v = await formValues(form);
    if (!v) return;
    const saved = await run(() => (editing === 'new' ? call('POST /api/v1/segments', { body: v }) : call('PATCH /api/v1/segments/{id}', { path: { id: (editing as Segment).id }, body: v })), t('common.saved'));
    if (saved) setEditing(undefined);
  }

  return (
    <Page title={t('nav.segments')} extra={mayEdit && <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>{t('segments.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Segment>
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.segments}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('segments.empty')} /> }}
        columns={[
          { title: t('segments.name'), dataIndex: 'name', render: (n: string, s) => (mayEdit ? <a onClick={() => open(s)}>{n}</a> : n) },
          { title: t('segments.filter'), dataIndex: 'filter', render: (f: string) => <Typography.Text code>{f}</Typography.Text> },
          { title: t('segments.members'), key: 'members', render: (_, s) => <MemberCount filter={s.filter} /> },
          { title: t('templates.updated'), dataIndex: 'updatedAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, s) => (
              <Space wrap>
                <Button size="small" onClick={() => download('GET /api/v1/segments/{id}/export', `${s.name}.xlsx`, { path: { id: s.id }, query: { format: 'xlsx' } }).catch((e: unknown) => message.error(describeError(e, t)))}>XLSX</Button>
                {mayEdit && (
                  <Popconfirm title={t('segments.deleteConfirm', { name: s.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/segments/{id}', { path: { id: s.id } }))}>
                    <Button size="small" danger>{t('common.delete')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={!!editing} width={760} title={editing === 'new' ? t('segments.create') : t('segments.edit')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={save} onCancel={() => setEditing(undefined)} forceRender>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="name" label={t('segments.name')} rules={[{ required: true, whitespace: true, message: t('segments.nameRequired') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item label={t('segments.filter')}>
            <Radio.Group optionType="button" value={mode} onChange={(e) => switchMode(e.target.value as 'builder' | 'text')}
              options={[{ value: 'builder', label: t('segments.modeBuilder') }, { value: 'text', label: t('segments.modeText') }]} />
          </Form.Item>
          {notBuildable && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('segments.notBuildable')} data-testid="not-buildable" />}
          {mode === 'builder' && (
            <Form.Item extra={filter && <>{t('segments.generated')} <Typography.Text code data-testid="generated-filter">{filter}</Typography.Text></>}>
              <ConditionBuilder value={conditions} onChange={build} fields={fieldList?.fields ?? []} groups={(groupList?.groups ?? []).map((g) => g.name)} />
            </Form.Item>
          )}
          <Form.Item name="filter" hidden={mode === 'builder'} label={t('segments.filterText')} extra={t('segments.filterHint')} rules={[{ required: true, message: t('segments.filterRequired') }]}>
            <Input.TextArea rows={3} placeholder='city = "北京" and age >= 32 and tag:vip and not replied within 30d' style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
        <LiveCount filter={filter} />
      </Modal>
    </Page>
  );
}
