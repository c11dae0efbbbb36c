// Keyword rules: the opt-out, opt-in and help words with their replies, and the tenant's auto-reply rules.
import { useState } from 'react';
import { Button, Card, Col, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Skeleton, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { languages, useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { DateTimeInput } from '../../ui/pickers.tsx';

type Rule = Response<'GET /api/v1/keywords/rules'>['rules'][number];
type Settings = Response<'GET /api/v1/keywords/settings'>;
type Kind = keyof Settings['words'];
const kinds: Kind[] = ['opt_out', 'opt_in', 'help'];
const matches: Rule['match'][] = ['exact', 'prefix', 'pattern', 'catch_all'];

/** Both parts of the page: the system words, then the rules. */
export function Keywords() {
  const { t } = useI18n();
  return (
    <Page title={t('nav.keywords')}>
      <SystemWords />
      <Rules />
    </Page>
  );
}

function SystemWords() {
  const { t } = useI18n();
  const session = useSession();
  const s = useLoad(() => call('GET /api/v1/keywords/settings'), []);
  const { run, busy } = useAction({ reload: s.reload });

  function save(body: Body<'PUT /api/v1/keywords/settings'>) {
    return run(() => call('PUT /api/v1/keywords/settings', { body }), t('common.saved'));
  }

  if (!s.data) return s.error ? <ErrorAlert error={s.error} retry={s.reload} /> : <Skeleton active />;
  const d = s.data;
  const editable = session.can('manage');
  // the tenant's first language answers with its main reply text
  const primary = d.languages[0] === 'en' ? 'en' : d.languages[0] === 'ru' ? 'ru' : 'zh-CN';
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 24 }}>
      {kinds.map((k) => (
        <Col xs={24} lg={8} key={k}>
          <Card size="small" title={t(`keywords.kind.${k}`)} extra={d.customized[k] ? <Tag color="blue">{t('keywords.customized')}</Tag> : <Tag>{t('keywords.default')}</Tag>}>
            <Typography.Paragraph type="secondary">{t(`keywords.kindHint.${k}`)}</Typography.Paragraph>
            <Select mode="tags" style={{ width: '100%' }} value={d.words[k]} disabled={!editable || busy} tokenSeparators={[',', '，']}
              onChange={(words: string[]) => save({ words: { [k]: words } })} />
            <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>{t('keywords.reply')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{t('keywords.replyLanguagesHint')}</Typography.Paragraph>
            {languages.map(({ lang, name }) => {
              const value = lang === primary ? d.ownRepliesByLanguage[k][lang] ?? d.replies[k] : d.repliesByLanguage[k][lang] ?? '';
              return (
                <div key={lang} style={{ marginBottom: 6 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{name}</Typography.Text>
                  <Input.TextArea key={value} autoSize defaultValue={value} disabled={!editable || busy} data-testid={`reply-${k}-${lang}`}
                    onBlur={(e) => { if (e.target.value !== value) void save({ repliesByLanguage: { [k]: { [lang]: e.target.value || null } } }); }} />
                </div>
              );
            })}
            {editable && d.customized[k] && <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={() => save({ words: { [k]: null } })}>{t('keywords.restore')}</Button>}
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function Rules() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/keywords/rules'), []);
  const [editing, setEditing] = useState<Rule | 'new'>();
  const editable = session.can('manage');
  const { run } = useAction({ reload: list.reload });

  return (
    <Card title={t('keywords.rules')} extra={editable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('keywords.create')}</Button>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Rule>
        rowKey="id"
        loading={list.loading}
        dataSource={[...(list.data?.rules ?? [])].sort((a, b) => a.position - b.position)}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('keywords.empty')} /> }}
        columns={[
          { title: '#', dataIndex: 'position' },
          { title: t('keywords.name'), dataIndex: 'name', render: (n: string, r) => (editable ? <a onClick={() => setEditing(r)}>{n}</a> : n) },
          { title: t('keywords.match'), dataIndex: 'match', render: (m: Rule['match']) => t(`keywords.match.${m}`) },
          { title: t('keywords.pattern'), dataIndex: 'pattern', render: (p: string) => (p ? <Typography.Text code>{p}</Typography.Text> : '—') },
          { title: t('keywords.reply'), dataIndex: 'reply', render: (r: string | null) => <Typography.Text ellipsis style={{ maxWidth: 260 }}>{r ?? '—'}</Typography.Text> },
          { title: t('keywords.active'), key: 'active', render: (_, r) => (r.activeFrom || r.activeUntil ? `${fmt.dateTime(r.activeFrom)} – ${fmt.dateTime(r.activeUntil)}` : t('keywords.always')) },
          { title: t('keywords.hits'), dataIndex: 'hits', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('webhooks.enabled'), dataIndex: 'enabled', render: (on: boolean, r) => <Switch size="small" checked={on} disabled={!editable} onChange={(v) => run(() => call('PATCH /api/v1/keywords/rules/{id}', { path: { id: r.id }, body: { enabled: v } }))} /> },
          {
            title: '', key: 'actions',
            render: (_, r) => editable && (
              <Popconfirm title={t('keywords.deleteConfirm', { name: r.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/keywords/rules/{id}', { path: { id: r.id } }))}>
                <Button size="small" danger>{t('common.delete')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      {editing && <RuleEditor rule={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); list.reload(); }} />}
    </Card>
  );
}

interface RuleForm { name: string; match: Rule['match']; pattern?: string; reply?: string; position?: number; activeFrom?: string; activeUntil?: string; enabled: boolean }

function RuleEditor({ rule, onClose, onSaved }: { rule?: Rule; onClose: () => void; onSaved: () => void }) {
  const { t, fmt } = useI18n();
  const [form] = Form.useForm<RuleForm>();
  const match = Form.useWatch('match', form);
  const labels = { name: t('keywords.name'), match: t('keywords.match'), pattern: t('keywords.pattern'), reply: t('keywords.reply'), position: t('routes.position') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const body = {
      name: v.name, match: v.match, pattern: v.match === 'catch_all' ? '' : v.pattern ?? '', reply: v.reply || null, position: v.position, enabled: v.enabled,
      activeFrom: fmt.fromInput(v.activeFrom) ?? null, activeUntil: fmt.fromInput(v.activeUntil) ?? null,
    };
    const saved = await run(() => (rule ? call('PATCH /api/v1/keywords/rules/{id}', { path: { id: rule.id }, body }) : call('POST /api/v1/keywords/rules', { body })), t('common.saved'));
    if (saved) onSaved();
  }

  const initial: RuleForm = rule
    ? { ...rule, reply: rule.reply ?? undefined, activeFrom: fmt.toInput(rule.activeFrom) || undefined, activeUntil: fmt.toInput(rule.activeUntil) || undefined }
    : { name: '', match: 'exact', enabled: true };
  return (
    <Modal open title={rule ? rule.name : t('keywords.create')} okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy}>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={initial}>
        <Form.Item name="name" label={labels.name} rules={[{ required: true, whitespace: true, message: t('keywords.nameRequired') }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="match" label={labels.match} extra={t('keywords.matchHint')}>
          <Select options={matches.map((m) => ({ value: m, label: t(`keywords.match.${m}`) }))} />
        </Form.Item>
        {match !== 'catch_all' && (
          <Form.Item name="pattern" label={labels.pattern} rules={[{ required: true, message: t('keywords.patternRequired') }]}><Input placeholder="1 / 抽奖 / ^GOLD\d+$" /></Form.Item>
        )}
        <Form.Item name="reply" label={labels.reply} extra={t('keywords.replyHint')}><Input.TextArea rows={3} maxLength={1000} /></Form.Item>
        <Space wrap>
          <Form.Item name="activeFrom" label={t('keywords.from')} extra={fmt.zone}><DateTimeInput /></Form.Item>
          <Form.Item name="activeUntil" label={t('keywords.until')} extra={fmt.zone}><DateTimeInput /></Form.Item>
        </Space>
        <Space wrap size="large">
          <Form.Item name="position" label={labels.position}><InputNumber min={0} /></Form.Item>
          <Form.Item name="enabled" label={t('webhooks.enabled')} valuePropName="checked"><Switch /></Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
