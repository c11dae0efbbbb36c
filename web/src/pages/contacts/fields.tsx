// Custom contact fields: their keys, labels and types (imports add text fields for unknown columns); rename, delete.
import { useState } from 'react';
import { Button, Empty, Flex, Input, Popconfirm, Select, Space, Table } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';

type Field = Response<'GET /api/v1/contact-fields'>['fields'][number];
const types: Field['type'][] = ['text', 'number', 'date', 'boolean'];

/** The field definitions with a row to add one; managers rename a field's label or delete it. */
export function Fields() {
  const { t } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/contact-fields'), []);
  const [draft, setDraft] = useState<{ key: string; label: string; type: Field['type'] }>({ key: '', label: '', type: 'text' });
  const { run } = useAction({ reload: list.reload, labels: { key: t('fields.key'), label: t('fields.label') } });
  const [renaming, setRenaming] = useState<{ key: string; label: string }>();
  const manage = session.can('manage');

  async function add() {
    const added = await run(() => call('POST /api/v1/contact-fields', { body: { key: draft.key.trim(), label: draft.label.trim() || undefined, type: draft.type } }));
    if (added) setDraft({ key: '', label: '', type: 'text' });
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
          {
            title: t('fields.label'), dataIndex: 'label', render: (label: string, f) => (renaming?.key === f.key
              ? (
                <Space.Compact size="small">
                  <Input size="small" autoFocus value={renaming.label} maxLength={100} aria-label={t('fields.label')} onChange={(e) => setRenaming({ key: f.key, label: e.target.value })} />
                  <Button size="small" type="primary" disabled={!renaming.label.trim()}
                    onClick={async () => { if (await run(() => call('PATCH /api/v1/contact-fields/{key}', { path: { key: f.key }, body: { label: renaming.label.trim() } }), t('common.saved'))) setRenaming(undefined); }}>{t('common.save')}</Button>
                  <Button size="small" onClick={() => setRenaming(undefined)}>{t('common.cancel')}</Button>
                </Space.Compact>
              )
              : label),
          },
          { title: t('fields.type'), dataIndex: 'type', render: (x: Field['type']) => t(`fields.type.${x}`) },
          ...(manage ? [{
            key: 'actions', render: (_: unknown, f: Field) => (
              <Space size="small">
                <Button size="small" type="link" onClick={() => setRenaming({ key: f.key, label: f.label })}>{t('fields.rename')}</Button>
                <Popconfirm title={t('fields.deleteConfirm', { key: f.label })} okText={t('common.delete')} cancelText={t('common.cancel')}
                  onConfirm={() => run(() => call('DELETE /api/v1/contact-fields/{key}', { path: { key: f.key } }), t('common.saved'))}>
                  <Button size="small" type="link" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
    </>
  );
}
