// The guided editor of an automation: trigger → conditions → steps, as forms (no JSON boxes).
import { useState } from 'react';
import { Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Steps, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formValues } from '../../ui/form-values.ts';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { TimeInput } from '../../ui/pickers.tsx';

type Automation = Response<'GET /api/v1/automations'>['automations'][number];
type Input = Body<'POST /api/v1/automations'>;
type TriggerType = Input['trigger']['type'];
const triggerTypes: TriggerType[] = ['date', 'holiday', 'event', 'join', 'created'];
const contactSources = ['any', 'api', 'console', 'import', 'event', 'sms'] as const;
type ContactSource = Exclude<(typeof contactSources)[number], 'any'>;

interface StepForm { offsetDays?: number; at?: string; delayMinutes?: number; text: string }
interface EditorForm {
  name: string; category: 'notification' | 'marketing'; type: TriggerType;
  field?: string; calendar?: 'solar' | 'lunar'; calendarField?: string; leapMonth?: 'leap_if_present' | 'regular'; day30?: 'day29' | 'next_day'; feb29?: 'feb28' | 'mar1';
  festival?: string; shift?: 'none' | 'next_workday';
  eventType?: string; ttlHours?: number; suppressKey?: string; suppressDays?: number; anchor?: string; cancelOn?: string[]; createContact?: boolean;
  joinOf?: 'group' | 'subscription'; group?: string; subscription?: string; source?: ContactSource | 'any'; importName?: string; groups?: string[]; filter?: string; horizonDays?: number; steps: StepForm[];
}

const opt = <V extends string>(v: V | undefined | null | '') => (v ? v : undefined);

/** The body of the API from the form. */
function bodyOf(v: EditorForm): Input {
  const trigger = v.type === 'date'
    ? { type: 'date' as const, field: v.field!, calendar: v.calendar ?? 'solar', calendarField: opt(v.calendarField), leapMonth: v.leapMonth, day30: v.day30, feb29: v.feb29 }
    : v.type === 'holiday' ? { type: 'holiday' as const, festival: v.festival!, shift: v.shift ?? 'none' }
      : v.type === 'event' ? {
        type: 'event' as const, eventType: v.eventType!, ttlHours: v.ttlHours ?? undefined, anchor: opt(v.anchor), cancelOn: v.cancelOn ?? [], createContact: !!v.createContact,
        suppress: v.suppressKey && v.suppressDays ? { key: v.suppressKey, days: v.suppressDays } : undefined,
      }
        : v.type === 'join' ? (v.joinOf === 'subscription' ? { type: 'join' as const, subscription: v.subscription! } : { type: 'join' as const, group: v.group! })
          : { type: 'created' as const, ...(opt(v.importName) ? { importName: v.importName } : v.source && v.source !== 'any' ? { source: v.source } : {}) };
  return {
    name: v.name, category: v.category, trigger, horizonDays: v.horizonDays ?? 30,
    conditions: { ...(v.groups?.length ? { groups: v.groups } : {}), ...(v.filter ? { filter: v.filter } : {}) },
    steps: v.steps.map((s) => ({ offsetDays: s.offsetDays ?? 0, delayMinutes: s.delayMinutes ?? 0, text: s.text, ...(s.at ? { at: s.at } : {}) })),
  } as Input;
}

/** The form values of a saved automation. */
function formOf(a: Automation | undefined): EditorForm {
  if (!a) return { name: '', category: 'notification', type: 'date', field: 'birthday', calendar: 'solar', leapMonth: 'leap_if_present', day30: 'day29', feb29: 'feb28', shift: 'none', horizonDays: 30, steps: [{ offsetDays: 0, at: '09:00', text: '' }] };
  const tr = a.trigger as Record<string, any>;
  const c = a.conditions as { groups?: string[]; filter?: string };
  return {
    name: a.name, category: a.category as EditorForm['category'], type: tr.type, field: tr.field, calendar: tr.calendar, calendarField: tr.calendarField, leapMonth: tr.leapMonth, day30: tr.day30, feb29: tr.feb29,
    festival: tr.festival, shift: tr.shift, eventType: tr.eventType, ttlHours: tr.ttlHours, suppressKey: tr.suppress?.key, suppressDays: tr.suppress?.days, anchor: tr.anchor, cancelOn: tr.cancelOn, createContact: tr.createContact,
    joinOf: tr.subscription ? 'subscription' : 'group', group: tr.group, subscription: tr.subscription, source: tr.importName || tr.importId ? 'import' : tr.source ?? 'any', importName: tr.importName, groups: c.groups, filter: c.filter, horizonDays: a.horizonDays,
    steps: a.steps.map((s: Record<string, any>) => ({ offsetDays: s.offsetDays, at: s.at, delayMinutes: s.delayMinutes, text: s.text ?? '' })),
  };
}

/** Creates or replaces an automation in three steps. */
export function AutomationEditor({ automation, onClose, onSaved }: { automation?: Automation; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<EditorForm>();
  const [page, setPage] = useState(0);
  const type = Form.useWatch('type', form) ?? formOf(automation).type;
  const festivals = useLoad(() => call('GET /api/v1/automations/festivals'), []);
  const groups = useLoad(() => call('GET /api/v1/groups'), []);
  const lists = useLoad(() => call('GET /api/v1/services', { query: { type: 'subscription' } }), []);
  const joinOf = Form.useWatch('joinOf', form) ?? formOf(automation).joinOf;
  const labels = { name: t('automations.name'), trigger: t('automations.trigger'), steps: t('automations.steps'), field: t('automations.field'), festival: t('automations.festival') };
  const { run, busy } = useAction({ labels });
  const yearly = type === 'date' || type === 'holiday';

  async function submit() {
    const v = await formValues(form);
    if (!v) return;
    const body = bodyOf({ ...formOf(automation), ...form.getFieldsValue(true) as EditorForm });
    const saved = await run(() => (automation ? call('PUT /api/v1/automations/{id}', { path: { id: automation.id }, body }) : call('POST /api/v1/automations', { body })), t('common.saved'));
    if (saved) onSaved();
  }
  const groupOptions = (groups.data?.groups ?? []).map((g: { name: string }) => ({ value: g.name, label: g.name }));
  const listOptions = (lists.data?.services ?? []).filter((x) => (x.config as { mode?: string } | null)?.mode !== 'ondemand').map((x) => ({ value: x.name, label: x.name }));
  const select = <K extends string>(prefix: string, values: K[]) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as 'automations.feb29.feb28') }));

  return (
    <Modal open width={760} title={automation ? automation.name : t('automations.create')} onCancel={onClose}
      footer={<Space>
        {page > 0 && <Button onClick={() => setPage(page - 1)}>{t('automations.back')}</Button>}
        {page < 2 ? <Button type="primary" onClick={async () => { if (await formValues(form)) setPage(page + 1); }}>{t('automations.next')}</Button>
          : <Button type="primary" loading={busy} onClick={submit}>{t('common.save')}</Button>}
      </Space>}>
      <Steps size="small" current={page} style={{ marginBottom: 24 }} items={[{ title: t('automations.trigger') }, { title: t('automations.conditions') }, { title: t('automations.steps') }]} />
      <Form form={form} layout="vertical" requiredMark={false} initialValues={formOf(automation)} preserve>
        <div hidden={page !== 0}>
          <Form.Item name="name" label={labels.name} rules={[{ required: page === 0, whitespace: true, message: t('automations.nameRequired') }]}><Input maxLength={200} /></Form.Item>
          <Space wrap size="large">
            <Form.Item name="type" label={labels.trigger}><Select style={{ minWidth: 260 }} disabled={!!automation} options={select('automations.type', triggerTypes)} /></Form.Item>
            <Form.Item name="category" label={t('automations.category')}><Select style={{ minWidth: 160 }} options={[{ value: 'notification', label: t('category.notification') }, { value: 'marketing', label: t('category.marketing') }]} /></Form.Item>
          </Space>
          {type === 'date' && <>
            <Space wrap size="large">
              <Form.Item name="field" label={labels.field} extra={t('automations.fieldHint')} rules={[{ required: page === 0 }]}><Input style={{ width: 220 }} /></Form.Item>
              <Form.Item name="calendar" label={t('automations.calendar')}><Select style={{ width: 160 }} options={select('automations.calendar', ['solar', 'lunar'])} /></Form.Item>
            </Space>
            <Form.Item name="calendarField" label={t('automations.calendarField')} extra={t('automations.calendarFieldHint')}><Input style={{ width: 220 }} /></Form.Item>
            <Form.Item name="leapMonth" label={t('automations.leapMonth')}><Select options={select('automations.leapMonth', ['leap_if_present', 'regular'])} /></Form.Item>
            <Space wrap size="large">
              <Form.Item name="day30" label={t('automations.day30')}><Select style={{ width: 200 }} options={select('automations.day30', ['day29', 'next_day'])} /></Form.Item>
              <Form.Item name="feb29" label={t('automations.feb29')}><Select style={{ width: 200 }} options={select('automations.feb29', ['feb28', 'mar1'])} /></Form.Item>
            </Space>
          </>}
          {type === 'holiday' && <Space wrap size="large">
            <Form.Item name="festival" label={labels.festival} rules={[{ required: page === 0 }]}>
              <Select style={{ width: 260 }} showSearch optionFilterProp="label" loading={festivals.loading}
                options={(festivals.data?.festivals ?? []).map((f) => ({ value: f.key, label: `${lang === 'zh-CN' ? f.zh : f.en} · ${Object.values(f.dates)[0]}` }))} />
            </Form.Item>
            <Form.Item name="shift" label={t('automations.shift')}><Select style={{ width: 320 }} options={select('automations.shift', ['none', 'next_workday'])} /></Form.Item>
          </Space>}
          {type === 'event' && <>
            <Space wrap size="large">
              <Form.Item name="eventType" label={t('automations.eventType')} rules={[{ required: page === 0 }]}><Input style={{ width: 200 }} placeholder="renewal_due" /></Form.Item>
              <Form.Item name="ttlHours" label={t('automations.ttlHours')}><InputNumber min={1} /></Form.Item>
              <Form.Item name="anchor" label={t('automations.anchor')}><Input style={{ width: 160 }} placeholder="endsOn" /></Form.Item>
            </Space>
            <Space wrap size="large">
              <Form.Item name="suppressKey" label={t('automations.suppressKey')}><Input style={{ width: 160 }} placeholder="country" /></Form.Item>
              <Form.Item name="suppressDays" label={t('automations.suppressDays')}><InputNumber min={1} max={366} /></Form.Item>
              <Form.Item name="cancelOn" label={t('automations.cancelOn')}><Select mode="tags" style={{ minWidth: 200 }} placeholder="renewed" /></Form.Item>
            </Space>
            <Form.Item name="createContact" valuePropName="checked"><Checkbox>{t('automations.createContact')}</Checkbox></Form.Item>
          </>}
          {type === 'join' && <Space wrap size="large">
            <Form.Item name="joinOf" label={t('automations.joinOf')}><Select style={{ width: 200 }} options={select('automations.joinOf', ['group', 'subscription'])} /></Form.Item>
            {joinOf !== 'subscription'
              ? <Form.Item name="group" label={t('automations.group')} rules={[{ required: page === 0 }]}><Select style={{ width: 260 }} options={groupOptions} /></Form.Item>
              : <Form.Item name="subscription" label={t('automations.subscription')} rules={[{ required: page === 0 }]}><Select style={{ width: 260 }} options={listOptions} /></Form.Item>}
          </Space>}
          {type === 'created' && <Space wrap size="large">
            <Form.Item name="source" label={t('automations.source')}><Select style={{ width: 220 }} options={select('automations.source', [...contactSources])} /></Form.Item>
            <Form.Item name="importName" label={t('automations.importName')} extra={t('automations.importNameHint')}><Input style={{ width: 240 }} placeholder="会员*.csv" /></Form.Item>
          </Space>}
        </div>
        <div hidden={page !== 1}>
          <Form.Item name="groups" label={t('automations.groups')}><Select mode="multiple" options={groupOptions} /></Form.Item>
          <Form.Item name="filter" label={t('automations.filter')}><Input placeholder='city = "北京" and tag:vip' /></Form.Item>
          {yearly && <Form.Item name="horizonDays" label={t('automations.horizon')}><InputNumber min={1} max={366} /></Form.Item>}
        </div>
        <div hidden={page !== 2}>
          <Typography.Paragraph type="secondary">{t('automations.textHint')}</Typography.Paragraph>
          <Form.List name="steps">
            {(fields, { add, remove }) => <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ display: 'flex', marginBottom: 8 }}>
                  {type !== 'join' && type !== 'created' && <Form.Item name={[f.name, 'offsetDays']} label={t('automations.offsetDays')}><InputNumber min={-366} max={366} style={{ width: 110 }} /></Form.Item>}
                  <Form.Item name={[f.name, 'at']} label={t('automations.at')}><TimeInput style={{ width: 120 }} /></Form.Item>
                  {!yearly && <Form.Item name={[f.name, 'delayMinutes']} label={t('automations.delayMinutes')}><InputNumber min={0} style={{ width: 110 }} /></Form.Item>}
                  <Form.Item name={[f.name, 'text']} label={t('automations.text')} rules={[{ required: page === 2, whitespace: true, message: t('automations.textRequired') }]}><Input.TextArea rows={2} style={{ width: 320 }} maxLength={2000} /></Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined style={{ marginTop: 36 }} onClick={() => remove(f.name)} />}
                </Space>
              ))}
              {fields.length < 10 && <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ offsetDays: 0, text: '' })}>{t('automations.addStep')}</Button>}
            </>}
          </Form.List>
        </div>
      </Form>
    </Modal>
  );
}
