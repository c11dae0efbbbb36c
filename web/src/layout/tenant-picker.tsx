// For platform admins: the tenant whose contacts, campaigns and settings the console works on.
import { Select } from 'antd';
import { call } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { useLoad } from '../ui/use-load.ts';

/** A searchable list of tenants; choosing one sends its slug as X-Tenant on every request. */
export function TenantPicker() {
  const { t } = useI18n();
  const session = useSession();
  const tenants = useLoad(() => call('GET /api/v1/admin/tenants'), []);
  const options = (tenants.data?.tenants ?? []).map((x) => ({ value: x.slug, label: `${x.name} (${x.slug})`, name: x.name }));
  return (
    <Select
      data-testid="tenant-picker"
      style={{ width: 200, maxWidth: '40vw' }}
      showSearch={{ optionFilterProp: 'label' }}
      allowClear
      loading={tenants.loading}
      placeholder={t('tenant.pick')}
      value={session.tenant?.slug}
      options={options}
      onOpenChange={(open) => { if (open) tenants.reload(); }}
      onChange={(slug?: string) => {
        const o = options.find((x) => x.value === slug);
        session.actOn(o ? { slug: o.value, name: o.name } : null);
      }}
    />
  );
}
