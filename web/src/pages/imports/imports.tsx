// Recent imports with their counters and the report of rejected rows.
import { App, Button, Empty, Table, Tag } from 'antd';
import { call, download, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useInterval } from '../../ui/use-interval.ts';
import { useLoad } from '../../ui/use-load.ts';

type Import = Response<'GET /api/v1/imports'>['imports'][number];
const colors = { queued: 'default', running: 'processing', done: 'success', failed: 'error' } as const;
/** The words for an import's state. */
export const importStates: Record<Import['status'], PlainKey> = { queued: 'imports.state.queued', running: 'imports.state.running', done: 'imports.state.done', failed: 'imports.state.failed' };

/** Downloads the CSV of an import's rejected rows. */
export function downloadReport(id: string, name: string): Promise<void> {
  return download('GET /api/v1/imports/{id}/report', `${name}-rejected.csv`, { path: { id } });
}

/** The imports table; refreshes while one runs. */
export function Imports() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const list = useLoad(() => call('GET /api/v1/imports'), []);
  useInterval(list.reload, 2000, !!list.data?.imports.some((i) => i.status === 'queued' || i.status === 'running'));
  return (
    <>
      <ErrorAlert error={list.error} retry={list.reload} />
      <Table<Import>
        rowKey="id"
        size="small"
        loading={list.loading && !list.data}
        dataSource={list.data?.imports}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('imports.empty')} /> }}
        columns={[
          { title: t('imports.file'), dataIndex: 'fileName' },
          { title: t('contacts.state'), dataIndex: 'status', render: (s: Import['status']) => <Tag color={colors[s]}>{t(importStates[s])}</Tag> },
          { title: t('imports.total'), dataIndex: 'total', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('imports.imported'), dataIndex: 'imported', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('imports.updated'), dataIndex: 'updated', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('imports.duplicates'), dataIndex: 'duplicates', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('imports.invalid'), dataIndex: 'invalid', align: 'right', render: (n: number) => fmt.number(n) },
          { title: t('messages.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmt.dateTime(v) },
          {
            title: '', key: 'report',
            render: (_, i) => i.invalid > 0 && <Button size="small" onClick={() => downloadReport(i.id, i.fileName).catch((e: unknown) => message.error(describeError(e, t)))}>{t('imports.report')}</Button>,
          },
        ]}
      />
    </>
  );
}
