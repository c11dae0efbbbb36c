// For platform admins: replies that reached no tenant, to be given to the right one.
import { useState } from 'react';
import { Button, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Inbound = Response<'GET /api/v1/admin/inbound'>['messages'][number];

/** Inbound messages without a tenant, newest first, each with a tenant picker to assign it. */
export function Unattributed() {
  const { t, fmt } = useI18n();
  const data = useLoad(() => Promise.all([call('GET /api/v1/admin/inbound', { query: { limit: 200 } }), call('GET /api/v1/admin/tenants')]), []);
  const [list, tenants] = data.data ?? [];
  const tenantName = new Map((tenants?.tenants ?? []).map((x) => [x.id, x.name]));
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const { run } = useAction({ reload: data.reload });

  function assign(m: Inbound) {
    return run(() => call('POST /api/v1/admin/inbound/{id}/assign', { path: { id: m.id }, body: { tenant: chosen[m.id] } }), t('unattributed.assigned'));
  }

  return (
    <Page title={t('nav.unattributed')}>
      <Typography.Paragraph type="secondary">{t('unattributed.intro')}</Typography.Paragraph>
      <ErrorAlert error={data.error} retry={data.reload} />
      <Table<Inbound>
        rowKey="id"
        size="small"
        loading={data.loading && !data.data}
        dataSource={list?.messages}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('unattributed.empty')} /> }}
        columns={[
          { title: t('messages.createdAt'), dataIndex: 'receivedAt', render: (v: string) => fmt.dateTime(v) },
          { title: t('unattributed.from'), dataIndex: 'from' },
          { title: t('handsets.to'), dataIndex: 'to' },
          { title: t('templates.text'), dataIndex: 'text', render: (s: string) => <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{s}</Typography.Text> },
          { title: t('routes.tenant'), dataIndex: 'tenantId', render: (id: string | null) => (id ? tenantName.get(id) ?? id : <Tag color="orange">{t('unattributed.none')}</Tag>) },
          {
            title: '', key: 'assign',
            render: (_, m) => !m.tenantId && (
              <Space.Compact size="small">
                <Select size="small" style={{ width: 160 }} placeholder={t('tenant.pick')} value={chosen[m.id]} onChange={(slug: string) => setChosen({ ...chosen, [m.id]: slug })}
                  options={(tenants?.tenants ?? []).map((x) => ({ value: x.slug, label: x.name }))} />
                <Button size="small" disabled={!chosen[m.id]} onClick={() => assign(m)}>{t('unattributed.assign')}</Button>
              </Space.Compact>
            ),
          },
        ]}
      />
    </Page>
  );
}
