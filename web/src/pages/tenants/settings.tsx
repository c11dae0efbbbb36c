// Tenant settings: the general settings form, and tabs for users, API keys and the audit log.
import { Button, Card, Flex, Form, Input, InputNumber, Radio, Select, Skeleton, Switch, Tabs } from 'antd';
import { call, type Body } from '../../api.ts';
import { languages, useI18n, type Lang } from '../../i18n/index.tsx';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { Users } from '../users/users.tsx';
import { ApiKeys } from '../apikeys/apikeys.tsx';
import { AuditLog } from '../audit/audit.tsx';
import { Webhooks } from '../webhooks/webhooks.tsx';
import { SensitiveWords } from '../sensitive-words/sensitive-words.tsx';
import { Ledger } from '../billing/ledger.tsx';
import { Blocklist } from '../blocklist/blocklist.tsx';
import { countries } from './countries.ts';
import { TimeInput } from '../../ui/pickers.tsx';

type SettingsBody = Body<'PATCH /api/v1/tenant/settings'>;
type Category = 'verification' | 'notification' | 'marketing';
/** The form's shape: the settings, with quiet hours and the default cap as switch + fields. */
interface Values {
  signature?: string; signaturePosition: 'prefix' | 'suffix'; defaultCountry?: string; timezone?: string; languages?: Lang[];
  optOutTexts: Partial<Record<Lang, string>>; linkAllowList: string[];
  quiet: boolean; quietStart: string; quietEnd: string;
  cap: boolean; capMax: number; capDays: number; capCategory?: Category;
  requireMarketingConsent: boolean; doubleOptIn: boolean; refundPolicy: 'failed' | 'undelivered' | 'never'; marketingFreeText: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function valuesOf(s: Record<string, unknown>): Values {
  const quiet = s.quietHours as { start: string; end: string } | null | undefined;
  const cap = s.frequencyCap as { max: number; days: number; category?: Category } | null | undefined;
  return {
    signature: str(s.signature) || undefined,
    signaturePosition: s.signaturePosition === 'suffix' ? 'suffix' : 'prefix',
    defaultCountry: str(s.defaultCountry),
    timezone: str(s.timezone),
    languages: Array.isArray(s.languages) ? (s.languages as Lang[]) : undefined,
    optOutTexts: (s.optOutTexts ?? {}) as Partial<Record<Lang, string>>,
    linkAllowList: Array.isArray(s.linkAllowList) ? (s.linkAllowList as string[]) : [],
    quiet: quiet !== null, quietStart: quiet?.start ?? '21:00', quietEnd: quiet?.end ?? '08:00',
    cap: !!cap, capMax: cap?.max ?? 1, capDays: cap?.days ?? 14, capCategory: cap ? cap.category : 'marketing',
    requireMarketingConsent: s.requireMarketingConsent === true,
    doubleOptIn: s.doubleOptIn === true,
    refundPolicy: s.refundPolicy === 'undelivered' || s.refundPolicy === 'never' ? s.refundPolicy : 'failed',
    marketingFreeText: s.marketingFreeText === true,
  };
}

function bodyOf(v: Values): SettingsBody {
  const texts = Object.fromEntries(Object.entries(v.optOutTexts ?? {}).filter(([, x]) => x && x.trim()).map(([k, x]) => [k, x!.trim()]));
  return {
    signature: v.signature ?? '',
    signaturePosition: v.signaturePosition,
    ...(v.defaultCountry ? { defaultCountry: v.defaultCountry } : {}),
    ...(v.timezone ? { timezone: v.timezone } : {}),
    ...(v.languages ? { languages: v.languages } : {}),
    optOutTexts: texts,
    linkAllowList: v.linkAllowList,
    quietHours: v.quiet ? { start: v.quietStart, end: v.quietEnd } : null,
    frequencyCap: v.cap ? { max: v.capMax, days: v.capDays, ...(v.capCategory ? { category: v.capCategory } : {}) } : null,
    requireMarketingConsent: v.requireMarketingConsent,
    doubleOptIn: v.doubleOptIn,
    refundPolicy: v.refundPolicy,
    marketingFreeText: v.marketingFreeText,
  };
}

/** The settings of the tenant; `tab` is the part shown (general, users, apikeys, webhooks, words, blocklist, billing, audit). */
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
      { key: 'blocklist', label: t('nav.blocklist'), children: <Blocklist scope="tenant" /> },
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
  const { t, lang, setZone } = useI18n();
  const platform = useSession().role === 'platform';
  const tenant = useLoad(() => call('GET /api/v1/tenant'), []);
  const numbers = useLoad(() => call('GET /api/v1/service-numbers'), []);
  const signatures = useLoad(() => call('GET /api/v1/signatures'), []);
  const labels = { signature: t('settings.signature'), signaturePosition: t('settings.signaturePosition'), defaultCountry: t('settings.defaultCountry'), timezone: t('settings.timezone'), languages: t('settings.languages') };
  const { run, busy } = useAction({ reload: tenant.reload, labels });

  if (!tenant.data) return tenant.error ? <ErrorAlert error={tenant.error} retry={tenant.reload} /> : <Skeleton active />;
  const initial = valuesOf(tenant.data.settings);
  const region = new Intl.DisplayNames([lang], { type: 'region' });

  function save(v: Values) {
    return run(async () => {
      const saved = await call('PATCH /api/v1/tenant/settings', { body: bodyOf(v) });
      if (typeof saved.settings.timezone === 'string') setZone(saved.settings.timezone);
    }, t('common.saved'));
  }

  return (
    <Card>
      <Form<Values> layout="vertical" initialValues={initial} onFinish={save} disabled={!editable} style={{ maxWidth: 640 }}>
        <Form.Item label={t('settings.name')}>
          <Input value={tenant.data.name} disabled />
        </Form.Item>
        <Form.Item label={t('settings.sender')} extra={t('settings.senderHint')}>
          <Input value={numbers.data?.sender ?? t('settings.noSender')} disabled />
        </Form.Item>
        <Form.Item name="signature" label={labels.signature} extra={<>{t('settings.signatureHint')} <Link to="/signatures">{t('nav.signatures')}</Link></>}>
          {/* only approved signatures may be placed: the choice is among them (签名管理 applies for new ones) */}
          <Select allowClear placeholder="【公司】" loading={signatures.loading}
            options={(signatures.data?.signatures ?? []).filter((s) => s.status === 'approved').map((s) => ({ value: s.text, label: s.demo ? `${s.text} · ${t('signatures.demo')}` : s.text }))} />
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
        <Form.Item label={t('settings.optOutTexts')} extra={t('settings.optOutTextsHint')}>
          <Flex vertical gap={8}>
            {languages.map((l) => <Form.Item key={l.lang} name={['optOutTexts', l.lang]} noStyle><Input prefix={`${l.name}:`} maxLength={40} placeholder={t('settings.builtIn')} /></Form.Item>)}
          </Flex>
        </Form.Item>
        <Form.Item name="linkAllowList" label={t('settings.linkAllowList')} extra={t('settings.linkAllowListHint')}>
          <Select mode="tags" tokenSeparators={[',', ' ']} placeholder="example.com" />
        </Form.Item>
        <Form.Item label={t('settings.quietHours')} extra={t('settings.quietHoursHint')}>
          <Flex gap={8} align="center" wrap>
            <Form.Item name="quiet" valuePropName="checked" noStyle><Switch /></Form.Item>
            <Form.Item name="quietStart" noStyle><TimeInput style={{ width: 120 }} /></Form.Item>–
            <Form.Item name="quietEnd" noStyle><TimeInput style={{ width: 120 }} /></Form.Item>
          </Flex>
        </Form.Item>
        <Form.Item label={t('settings.frequencyCap')} extra={t('settings.frequencyCapHint')}>
          <Flex gap={8} align="center" wrap>
            <Form.Item name="cap" valuePropName="checked" noStyle><Switch /></Form.Item>
            {t('campaigns.capAtMost')}
            <Form.Item name="capMax" noStyle><InputNumber min={0} max={10000} /></Form.Item>
            {t('campaigns.capPer')}
            <Form.Item name="capDays" noStyle><InputNumber min={1} max={3660} /></Form.Item>
            {t('campaigns.capDays')}
            <Form.Item name="capCategory" noStyle>
              <Select allowClear placeholder={t('settings.anyCategory')} style={{ width: 160 }} options={(['verification', 'notification', 'marketing'] as const).map((c) => ({ value: c, label: t(`category.${c}`) }))} />
            </Form.Item>
          </Flex>
        </Form.Item>
        <Form.Item name="requireMarketingConsent" label={t('settings.requireConsent')} extra={t('settings.requireConsentHint')} valuePropName="checked"><Switch /></Form.Item>
        <Form.Item name="doubleOptIn" label={t('settings.doubleOptIn')} extra={t('settings.doubleOptInHint')} valuePropName="checked"><Switch /></Form.Item>
        <Form.Item name="refundPolicy" label={t('settings.refundPolicy')}>
          <Radio.Group options={(['failed', 'undelivered', 'never'] as const).map((r) => ({ value: r, label: t(`settings.refund.${r}`) }))} />
        </Form.Item>
        <Form.Item name="marketingFreeText" label={t('settings.marketingFreeText')} extra={t('settings.marketingFreeTextHint')} valuePropName="checked">
          <Switch disabled={!platform} />
        </Form.Item>
        {editable && <Button type="primary" htmlType="submit" loading={busy}>{t('common.save')}</Button>}
      </Form>
    </Card>
  );
}
