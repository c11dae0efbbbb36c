// Automations: the list with their state, and the guided editor (trigger → conditions → steps).
import { useState } from 'react';
import { Alert, Button, Card, Empty, Popconfirm, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { AutomationEditor } from './editor.tsx';
import { statusColor, triggerSummary } from './labels.ts';

type Automation = Response<'GET /api/v1/automations'>['automations'][number];

/** The tenant's automations. */
export function Automations() {
  const { t, fmt } = useI18n();
  const session = useSession();
  const list = useLoad(() => call('GET /api/v1/automations'), []);
  const [editing, setEditing] = useState<Automation | 'new'>();
  const { run } = useAction({ reload: list.reload });
  const editable = session.can('manage');
  const sender = session.can('send');

  return (
    <Page title={t('nav.automations')} extra={editable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('automations.create')}</Button>}>
      {list.data?.calendarWarning && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={list.data.calendarWarning} />}
      <ErrorAlert error={list.error} retry={list.reload} />
      <Card>
        <Table<Automation>
          rowKey="id" loading={list.loading} dataSource={list.data?.automations ?? []} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('automations.empty')} /> }}
          columns={[
            { title: t('automations.name'), dataIndex: 'name', render: (n: string, a) => <Link to={`/automations/${a.id}`}>{n}</Link> },
            { title: t('automations.trigger'), key: 'trigger', render: (_, a) => triggerSummary(t, a.trigger) },
            { title: t('automations.status'), dataIndex: 'status', render: (s: string) => <Tag color={statusColor[s]}>{t(`automations.status.${s}` as 'automations.status.on')}</Tag> },
            { title: t('automations.steps'), key: 'steps', align: 'right', render: (_, a) => fmt.number(a.steps.length) },
            { title: t('keywords.active'), dataIndex: 'activatedAt', render: (v: string | null) => fmt.dateTime(v) },
            {
              title: '', key: 'actions',
              render: (_, a) => (
                <Space>
                  {sender && a.status !== 'on' && <Button size="small" type="primary" onClick={() => run(() => call('POST /api/v1/automations/{id}/on', { path: { id: a.id } }), t('common.saved'))}>{t('automations.turnOn')}</Button>}
                  {sender && a.status === 'on' && <Button size="small" onClick={() => run(() => call('POST /api/v1/automations/{id}/pause', { path: { id: a.id } }), t('common.saved'))}>{t('automations.pause')}</Button>}
                  {editable && <Button size="small" onClick={() => setEditing(a)}>{t('automations.edit')}</Button>}
                  {editable && (
                    <Popconfirm title={t('automations.deleteConfirm', { name: a.name })} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => run(() => call('DELETE /api/v1/automations/{id}', { path: { id: a.id } }))}>
                      <Button size="small" danger>{t('common.delete')}</Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {editing && <AutomationEditor automation={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); list.reload(); }} />}
    </Page>
  );
}
