// Tenant settings: the general settings form, and tabs for users, API keys and the audit log.
import { useState } from 'react';
import { App, Button, Card, Form, Input, Radio, Select, Skeleton, Tabs } from 'antd';
import { call, type Body } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { languages, useI18n, type Lang } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useLoad } from '../../ui/use-load.ts';
import { Users } from '../users/users.tsx';
import { ApiKeys } from '../apikeys/apikeys.tsx';
import { AuditLog } from '../audit/audit.tsx';
import { Webhooks } from '../webhooks/webhooks.tsx';
import { SensitiveWords } from '../sensitive-words/sensitive-words.tsx';
import { Ledger } from '../billing/ledger.tsx';
import { countries } from './countries.ts';

type SettingsBody = Body<'PATCH /api/v1/tenant/settings'>;

/** The settings of the tenant; `tab` is the part shown (general, users, apikeys, webhooks, words, billing, audit). */
export function Settings({ tab }: { tab: string }) {
  const { t } = useI18n();
  const session = useSession();
  const manage = session.can('manage');
  const items = [
    { key: 'general', label: t('settings.general'), children: <General editable={manage} /> },
    ...(manage ? [
      { key: 'users', label: t('settings.users'), children: <Users /> },
      { key: 'apikeys', label: t('settings.apikeys'), children: <ApiKeys scope="tenant" /> },
      { key: 'webhooks', label: t('settings.webhooks'), children: <Webhooks /> },
      { key: 'words', label: t('settings.words'), children: <SensitiveWords scope="tenant" /> },
      { key: 'billing', label: t('settings.billing'), children: <Ledger /> },
      { key: 'audit', label: t('settings.audit'), children: <AuditLog scope="tenant" /> },
    ] : []),
  ];
  return (
    <Page title={t('nav.settings')}>
      <Tabs activeKey={items.some((i) => i.key === tab) ? tab : 'general'} items={items} onChange={(k) => navigate(k === 'general' ? '/settings' : `/settings/${k}`)} destroyOnHidden />
    </Page>
  );
}

function General({ editable }: { editable: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const [busy, setBusy] = useState(false);
  const labels = { signature: t('settings.signature'), signaturePosition: t('settings.signaturePosition'), defaultCountry: t('settings.defaultCountry'), timezone: t('settings.timezone'), languages: t('settings.languages') };

  if (!tenant.data) return tenant.error ? <ErrorAlert error={tenant.error} retry={tenant.reload} /> : <Skeleton active />;
  const s = tenant.data.settings;
  const initial: SettingsBody = {
    signature: typeof s.signature === 'string' ? s.signature : '',
    signaturePosition: s.signaturePosition === 'suffix' ? 'suffix' : 'prefix',
    defaultCountry: typeof s.defaultCountry === 'string' ? s.defaultCountry : undefined,
    timezone: typeof s.timezone === 'string' ? s.timezone : undefined,
    languages: Array.isArray(s.languages) ? (s.languages as Lang[]) : undefined,
  };
  const region = new Intl.DisplayNames([lang], { type: 'region' });

  async function save(v: SettingsBody) {
    setBusy(true);
    try {
      await call('PATCH /api/v1/tenant/settings', { body: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null)) as SettingsBody });
      message.success(t('common.saved'));
      tenant.reload();
    } catch (e) {
      message.error(describeError(e, t, labels));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <Form layout="vertical" initialValues={initial} onFinish={save} disabled={!editable} style={{ maxWidth: 560 }}>
        <Form.Item label={t('settings.name')}>
          <Input value={tenant.data.name} disabled />
        </Form.Item>
        <Form.Item name="signature" label={labels.signature} extra={t('settings.signatureHint')} rules={[{ max: 20 }]}>
          <Input placeholder="【公司】" maxLength={20} showCount />
        </Form.Item>
        <Form.Item name="signaturePosition" label={labels.signaturePosition}>
          <Radio.Group options={[{ value: 'prefix', label: t('settings.prefix') }, { value: 'suffix', label: t('settings.suffix') }]} />
        </Form.Item>
        <Form.Item name="defaultCountry" label={labels.defaultCountry} extra={t('settings.defaultCountryHint')}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={countries.map((c) => ({ value: c, label: `${region.of(c) ?? c} (${c})` }))} />
        </Form.Item>
        <Form.Item name="timezone" label={labels.timezone} extra={t('settings.timezoneHint')}>
          <Select showSearch options={Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z }))} />
        </Form.Item>
        <Form.Item name="languages" label={labels.languages} extra={t('settings.languagesHint')}>
          <Select mode="multiple" options={languages.map((l) => ({ value: l.lang, label: l.name }))} />
        </Form.Item>
        {editable && <Button type="primary" htmlType="submit" loading={busy}>{t('common.save')}</Button>}
      </Form>
    </Card>
  );
}
