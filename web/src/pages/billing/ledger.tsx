// The balance ledger: every top-up, reservation, charge and refund, newest first.
import { useEffect, useState } from 'react';
import { Button, Empty, Table, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';

type Entry = Response<'GET /api/v1/ledger'>['entries'][number];
const pageSize = 50;
const kinds: Record<string, PlainKey> = {
  topup: 'ledger.kind.topup', reserve: 'ledger.kind.reserve', release: 'ledger.kind.release', refund: 'ledger.kind.refund', adjust: 'ledger.kind.adjust',
};

/** The tenant's own ledger, or (for platform admins) the ledger of the tenant with id `tenantId`. */
export function Ledger({ tenantId }: { tenantId?: string }) {
  const { t, fmt } = useI18n();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [more, setMore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();

  async function load(before?: string) {
    setLoading(true);
    try {
      const query = { limit: pageSize, before };
      const r = tenantId ? await call('GET /api/v1/admin/tenants/{id}/ledger', { path: { id: tenantId }, query }) : await call('GET /api/v1/ledger', { query });
      setEntries((old) => (before ? [...old, ...r.entries] : r.entries));
      setMore(r.next);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => { void load(); }, [tenantId]);

  return (
    <>
      <ErrorAlert error={error} retry={() => load()} />
      <Table<Entry>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={entries}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('ledger.empty')} /> }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
          { title: t('ledger.kind'), dataIndex: 'kind', render: (k: string) => (kinds[k] ? t(kinds[k]) : k) },
          { title: t('ledger.amount'), dataIndex: 'amount', align: 'right', render: (a: string) => <Typography.Text type={a.startsWith('-') ? 'danger' : 'success'}>{fmt.money(a)}</Typography.Text> },
          { title: t('ledger.balanceAfter'), dataIndex: 'balanceAfter', align: 'right', render: (a: string) => fmt.money(a) },
          { title: t('ledger.note'), key: 'note', render: (_, e) => (e.campaignId && !tenantId ? <Link to={`/campaigns/${e.campaignId}`}>{e.note ?? t('ledger.campaign')}</Link> : e.note) },
        ]}
      />
      {more && <Button style={{ marginTop: 16 }} loading={loading} onClick={() => load(more ?? undefined)}>{t('audit.older')}</Button>}
    </>
  );
}
