// A contact's consent records per purpose, with their evidence; record a new consent or withdraw one.
import { useState } from 'react';
import { Button, Flex, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Consent = Response<'GET /api/v1/contacts/{id}/consents'>['consents'][number];
type Purpose = Consent['purpose'];
const purposes: Purpose[] = ['marketing', 'notification'];

/** The consents of contact `id`; `editable` shows the record and withdraw controls. */
export function Consents({ id, editable }: { id: string; editable: boolean }) {
  const { t, fmt } = useI18n();
  const list = useLoad(() => call('GET /api/v1/contacts/{id}/consents', { path: { id } }), [id]);
  const [purpose, setPurpose] = useState<Purpose>('marketing');
  const [source, setSource] = useState('');
  const { run } = useAction({ reload: list.reload, labels: { source: t('consents.source') } });

  return (
    <>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Consent>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.consents}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('consents.empty') }}
        columns={[
          { title: t('consents.purpose'), dataIndex: 'purpose', render: (p: Purpose) => t(`category.${p}`) },
          { title: t('contacts.state'), dataIndex: 'status', render: (s: Consent['status'], c) => (s === 'granted' ? <Tag color="green">{t('consents.granted')}</Tag> : <Tag>{t('consents.withdrawnAt', { at: fmt.dateTime(c.withdrawnAt) })}</Tag>) },
          { title: t('consents.source'), dataIndex: 'source', render: (s: string, c) => <>{s}{c.keyword && <Typography.Text type="secondary"> · {c.keyword}</Typography.Text>}</> },
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'actions',
            render: (_, c) => editable && c.status === 'granted' && (
              <Popconfirm title={t('consents.withdrawConfirm')} okText={t('consents.withdraw')} cancelText={t('common.cancel')}
                onConfirm={() => run(() => call('DELETE /api/v1/contacts/{id}/consents/{purpose}', { path: { id, purpose: c.purpose } }), t('common.saved'))}>
                <Button size="small">{t('consents.withdraw')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      {editable && (
        <Flex gap={8} wrap style={{ marginTop: 8 }}>
          <Select size="small" style={{ width: 140 }} value={purpose} onChange={setPurpose} options={purposes.map((p) => ({ value: p, label: t(`category.${p}`) }))} />
          <Input size="small" style={{ flex: 1, minWidth: 160 }} value={source} onChange={(e) => setSource(e.target.value)} placeholder={t('consents.sourcePlaceholder')} />
          <Button size="small" disabled={!source.trim()} onClick={() => { void run(() => call('POST /api/v1/contacts/{id}/consents', { path: { id }, body: { purpose, source: source.trim() } }), t('common.saved')); setSource(''); }}>{t('consents.record')}</Button>
        </Flex>
      )}
    </>
  );
}
