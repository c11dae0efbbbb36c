// The audit log of the tenant or of the platform, newest first, with names instead of ids where known.
import { useEffect, useState } from 'react';
import { Button, Empty, Table, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';

type Entry = Response<'GET /api/v1/audit'>['entries'][number];
const pageSize = 50;

/** What a recorded action is called where composing its noun and verb would not say it well; others see actionName. */
const actions: Record<string, PlainKey> = {
  'signin': 'audit.signin',
  'signin.failed': 'audit.signinFailed',
  'apikey.create': 'audit.apikeyCreate',
  'apikey.revoke': 'audit.apikeyRevoke',
  'user.create': 'audit.userCreate',
  'user.role': 'audit.userRole',
  'user.disable': 'audit.userDisable',
  'user.enable': 'audit.userEnable',
  'user.password': 'audit.userPassword',
  'user.reset_password': 'audit.userResetPassword',
  'tenant.create': 'audit.tenantCreate',
  'tenant.update': 'audit.tenantUpdate',
  'tenant.settings': 'audit.tenantSettings',
  'bootstrap': 'audit.bootstrap',
  'signature.apply': 'audit.signatureApply',
  'signature.approve': 'audit.signatureApprove',
  'signature.reject': 'audit.signatureReject',
  'signature.default': 'audit.signatureDefault',
  'signature.delete': 'audit.signatureDelete',
  'marketing.suspend': 'audit.marketingSuspend',
  'marketing.lift': 'audit.marketingLift',
  'complaints.policy': 'audit.complaintsPolicy',
  'complaints.tenantPolicy': 'audit.complaintsTenantPolicy',
};

/** What an action's noun is called (the action's code without its last part). */
const nouns: Record<string, PlainKey> = {
  'apikey': 'audit.noun.apikey',
  'automation': 'audit.noun.automation',
  'automation.occurrence': 'audit.noun.automationOccurrence',
  'balance': 'audit.noun.balance',
  'blocklist': 'audit.noun.blocklist',
  'campaign': 'audit.noun.campaign',
  'channel': 'audit.noun.channel',
  'complaints': 'audit.noun.complaints',
  'consent': 'audit.noun.consent',
  'contact': 'audit.noun.contact',
  'contact_field': 'audit.noun.contactField',
  'group': 'audit.noun.group',
  'holidays': 'audit.noun.holidays',
  'import': 'audit.noun.import',
  'inbound': 'audit.noun.inbound',
  'inbox': 'audit.noun.inbox',
  'keywords': 'audit.noun.keywords',
  'keywords.rule': 'audit.noun.keywordsRule',
  'marketing': 'audit.noun.marketing',
  'route': 'audit.noun.route',
  'segment': 'audit.noun.segment',
  'sensitive_words': 'audit.noun.sensitiveWords',
  'service': 'audit.noun.service',
  'service.member': 'audit.noun.serviceMember',
  'service_number': 'audit.noun.serviceNumber',
  'signature': 'audit.noun.signature',
  'smpp_account': 'audit.noun.smppAccount',
  'template': 'audit.noun.template',
  'tenant': 'audit.noun.tenant',
  'user': 'audit.noun.user',
  'webhook': 'audit.noun.webhook',
};
/** What an action's verb is called (the last part of its code). */
const verbs: Record<string, PlainKey> = {
  create: 'audit.verb.create',
  update: 'audit.verb.update',
  'delete': 'audit.verb.delete',
  start: 'audit.verb.start',
  pause: 'audit.verb.pause',
  resume: 'audit.verb.resume',
  cancel: 'audit.verb.cancel',
  approve: 'audit.verb.approve',
  reject: 'audit.verb.reject',
  submit: 'audit.verb.submit',
  open: 'audit.verb.open',
  close: 'audit.verb.close',
  on: 'audit.verb.on',
  off: 'audit.verb.off',
  add: 'audit.verb.add',
  remove: 'audit.verb.remove',
  revoke: 'audit.verb.revoke',
  extension: 'audit.verb.extension',
  test: 'audit.verb.test',
  settings: 'audit.verb.settings',
  grant: 'audit.verb.grant',
  withdraw: 'audit.verb.withdraw',
  erase: 'audit.verb.erase',
  opt_in: 'audit.verb.optIn',
  opt_out: 'audit.verb.optOut',
  subject_export: 'audit.verb.subjectExport',
  assign: 'audit.verb.assign',
  seed: 'audit.verb.seed',
  replace: 'audit.verb.replace',
  adjust: 'audit.verb.adjust',
  rotate_secret: 'audit.verb.rotateSecret',
  endpoint_secret: 'audit.verb.endpointSecret',
  table: 'audit.verb.table',
  'default': 'audit.verb.default',
  apply: 'audit.verb.apply',
  disable: 'audit.verb.disable',
  enable: 'audit.verb.enable',
  password: 'audit.verb.password',
  reset_password: 'audit.verb.resetPassword',
  role: 'audit.verb.role',
  lift: 'audit.verb.lift',
  suspend: 'audit.verb.suspend',
  policy: 'audit.verb.policy',
  tenantPolicy: 'audit.verb.tenantPolicy',
  double_opt_in: 'audit.verb.doubleOptIn',
  put: 'audit.verb.put',
};

/** An action's name: its own, else composed from its noun and verb (`campaign.pause` → 暂停群发活动); null when neither is known. */
function actionName(action: string, t: ReturnType<typeof useI18n>['t']): string | null {
  if (actions[action]) return t(actions[action]);
  const dot = action.lastIndexOf('.');
  const noun = nouns[action.slice(0, dot)];
  const verb = verbs[action.slice(dot + 1)];
  return dot > 0 && noun && verb ? t('audit.compose', { noun: t(noun), verb: t(verb) }) : null;
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
