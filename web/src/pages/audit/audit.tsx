// The audit log of the tenant or of the platform, newest first, with names instead of ids where known.
import { useEffect, useState } from 'react';
import { Button, Empty, Table, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { actionKeys } from './labels.ts';

type Entry = Response<'GET /api/v1/audit'>['entries'][number];
const pageSize = 50;

/** An action's name: its own, else composed from its noun and verb; null when neither is known. */
function actionName(action: string, t: ReturnType<typeof useI18n>['t']): string | null {
  const keys = actionKeys(action);
  if (!keys) return null;
  return 'own' in keys ? t(keys.own) : t('audit.compose', { noun: t(keys.noun), verb: t(keys.verb) });
}

/** Loads the names of users, keys and tenants that audit entries refer to by id. */
async function names(scope: 'tenant' | 'platform', me: { id: string; email: string }): Promise<Map<string, string>> {
  const out = new Map<string, string>([[me.id, me.email]]);
  const keys = scope === 'platform' ? call('GET /api/v1/admin/apikeys') : call('GET /api/v1/apikeys');
  const [k, others] = await Promise.all([
    keys,
    scope === 'platform'
      ? call('GET /api/v1/admin/tenants').then((r) => r.tenants.map((x) => [x.id, `${x.name} (${x.slug})`] as const))
      : call('GET /api/v1/users').then((r) => r.users.map((x) => [x.id, x.email] as const)),
  ]);
  for (const x of k.keys) out.set(x.id, `${x.name} (${x.prefix}…)`);
  for (const [id, name] of others) out.set(id, name);
  return out;
}

/** The audit log table with "load older" paging. */
export function AuditLog({ scope }: { scope: 'tenant' | 'platform' }) {
  const { t, fmt } = useI18n();
  const session = useSession();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [lookup, setLookup] = useState<Map<string, string>>(new Map());
  const [more, setMore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();

  async function load(before?: string) {
    setLoading(true);
    setError(undefined);
    try {
      const query = { limit: pageSize, before };
      const r = scope === 'platform' ? await call('GET /api/v1/admin/audit', { query }) : await call('GET /api/v1/audit', { query });
      setEntries((old) => (before ? [...old, ...r.entries] : r.entries));
      setMore(r.next);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load();
    names(scope, session.me.user).then(setLookup, () => undefined);
  }, [scope]);

  const who = (id: string | null) => (id ? lookup.get(id) ?? id : '');
  const body = (
    <>
      <ErrorAlert error={error} retry={() => load(more ?? undefined)} />
      <Table<Entry>
        rowKey="id"
        loading={loading}
        dataSource={entries}
        scroll={{ x: 'max-content' }}
        pagination={false}
        size="small"
        locale={{ emptyText: <Empty description={t('audit.empty')} /> }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
          { title: t('audit.action'), dataIndex: 'action', render: (a: string) => actionName(a, t) ?? <Typography.Text code>{a}</Typography.Text> },
          { title: t('audit.actor'), dataIndex: 'actorId', render: (id: string | null, e) => <><Tag>{t(`audit.actor.${e.actorType as 'user' | 'apikey' | 'cli' | 'system'}`)}</Tag>{who(id)}</> },
          { title: t('audit.target'), dataIndex: 'target', render: (id: string | null) => who(id) },
          { title: t('audit.details'), dataIndex: 'details', render: (d: unknown) => details(d) },
          { title: t('audit.ip'), dataIndex: 'ip' },
        ]}
      />
      {more && <Button onClick={() => load(more ?? undefined)} loading={loading} style={{ marginTop: 16 }}>{t('audit.older')}</Button>}
    </>
  );
  return scope === 'platform' ? <Page title={t('nav.platformAudit')}>{body}</Page> : body;
}

function details(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('; ');
}
