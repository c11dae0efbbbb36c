// The blocklist of the tenant or the platform: numbers never messaged, with the reason.
import { useState } from 'react';
import { Button, Card, Empty, Flex, Input, Popconfirm, Table, Tag } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { pastedNumbers } from '../../ui/pasted-numbers.ts';

type Entry = Response<'GET /api/v1/blocklist'>['entries'][number];

/** Blocked numbers with a box to add more (one per line) and a reason. */
export function Blocklist({ scope }: { scope: 'tenant' | 'platform' }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => (scope === 'platform' ? call('GET /api/v1/admin/blocklist', { query: { limit: 500 } }) : call('GET /api/v1/blocklist', { query: { limit: 500 } })), [scope]);
  const [phones, setPhones] = useState('');
  const [reason, setReason] = useState('');
  const { run, busy } = useAction({ reload: list.reload, labels: { phones: t('blocklist.phones') } });

  async function add() {
    const numbers = pastedNumbers(phones);
    if (!numbers.length) return;
    const body = { phones: numbers, reason: reason.trim() || null };
    const added = await run(
      () => (scope === 'platform' ? call('POST /api/v1/admin/blocklist', { body }) : call('POST /api/v1/blocklist', { body })),
      (r) => t('blocklist.added', { count: r.blocked.length }),
    );
    if (added) { setPhones(''); setReason(''); }
  }

  function remove(phone: string) {
    return run(() => (scope === 'platform' ? call('DELETE /api/v1/admin/blocklist/{phone}', { path: { phone } }) : call('DELETE /api/v1/blocklist/{phone}', { path: { phone } })));
  }

  const body = (
    <Card>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Flex gap={8} wrap align="start" style={{ marginBottom: 16 }}>
        <Input.TextArea style={{ flex: 2, minWidth: 220 }} rows={2} value={phones} onChange={(e) => setPhones(e.target.value)} placeholder={t('blocklist.phones')} />
        <Input style={{ flex: 1, minWidth: 160 }} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('blocklist.reason')} maxLength={200} />
        <Button type="primary" loading={busy} onClick={add} data-testid="blocklist-add">{t('blocklist.add')}</Button>
      </Flex>
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.entries}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('blocklist.empty')} /> }}
        columns={[
          { title: t('contacts.phone'), dataIndex: 'phone', render: (p: string, e) => <>{p} {e.platform && scope === 'tenant' && <Tag>{t('nav.platform')}</Tag>}</> },
          { title: t('blocklist.reason'), dataIndex: 'reason' },
          { title: t('apikeys.created'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, e) => (scope === 'platform' || !e.platform) && (
              <Popconfirm title={t('blocklist.removeConfirm', { phone: e.phone })} okText={t('blocklist.remove')} cancelText={t('common.cancel')} onConfirm={() => remove(e.phone)}>
                <Button size="small">{t('blocklist.remove')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
  return scope === 'platform' ? <Page title={t('nav.blocklist')}>{body}</Page> : body;
}
