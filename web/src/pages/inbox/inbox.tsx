// The inbox: conversations with each number, the two-way thread, reply, assign, close, export.
import { useState } from 'react';
import { App, Badge, Button, Card, Col, Empty, Flex, Input, List, Row, Segmented, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { DownloadOutlined, SendOutlined } from '@ant-design/icons';
import { call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';
import { MessageStatus } from '../messages/status.tsx';
import { reasonText } from '../campaigns/labels.tsx';

type Conversation = Response<'GET /api/v1/inbox'>['conversations'][number];
type View = 'open' | 'unread' | 'mine' | 'closed';
const actions: Record<string, PlainKey> = { opt_out: 'inbox.action.opt_out', opt_in: 'inbox.action.opt_in', help: 'inbox.action.help', rule: 'inbox.action.rule', service: 'inbox.action.service', duplicate: 'inbox.action.duplicate', late: 'inbox.action.late' };

function queryOf(view: View, q: string) {
  return {
    q: q || undefined,
    status: view === 'closed' ? 'closed' as const : 'open' as const,
    unread: view === 'unread' ? 'true' as const : undefined,
    assigned: view === 'mine' ? 'me' : undefined,
  };
}

/** Conversations on the left (refreshed every five seconds), the chosen thread on the right. */
export function Inbox() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const [view, setView] = useState<View>('open');
  const [q, setQ] = useState('');
  const list = useLoad(() => call('GET /api/v1/inbox', { query: { ...queryOf(view, q), limit: 100 } }), [view, q]);
  useInterval(list.reload, 5000);
  const [open, setOpen] = useState<string>();

  async function exportAs(format: 'csv' | 'xlsx') {
    try {
      await download('GET /api/v1/inbox/export', `inbox.${format}`, { query: { ...queryOf(view, q), format } });
    } catch (e) {
      message.error(describeError(e, t));
    }
  }

  return (
    <Page title={<Space>{t('nav.inbox')}{!!list.data?.unread.messages && <Badge count={list.data.unread.messages} />}</Space>}
      extra={<><Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')}>XLSX</Button><Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')}>CSV</Button></>}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={9}>
          <Card size="small">
            <Segmented<View> block size="small" value={view} onChange={setView} style={{ marginBottom: 8 }}
              options={(['open', 'unread', 'mine', 'closed'] as const).map((v) => ({ value: v, label: t(`inbox.view.${v}`) }))} />
            <Input.Search allowClear placeholder={t('inbox.search')} onSearch={setQ} style={{ marginBottom: 8 }} />
            {!list.data ? <Skeleton active /> : (
              <List<Conversation> size="small" dataSource={list.data.conversations} locale={{ emptyText: <Empty description={t('inbox.empty')} /> }}
                renderItem={(c) => (
                  <List.Item onClick={() => setOpen(c.id)} style={{ cursor: 'pointer', background: c.id === open ? '#e6f4ff' : undefined, paddingInline: 8 }}>
                    <List.Item.Meta
                      title={<Flex justify="space-between" gap={8}><Badge count={c.unread} size="small" offset={[8, 0]}><span>{c.contactName ?? c.phone}</span></Badge><Typography.Text type="secondary" style={{ fontSize: 12 }}>{fmt.dateTime(c.lastAt)}</Typography.Text></Flex>}
                      description={<Typography.Text type="secondary" ellipsis>{c.lastDirection === 'out' ? '↩ ' : ''}{c.lastText}</Typography.Text>}
                    />
                  </List.Item>
                )} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={15}>
          {open ? <Thread key={open} id={open} onChanged={list.reload} /> : <Card><Empty description={t('inbox.choose')} /></Card>}
        </Col>
      </Row>
    </Page>
  );
}

function Thread({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t, fmt } = useI18n();
  const { message, modal } = App.useApp();
  const session = useSession();
  const c = useLoad(async () => {
    const r = await call('GET /api/v1/inbox/{id}', { path: { id }, query: { limit: 200 } });
    if (r.unread) { await call('POST /api/v1/inbox/{id}/read', { path: { id } }); onChanged(); }
    return r;
  }, [id]);
  useInterval(c.reload, 4000);
  const users = useLoad(() => (session.can('manage') ? call('GET /api/v1/users').then((r) => r.users) : Promise.resolve([])), []);
  const [text, setText] = useState('');
  const { run, busy } = useAction({ reload: () => { c.reload(); onChanged(); } });

  function change(body: { assignedTo?: string | null; status?: 'open' | 'closed' }) {
    return run(() => call('PATCH /api/v1/inbox/{id}', { path: { id }, body }));
  }

  async function reply() {
    if (!text.trim()) return;
    // an opted-out contact gets no reply (only verification codes): say so before sending, not after
    if (c.data?.contactOptedOutAt && !await modal.confirm({ title: t('inbox.optedOutConfirm'), okText: t('inbox.sendAnyway'), cancelText: t('common.cancel') })) return;
    const sent = await run(async () => {
      const r = await call('POST /api/v1/inbox/{id}/reply', { path: { id }, body: { text } });
      if (r.message.status === 'excluded') message.warning(t('inbox.replyExcludedBecause', { reason: reasonText(t, r.message.reason ?? '') }));
    });
    if (sent) setText('');
  }

  if (!c.data) return c.error ? <ErrorAlert error={c.error} retry={c.reload} /> : <Card><Skeleton active /></Card>;
  const x = c.data;
  const me = session.me.user.id;
  const assignOptions = [
    { value: '', label: t('inbox.nobody') },
    { value: me, label: t('inbox.me') },
    ...(users.data ?? []).filter((u) => u.id !== me).map((u) => ({ value: u.id, label: u.name || u.email })),
  ];
  return (
    <Card size="small" data-testid="thread" title={<Space wrap>{x.contactName ?? x.phone}{x.contactName && <Typography.Text type="secondary">{x.phone}</Typography.Text>}{x.status === 'closed' && <Tag>{t('inbox.closed')}</Tag>}{x.contactOptedOutAt && <Tag color="red" data-testid="thread-opted-out">{t('inbox.optedOutSince', { at: fmt.dateTime(x.contactOptedOutAt) })}</Tag>}</Space>}
      extra={session.can('send') && (
        <Space wrap>
          <Select size="small" style={{ width: 150 }} value={x.assignedTo ?? ''} options={assignOptions} onChange={(v: string) => change({ assignedTo: v || null })} />
          <Button size="small" onClick={() => change({ status: x.status === 'closed' ? 'open' : 'closed' })}>{x.status === 'closed' ? t('inbox.reopen') : t('inbox.close')}</Button>
        </Space>
      )}>
      <Flex vertical gap={8} style={{ maxHeight: 460, overflowY: 'auto', background: '#f5f5f5', padding: 12, borderRadius: 8 }}>
        {x.messages.length === 0 ? <Empty description={t('inbox.noMessages')} /> : [...x.messages].sort((a, b) => a.at.localeCompare(b.at)).map((m) => (
          <div key={m.id} style={{ alignSelf: m.direction === 'in' ? 'flex-start' : 'flex-end', maxWidth: '85%', background: m.direction === 'in' ? '#fff' : '#d9f7be', borderRadius: 8, padding: '6px 10px' }}>
            {m.text ? <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{m.text}</Typography.Paragraph>
              : m.status === 'excluded' && <Typography.Paragraph type="secondary" italic style={{ margin: 0 }} data-testid="excluded-reply">{t('inbox.notSentBecause', { reason: reasonText(t, m.reason ?? '') })}</Typography.Paragraph>}
            <Space size={4} wrap>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{fmt.dateTime(m.at)}</Typography.Text>
              {m.text && m.status === 'excluded' && m.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{reasonText(t, m.reason)}</Typography.Text>}
              {m.direction === 'out' && m.status && <MessageStatus status={m.status} />}
              {m.action && actions[m.action] && <Tag color={m.action === 'opt_out' ? 'red' : 'blue'}>{t(actions[m.action])}</Tag>}
              {m.linkId && <Tag data-testid="link-id">{t('inbox.linkId')} {m.linkId}</Tag>}
            </Space>
          </div>
        ))}
      </Flex>
      {session.can('send') && (
        <Flex gap={8} style={{ marginTop: 12 }}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} value={text} onChange={(e) => setText(e.target.value)} placeholder={x.contactOptedOutAt ? t('inbox.optedOutPlaceholder') : t('inbox.replyPlaceholder')} />
          <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={reply}>{t('handsets.reply')}</Button>
        </Flex>
      )}
    </Card>
  );
}
