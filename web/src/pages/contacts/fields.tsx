// Custom contact fields: their keys, labels and types (imports add text fields for unknown columns).
import { useState } from 'react';
import { App, Button, Empty, Flex, Input, Select, Table } from 'antd';
import { call, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useLoad } from '../../ui/use-load.ts';

type Field = Response<'GET /api/v1/contact-fields'>['fields'][number];
const types: Field['type'][] = ['text', 'number', 'date', 'boolean'];

/** The field definitions with a row to add one. */
export function Fields() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/contact-fields'), []);
  const [draft, setDraft] = useState<{ key: string; label: string; type: Field['type'] }>({ key: '', label: '', type: 'text' });

  async function add() {
    try {
      await call('POST /api/v1/contact-fields', { body: { key: draft.key.trim(), label: draft.label.trim() || undefined, type: draft.type } });
      setDraft({ key: '', label: '', type: 'text' });
      list.reload();
    } catch (e) {
      message.error(describeError(e, t, { key: t('fields.key'), label: t('fields.label') }));
    }
  }

  return (
    <>
      <ErrorAlert error={list.error} retry={list.reload} />
      {session.can('manage') && (
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Input style={{ width: 160 }} placeholder={t('fields.key')} value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} />
          <Input style={{ width: 200 }} placeholder={t('fields.label')} value={draft.label} onChange={(e) => setDraft({ ...draft, label: e.target.value })} />
          <Select style={{ width: 140 }} value={draft.type} onChange={(type) => setDraft({ ...draft, type })} options={types.map((x) => ({ value: x, label: t(`fields.type.${x}`) }))} />
          <Button type="primary" disabled={!draft.key.trim()} onClick={add}>{t('fields.add')}</Button>
        </Flex>
      )}
      <Table<Field>
        rowKey="key"
        size="small"
        loading={list.loading}
        dataSource={list.data?.fields}
        pagination={false}
        locale={{ emptyText: <Empty description={t('fields.empty')} /> }}
        columns={[
          { title: t('fields.key'), dataIndex: 'key' },
          { title: t('fields.label'), dataIndex: 'label' },
          { title: t('fields.type'), dataIndex: 'type', render: (x: Field['type']) => t(`fields.type.${x}`) },
        ]}
      />
    </>
  );
}
