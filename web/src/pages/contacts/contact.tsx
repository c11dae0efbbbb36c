// One contact: what the number is, the name and custom fields (editable), tags, groups, and the opt-out state.
import { useState } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Flex, Form, Input, Popconfirm, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { call, type Response } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { formatPhone } from '../../ui/phone.ts';
import { carrierName } from '../../ui/carrier.ts';
import { Consents } from '../consents/consents.tsx';
import { FieldInputs, fieldValuesOf, formValueOf } from './field-inputs.tsx';

type Contact = Response<'GET /api/v1/contacts/{id}'>;

/** A drawer with the contact `id`; `onChanged` refreshes the list behind it. */
export function ContactDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t, fmt, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const c = useLoad(() => call('GET /api/v1/contacts/{id}', { path: { id } }), [id]);
  const groups = useLoad(() => call('GET /api/v1/groups'), []);
  const [tag, setTag] = useState('');
  const [form] = Form.useForm<{ name: string; fields?: Record<string, unknown> }>();
  const defs = useLoad(() => call('GET /api/v1/contact-fields'), []);
  const mayEdit = session.can('import');
  const region = new Intl.DisplayNames([lang], { type: 'region' });

  const { run } = useAction({ reload: () => { c.reload(); onChanged(); } });

  const x: Contact | undefined = c.data;
  const place = x ? [x.province, x.city].filter(Boolean).join(' ') || x.region : '';
  return (
    <Drawer open size={Math.min(640, window.innerWidth)} title={x ? x.name || formatPhone(x.phone) : ''} onClose={onClose}
      extra={x && session.can('manage') && (
        <Popconfirm title={t('contacts.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')}
          onConfirm={() => call('DELETE /api/v1/contacts/{id}', { path: { id } }).then(() => { onChanged(); onClose(); }, (e: unknown) => message.error(describeError(e, t)))}>
          <Button danger>{t('common.delete')}</Button>
        </Popconfirm>
      )}>
      <ErrorAlert error={c.error} retry={c.reload} />
      {!x ? <Skeleton active /> : (
        <div data-testid="contact">
          {x.optedOutAt
            ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('contacts.optedOutAt', { at: fmt.dateTime(x.optedOutAt) })}
                description={x.optedOutChannel ? t('contacts.optedOutVia', { channel: x.optedOutChannel }) : undefined}
                action={mayEdit && <Button size="small" onClick={() => run(() => call('DELETE /api/v1/contacts/{id}/opt-out', { path: { id } }), t('common.saved'))}>{t('contacts.optIn')}</Button>} />
            : mayEdit && <Button size="small" style={{ marginBottom: 16 }} onClick={() => run(() => call('POST /api/v1/contacts/{id}/opt-out', { path: { id }, body: {} }), t('common.saved'))}>{t('contacts.optOut')}</Button>}
          <Descriptions size="small" column={1} items={[
            { key: 'phone', label: t('contacts.phone'), children: <span title={x.phone}>{formatPhone(x.phone)}</span> },
            { key: 'carrier', label: t('routes.carrier'), children: carrierName(x.carrier, lang, '—') },
            { key: 'place', label: t('contacts.place'), children: [x.country ? region.of(x.country) : null, place].filter(Boolean).join(' · ') || '—' },
            { key: 'tz', label: t('settings.timezone'), children: x.timezone ?? '—' },
            { key: 'messaged', label: t('contacts.lastMessaged'), children: fmt.dateTime(x.lastMessagedAt) },
            { key: 'replied', label: t('contacts.lastReplied'), children: fmt.dateTime(x.lastRepliedAt) },
            // values of fields that are no longer defined stay readable here; the defined ones are edited below
            ...Object.entries(x.fields).filter(([k]) => !defs.data?.fields.some((d) => d.key === k)).map(([k, v]) => ({ key: `f-${k}`, label: k, children: v === null ? '—' : String(v) })),
          ]} />
          <Form form={form} layout="vertical" key={`${x.updatedAt}-${defs.data ? 1 : 0}`} style={{ marginTop: 16 }} disabled={!mayEdit} data-testid="contact-form"
            initialValues={{ name: x.name ?? '', fields: Object.fromEntries((defs.data?.fields ?? []).map((d) => [d.key, formValueOf(Object.hasOwn(x.fields, d.key) ? x.fields[d.key] : undefined)])) }}
            onFinish={(v) => run(() => call('PATCH /api/v1/contacts/{id}', { path: { id }, body: { name: v.name || null, fields: fieldValuesOf(defs.data?.fields ?? [], v.fields ?? {}) } }), t('common.saved'))}>
            <Form.Item name="name" label={t('contacts.name')}><Input maxLength={200} /></Form.Item>
            {(defs.data?.fields.length ?? 0) > 0 && <Typography.Text strong>{t('contacts.fields')}</Typography.Text>}
            <FieldInputs defs={defs.data?.fields ?? []} />
            {mayEdit && <Button htmlType="submit">{t('common.save')}</Button>}
          </Form>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('contacts.tags')}</Typography.Title>
          <Flex gap={8} wrap>
            {x.tags.map((g) => <Tag key={g} closable={mayEdit} onClose={(e) => { e.preventDefault(); void run(() => call('DELETE /api/v1/contacts/{id}/tags/{tag}', { path: { id, tag: g } })); }}>{g}</Tag>)}
            {mayEdit && (
              <Space.Compact size="small">
                <Input size="small" value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('contacts.newTag')} style={{ width: 120 }} />
                <Button size="small" disabled={!tag.trim()} onClick={() => { void run(() => call('POST /api/v1/contacts/{id}/tags', { path: { id }, body: { tags: [tag.trim()] } })); setTag(''); }}>+</Button>
              </Space.Compact>
            )}
          </Flex>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('contacts.groups')}</Typography.Title>
          <Select mode="multiple" style={{ width: '100%' }} disabled={!mayEdit} value={x.groups}
            options={(groups.data?.groups ?? []).map((g) => ({ value: g.name, label: g.name }))}
            onSelect={(name: string) => { const g = groups.data?.groups.find((y) => y.name === name); if (g) void run(() => call('POST /api/v1/groups/{id}/members', { path: { id: g.id }, body: { contactIds: [id] } })); }}
            onDeselect={(name: string) => { const g = groups.data?.groups.find((y) => y.name === name); if (g) void run(() => call('DELETE /api/v1/groups/{id}/members', { path: { id: g.id }, body: { contactIds: [id] } })); }} />
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('consents.title')}</Typography.Title>
          <Consents id={id} editable={mayEdit} />
        </div>
      )}
    </Drawer>
  );
}
