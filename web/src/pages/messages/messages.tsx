// The messages log: search by number, state and campaign; each message with its carrier log; send a message.
import { useState } from 'react';
import { Button, Descriptions, Drawer, Empty, Form, Input, Modal, Select, Table, Timeline, Typography } from 'antd';
import { SearchOutlined, SendOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { Pager, usePages } from '../../ui/pager.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formValues } from '../../ui/form-values.ts';
import { useLoad } from '../../ui/use-load.ts';
import { useTextCategories } from '../../ui/text-categories.ts';
import { reasonText } from '../campaigns/labels.tsx';
import { TextPreview } from '../templates/preview.tsx';
import { type Category } from '../templates/templates.tsx';
import { MessageStatus, messageStatuses } from './status.tsx';
import { pastedNumbers } from '../../ui/pasted-numbers.ts';

type Message = Response<'GET /api/v1/messages'>['messages'][number];
interface Filter { phone?: string; status?: string; campaignId?: string }

/** Messages, newest first, 50 at a time. */
export function Messages() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const [filter, setFilter] = useState<Filter>(() => ({ campaignId: new URLSearchParams(location.search).get('campaignId') ?? undefined }));
  const pages = usePages();
  const list = useLoad(() => call('GET /api/v1/messages', { query: { ...filter, before: pages.cursor, limit: 50 } }), [JSON.stringify(filter), pages.cursor]);
  const [open, setOpen] = useState<Message>();
  const [sending, setSending] = useState(false);
  const [form] = Form.useForm<Filter>();

  return (
    <Page title={t('nav.messages')} extra={session.can('send') && <Button type="primary" icon={<SendOutlined />} onClick={() => setSending(true)}>{t('messages.send')}</Button>}>
      <Form form={form} layout="inline" initialValues={filter} onFinish={(f) => { pages.restart(); setFilter({ ...f, campaignId: filter.campaignId }); }} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="phone"><Input allowClear placeholder={t('messages.phone')} style={{ width: 200 }} /></Form.Item>
        <Form.Item name="status">
          <Select allowClear placeholder={t('messages.status')} style={{ width: 160 }} options={messageStatuses.map((s) => ({ value: s, label: <MessageStatus status={s} /> }))} />
        </Form.Item>
        <Button htmlType="submit" icon={<SearchOutlined />}>{t('messages.search')}</Button>
        {filter.campaignId && <Button type="link" onClick={() => { pages.restart(); setFilter({ ...filter, campaignId: undefined }); }}>{t('messages.allCampaigns')}</Button>}
      </Form>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Message>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.messages}
        pagination={false}
        scroll={{ x: 'max-content' }}
        onRow={(m) => ({ onClick: () => setOpen(m), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty description={filter.phone || filter.status ? t('messages.noMatch') : t('messages.empty')} /> }}
        columns={[
          { title: t('messages.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('messages.to'), dataIndex: 'to' },
          { title: t('messages.status'), dataIndex: 'status', render: (s: string, m) => <><MessageStatus status={s} />{m.reason && <Typography.Text type="secondary">{reasonText(t, m.reason)}</Typography.Text>}</> },
          { title: t('templates.text'), dataIndex: 'text', render: (s: string) => <Typography.Text ellipsis style={{ maxWidth: 280 }}>{s}</Typography.Text> },
          { title: t('campaigns.segments'), dataIndex: 'segments', align: 'right' },
          { title: t('messages.channel'), dataIndex: 'channel' },
        ]}
      />
      <Pager pages={pages} next={list.data?.next} backLabel={t('messages.newer')} forwardLabel={t('messages.older')} />
      {open && <MessageDetail m={open} onClose={() => setOpen(undefined)} />}
      <SendMessage open={sending} onClose={() => setSending(false)} onSent={() => { setSending(false); pages.restart(); list.reload(); }} />
    </Page>
  );
}

function MessageDetail({ m, onClose }: { m: Message; onClose: () => void }) {
  const { t, fmt } = useI18n();
  const log = useLoad(() => call('GET /api/v1/messages/{id}/log', { path: { id: m.id } }), [m.id]);
  return (
    <Drawer open size={Math.min(640, window.innerWidth)} title={m.to} onClose={onClose}>
      <Descriptions size="small" column={1} items={[
        { key: 'status', label: t('messages.status'), children: <MessageStatus status={m.status} /> },
        ...(m.reason ? [{ key: 'reason', label: t('campaigns.reason'), children: reasonText(t, m.reason) }] : []),
        ...(m.error ? [{ key: 'error', label: t('webhooks.error'), children: m.error }] : []),
        { key: 'text', label: t('templates.text'), children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{m.text}</Typography.Text> },
        { key: 'segments', label: t('campaigns.segments'), children: m.segments },
        { key: 'price', label: t('preview.cost'), children: fmt.money(m.price) },
        { key: 'channel', label: t('messages.channel'), children: m.channel ?? '—' },
        { key: 'carrier', label: t('messages.carrierId'), children: m.carrierMessageId ?? '—' },
        ...(m.linkId ? [{ key: 'linkId', label: t('inbox.linkId'), children: m.linkId }] : []),
        ...(m.carrierStat ? [{ key: 'stat', label: t('messages.carrierStatus'), children: `${m.carrierStat}${m.carrierErr ? ` (${m.carrierErr})` : ''}` }] : []),
        ...(m.campaignId ? [{ key: 'campaign', label: t('nav.campaigns'), children: <Link to={`/campaigns/${m.campaignId}`}>{t('messages.openCampaign')}</Link> }] : []),
        { key: 'created', label: t('messages.createdAt'), children: fmt.dateTime(m.createdAt) },
        { key: 'submitted', label: t('messages.submittedAt'), children: fmt.dateTime(m.submittedAt) },
        { key: 'done', label: t('messages.doneAt'), children: fmt.dateTime(m.doneAt) },
      ]} />
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('messages.carrierLog')}</Typography.Title>
      <ErrorAlert error={log.error} retry={log.reload} />
      {log.data && (log.data.entries.length === 0 ? <Empty description={t('messages.noLog')} /> : (
        <Timeline items={log.data.entries.map((e) => ({ color: e.direction === 'in' ? 'green' : 'blue', content: <><Typography.Text type="secondary">{fmt.dateTime(e.at)} · {e.direction}</Typography.Text><br /><Typography.Text code>{e.summary}</Typography.Text></> }))} />
      ))}
    </Drawer>
  );
}

function SendMessage({ open, onClose, onSent }: { open: boolean; onClose: () => void; onSent: () => void }) {
  const { t } = useI18n();
  const textCategories = useTextCategories();
  const [form] = Form.useForm<{ to: string; text: string; category: Category }>();
  const text = Form.useWatch('text', form);
  const category = Form.useWatch('category', form);
  const labels = { to: t('messages.to'), text: t('templates.text'), category: t('templates.category') };
  const { run, busy } = useAction({ labels });

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const to = pastedNumbers(v.to);
    const sent = await run(() => call('POST /api/v1/messages', { body: { to, text: v.text, category: v.category } }), (r) => {
      const accepted = r.messages.filter((m) => m.status !== 'excluded').length;
      return t('messages.sent', { accepted, excluded: r.messages.length - accepted });
    });
    if (sent) {
      form.resetFields();
      onSent();
    }
  }

  return (
    <Modal open={open} width={720} title={t('messages.send')} okText={t('campaigns.send')} cancelText={t('common.cancel')} onOk={submit} onCancel={onClose} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ category: 'notification' }}>
        <Form.Item name="to" label={labels.to} extra={t('messages.toHint')} rules={[{ required: true, message: t('messages.toRequired') }]}><Input.TextArea rows={2} /></Form.Item>
        <Form.Item name="category" label={labels.category}><Select options={textCategories.map((c) => ({ value: c, label: t(`category.${c}`) }))} /></Form.Item>
        <Form.Item name="text" label={labels.text} rules={[{ required: true, message: t('templates.textRequired') }]}><Input.TextArea rows={4} maxLength={2000} /></Form.Item>
      </Form>
      <TextPreview input={{ text, category }} />
    </Modal>
  );
}
