// Virtual handsets of the built-in virtual carrier: what each phone received and sent, and replying as that phone.
import { useState } from 'react';
import { Button, Card, Col, Empty, Flex, Input, List, Result, Row, Skeleton, Typography } from 'antd';
import { MobileOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { ApiError, call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';

/** A handset's number as the rest of the console writes numbers: international, with its "+". */
function shown(number: string): string {
  return /^\d+$/.test(number) ? `+${number}` : number;
}

/** Handsets on the left, the chosen phone's conversation and a reply box on the right; refreshes every two seconds. */
export function Handsets() {
  const { t } = useI18n();
  const list = useLoad(() => call('GET /api/v1/simulator/handsets'), []);
  const [number, setNumber] = useState<string>();
  /** The address a handset created here texts first (the tenant's own service number). */
  const [firstTo, setFirstTo] = useState<Record<string, string>>({});
  const session = useSession();
  const { run, busy } = useAction();
  useInterval(list.reload, 3000, !(list.error instanceof ApiError && list.error.code === 'unavailable'));

  async function create() {
    await run(async () => {
      const made = await call('POST /api/v1/simulator/handsets');
      if (made.to) setFirstTo((m) => ({ ...m, [made.number]: made.to! }));
      setNumber(made.number);
      list.reload();
    }, t('handsets.created'));
  }

  if (list.error instanceof ApiError && list.error.code === 'unavailable') {
    return <Page title={t('nav.handsets')}><Result status="info" title={t('handsets.unavailable')} subTitle={t('handsets.unavailableHint')} /></Page>;
  }
  const numbers = list.data?.handsets ?? [];
  return (
    <Page title={t('nav.handsets')}>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Typography.Paragraph type="secondary">{t('handsets.intro')}</Typography.Paragraph>
      {session.tenant && <Typography.Paragraph type="secondary">{t('handsets.createHint')}</Typography.Paragraph>}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card size="small" title={t('handsets.phones')} extra={session.can('send') && session.tenant ? (
            <Button size="small" icon={<PlusOutlined />} loading={busy} onClick={create} data-testid="handset-create">{t('handsets.create')}</Button>
          ) : null}>
            {!list.data ? <Skeleton active /> : (
              <List size="small" dataSource={numbers} locale={{ emptyText: <Empty description={t('handsets.empty')} /> }}
                renderItem={(n) => (
                  <List.Item onClick={() => setNumber(n)} style={{ cursor: 'pointer', background: n === number ? '#e6f4ff' : undefined, paddingInline: 8 }}>
                    <Typography.Text><MobileOutlined /> {shown(n)}</Typography.Text>
                  </List.Item>
                )} />
            )}
          </Card>
        </Col>
        <Col xs={24} md={16}>
          {number ? <Phone key={number} number={number} firstTo={firstTo[number]} /> : <Card><Empty description={t('handsets.choose')} /></Card>}
        </Col>
      </Row>
    </Page>
  );
}

function Phone({ number, firstTo }: { number: string; firstTo?: string }) {
  const { t, fmt } = useI18n();
  const session = useSession();
  const inbox = useLoad(() => call('GET /api/v1/simulator/handsets/{number}', { path: { number } }), [number]);
  useInterval(inbox.reload, 2000);
  const messages = inbox.data?.messages ?? [];
  const last = messages.findLast((m) => m.direction === 'received')?.from ?? firstTo ?? '';
  const [to, setTo] = useState<string>();
  const [text, setText] = useState('');
  const { run, busy } = useAction();

  async function send() {
    if (!text.trim() || !(to ?? last)) return;
    const sent = await run(() => call('POST /api/v1/simulator/mo', { body: { from: number, to: to ?? last, text } }), t('handsets.sent'));
    if (sent) setText('');
  }

  return (
    <Card size="small" title={<><MobileOutlined /> {shown(number)}</>} data-testid="handset">
      <ErrorAlert error={inbox.error} retry={inbox.reload} />
      <Flex vertical gap={8} style={{ minHeight: 200, maxHeight: 420, overflowY: 'auto', background: '#f5f5f5', padding: 12, borderRadius: 8 }}>
        {!inbox.data ? <Skeleton active /> : messages.length === 0 ? <Empty description={t('handsets.nothing')} /> : messages.map((m, i) => {
          const sent = m.direction === 'sent';
          return (
            <div key={i} data-testid={sent ? 'handset-sent' : 'handset-received'}
              style={{ alignSelf: sent ? 'flex-end' : 'flex-start', maxWidth: '85%', background: sent ? '#d9f7be' : '#fff', borderRadius: 8, padding: '6px 10px', boxShadow: '0 1px 2px rgba(0,0,0,0.08)' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {sent ? `${t('handsets.to')}: ${m.to}` : m.from} · {fmt.dateTime(m.receivedAt)}{m.parts > 1 ? ` · ${t('handsets.parts', { parts: m.parts })}` : ''}
                {!sent && <> · <span data-testid="protocol">{t('handsets.via', { protocol: m.protocol.toUpperCase() })}</span></>}
              </Typography.Text>
              <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{m.text}</Typography.Paragraph>
            </div>
          );
        })}
      </Flex>
      {session.can('send') && (
        <Flex gap={8} wrap style={{ marginTop: 12 }}>
          <Input style={{ width: 180 }} prefix={`${t('handsets.to')}:`} value={to ?? last} onChange={(e) => setTo(e.target.value)} placeholder="1069…" />
          <Input style={{ flex: 1, minWidth: 160 }} value={text} onChange={(e) => setText(e.target.value)} onPressEnter={send} placeholder={t('handsets.replyPlaceholder')} data-testid="handset-reply" />
          <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={send}>{t('handsets.reply')}</Button>
        </Flex>
      )}
    </Card>
  );
}
