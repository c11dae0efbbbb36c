// The campaign builder: audience → message → schedule and send windows → pre-flight with exclusions and cost → start.
import { useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Flex, Form, Input, InputNumber, Radio, Row, Select, Skeleton, Steps, Switch, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { call, type Body, type Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { navigate } from '../../router.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Page } from '../../ui/page.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useLoad } from '../../ui/use-load.ts';
import { useTextCategories } from '../../ui/text-categories.ts';
import { TextPreview } from '../templates/preview.tsx';
import { categories, type Category } from '../templates/templates.tsx';
import { PreflightReport } from './preflight.tsx';
import { pastedNumbers } from '../../ui/pasted-numbers.ts';
import { DateTimeInput, TimeInput } from '../../ui/pickers.tsx';
import { autoPauseBounds, defaultAutoPause } from '../../../../src/domain/auto-pause.ts';

type Draft = Body<'POST /api/v1/campaigns'>;
type Preflight = Response<'POST /api/v1/campaigns/{id}/preflight'>;

interface Values {
  name: string;
  groups: string[];
  lists: string[];
  segment?: string;
  numbers?: string;
  filter?: string;
  mode: 'text' | 'template';
  text?: string;
  templateId?: string;
  category: Category;
  when: 'now' | 'at' | 'cron';
  at?: string;
  cron?: string;
  /** Zone of the cron schedule. */
  timezone: string;
  pacing: 'none' | 'perMinute' | 'spread';
  perMinute: number;
  spreadHours: number;
  windows: boolean;
  windowList: WindowValues[];
  cap: boolean;
  capMax: number;
  capDays: number;
  /** A rule of the campaign's own instead of the default auto-pause. */
  autoPause: boolean;
  /** The failure rate that pauses, in percent. */
  pauseRate: number;
  /** How many of the last finished messages the rate is taken over. */
  pauseSample: number;
}

/** One send window as the form edits it. */
interface WindowValues { days: number[]; start: string; end: string }

const weekdays = [1, 2, 3, 4, 5, 6, 7];
const newWindow: WindowValues = { days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' };

/** A rate (0–1) in percent, to one decimal. */
const percent = (rate: number) => Math.round(rate * 1000) / 10;

type Saved = Response<'GET /api/v1/campaigns/{id}'>;
type Options = NonNullable<Draft['options']> & { timezone?: string };
type Window = NonNullable<Options['sendWindows']>[number];

/** A stored send window ("09:00-20:00" or {days, start, end}) as the form's. */
function windowValues(w: Window): WindowValues {
  if (typeof w !== 'string') return { days: w.days ?? weekdays, start: w.start, end: w.end };
  const [start, end] = w.split(/[-–]/).map((x) => x.trim());
  return { days: weekdays, start, end };
}

/** A saved draft as the form's values. */
function valuesOf(c: Saved, toInput: (iso: string | null) => string, zone: string): Values {
  const a = c.audience as Draft['audience'];
  const o = (c.options ?? {}) as Options;
  return {
    name: c.name, groups: a.groups ?? [], lists: a.lists ?? [], segment: a.segment ?? undefined, filter: a.filter ?? undefined,
    numbers: (a.numbers ?? []).map((n) => (typeof n === 'string' ? n : n.phone)).join('\n') || undefined,
    mode: c.templateId ? 'template' : 'text', text: c.text ?? undefined, templateId: c.templateId ?? undefined, category: c.category as Category,
    when: c.cron ? 'cron' : c.scheduleAt ? 'at' : 'now', at: c.cron ? undefined : toInput(c.scheduleAt) || undefined,
    cron: c.cron ?? undefined, timezone: o.timezone ?? zone,
    pacing: o.perMinute ? 'perMinute' : o.spreadHours ? 'spread' : 'none', perMinute: o.perMinute ?? 600, spreadHours: o.spreadHours ?? 4,
    windows: !!o.sendWindows?.length, windowList: o.sendWindows?.length ? o.sendWindows.map(windowValues) : [newWindow],
    cap: !!o.frequencyCap, capMax: o.frequencyCap?.max ?? 1, capDays: o.frequencyCap?.days ?? 14,
    autoPause: !!o.autoPause, pauseRate: percent((o.autoPause ?? defaultAutoPause).failureRate), pauseSample: (o.autoPause ?? defaultAutoPause).minSample,
  };
}

/** The draft to save: the form's values over the options the console does not edit. */
function draftOf(v: Values, fromInput: (local: string | undefined) => string | undefined, saved?: Saved): Draft {
  const numbers = pastedNumbers(v.numbers);
  const kept = (saved?.options ?? {}) as Options;
  const { sendWindows: _w, frequencyCap: _c, perMinute: _m, spreadHours: _h, timezone: _z, autoPause: _a, ...otherOptions } = kept;
  return {
    name: v.name.trim(),
    audience: {
      ...(v.groups.length ? { groups: v.groups } : {}),
      ...(v.lists.length ? { lists: v.lists } : {}),
      ...(v.segment ? { segment: v.segment } : {}),
      ...(numbers.length ? { numbers } : {}),
      ...(v.filter?.trim() ? { filter: v.filter.trim() } : {}),
    },
    ...(v.mode === 'template' ? { templateId: v.templateId } : { text: v.text }),
    category: v.category,
    ...(v.when === 'at' && fromInput(v.at) ? { scheduleAt: fromInput(v.at) } : {}),
    ...(v.when === 'cron' && v.cron?.trim() ? { cron: v.cron.trim(), timezone: v.timezone } : {}),
    options: {
      ...otherOptions,
      ...(v.pacing === 'perMinute' ? { perMinute: v.perMinute } : v.pacing === 'spread' ? { spreadHours: v.spreadHours } : {}),
      ...(v.windows && v.windowList.length ? { sendWindows: v.windowList.map((w) => ({ days: w.days, start: w.start, end: w.end })) } : {}),
      ...(v.cap ? { frequencyCap: { max: v.capMax, days: v.capDays } } : {}),
      ...(v.autoPause ? { autoPause: { failureRate: v.pauseRate / 100, minSample: v.pauseSample } } : {}),
    },
  };
}

/** Builds a campaign step by step and starts it after the pre-flight check; with `draftId`, edits that draft. */
export function CampaignBuilder({ draftId }: { draftId?: string }) {
  const { t, fmt, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [id, setId] = useState<string | undefined>(draftId);
  const saved = useLoad(async () => {
    if (!draftId) return undefined;
    return call('GET /api/v1/campaigns/{id}', { path: { id: draftId } });
  }, [draftId]);
  const [preflight, setPreflight] = useState<Preflight>();
  const templates = useLoad(() => call('GET /api/v1/templates'), []);
  const textCategories = useTextCategories();
  const audiences = useLoad(() => Promise.all([call('GET /api/v1/groups'), call('GET /api/v1/segments'), call('GET /api/v1/services', { query: { type: 'subscription' } })]), []);
  const [groupList, segmentList, serviceList] = audiences.data ?? [];
  const lists = (serviceList?.services ?? []).filter((x) => (x.config as { mode?: string } | null)?.mode !== 'ondemand');
  const v = Form.useWatch([], form) as Values | undefined;
  const dayName = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }); // the days are given as UTC dates
  const labels = {
    name: t('campaigns.name'), 'audience.numbers': t('campaigns.numbers'), 'audience.filter': t('campaigns.filter'), text: t('templates.text'), templateId: t('campaigns.template'), scheduleAt: t('campaigns.at'),
    cron: t('campaigns.cron'), timezone: t('campaigns.timezone'), 'options.perMinute': t('campaigns.pacingMax'), 'options.spreadHours': t('campaigns.spreadHours'), 'options.sendWindows': t('campaigns.windows'),
    'options.autoPause.failureRate': t('campaigns.autoPauseRate'), 'options.autoPause.minSample': t('campaigns.autoPauseSample'),
  };
  const stepFields: (keyof Values)[][] = [['name', 'groups', 'lists', 'segment', 'numbers', 'filter'], ['mode', 'text', 'templateId', 'category'], ['when', 'at', 'cron', 'timezone', 'pacing', 'perMinute', 'spreadHours', 'windows', 'windowList', 'cap', 'capMax', 'capDays', 'autoPause', 'pauseRate', 'pauseSample']];
  const { run, busy } = useAction({ labels });

  async function next() {
    await form.validateFields(stepFields[step]);
    if (step < 2) { setStep(step + 1); return; }
    await run(async () => {
      const body = draftOf(form.getFieldsValue(true) as Values, fmt.fromInput, saved.data);
      const stored = id ? await call('PUT /api/v1/campaigns/{id}', { path: { id }, body }) : await call('POST /api/v1/campaigns', { body });
      setId(stored.id);
      setPreflight(await call('POST /api/v1/campaigns/{id}/preflight', { path: { id: stored.id } }));
      setStep(3);
    });
  }

  async function start() {
    const started = await run(() => call('POST /api/v1/campaigns/{id}/start', { path: { id: id! } }), t('campaigns.started'));
    if (started) navigate(`/campaigns/${id}`, true);
  }

  const usable = (templates.data?.templates ?? []).filter((x) => x.usable);
  const chosen = usable.find((x) => x.id === v?.templateId);
  const fromImport = new URLSearchParams(location.search).get('group');
  const initial: Values = saved.data ? valuesOf(saved.data, fmt.toInput, fmt.zone) : {
    name: '', groups: fromImport ? [fromImport] : [], lists: [], mode: 'text', category: 'notification', when: 'now', timezone: fmt.zone,
    pacing: 'none', perMinute: 600, spreadHours: 4, windows: false, windowList: [newWindow], cap: false, capMax: 1, capDays: 14,
    autoPause: false, pauseRate: percent(defaultAutoPause.failureRate), pauseSample: defaultAutoPause.minSample,
  };

  if (draftId && !saved.data) return saved.error ? <ErrorAlert error={saved.error} retry={saved.reload} /> : <Skeleton active />;
  if (saved.data && saved.data.status !== 'draft') return <Alert type="info" showIcon title={t('campaigns.notDraft')} action={<Button onClick={() => navigate(`/campaigns/${saved.data!.id}`)}>{t('campaigns.open')}</Button>} />;

  return (
    <Page title={draftId ? t('campaigns.edit') : t('campaigns.create')}>
      <Steps current={step} style={{ marginBottom: 24 }} items={[
        { title: t('campaigns.stepAudience') }, { title: t('campaigns.stepMessage') }, { title: t('campaigns.stepSchedule') }, { title: t('campaigns.stepPreflight') },
      ]} />
      <Card>
        <Form form={form} layout="vertical" initialValues={initial} requiredMark={false}>
          <div style={{ display: step === 0 ? 'block' : 'none' }}>
            <Form.Item name="name" label={labels.name} rules={[{ required: true, whitespace: true, message: t('campaigns.nameRequired') }]}><Input maxLength={200} /></Form.Item>
            <Form.Item name="groups" label={t('contacts.groups')}>
              <Select mode="multiple" allowClear options={(groupList?.groups ?? []).map((g) => ({ value: g.name, label: `${g.name} (${fmt.number(g.size)})` }))} data-testid="audience-groups" />
            </Form.Item>
            <Form.Item name="lists" label={t('campaigns.lists')} extra={t('campaigns.listsHint')}>
              <Select mode="multiple" allowClear options={lists.map((x) => ({ value: x.id, label: x.name }))} data-testid="audience-lists" />
            </Form.Item>
            <Form.Item name="segment" label={t('nav.segments')}>
              <Select allowClear options={(segmentList?.segments ?? []).map((x) => ({ value: x.id, label: x.name }))} />
            </Form.Item>
            <Form.Item name="numbers" label={labels['audience.numbers']} extra={t('campaigns.numbersHint', { count: pastedNumbers(v?.numbers).length })}
              rules={[{ validator: (_, s) => (pastedNumbers(s as string).length || form.getFieldValue('filter') || form.getFieldValue('groups')?.length || form.getFieldValue('lists')?.length || form.getFieldValue('segment') ? Promise.resolve() : Promise.reject(new Error(t('campaigns.audienceRequired')))) }]}>
              <Input.TextArea rows={6} placeholder={'+8613800138000\n13900139000'} />
            </Form.Item>
            <Form.Item name="filter" label={labels['audience.filter']} extra={t('campaigns.filterHint')}>
              <Input placeholder='tag:vip and city = "北京"' />
            </Form.Item>
          </div>
          <div style={{ display: step === 1 ? 'block' : 'none' }}>
            <Row gutter={24}>
              <Col xs={24} lg={12}>
                <Form.Item name="mode">
                  <Radio.Group optionType="button" options={[{ value: 'text', label: t('campaigns.writeText') }, { value: 'template', label: t('campaigns.useTemplate') }]} />
                </Form.Item>
                {v?.mode === 'template' ? (
                  <Form.Item name="templateId" label={labels.templateId} extra={usable.length ? undefined : t('campaigns.noTemplates')} rules={[{ required: step === 1, message: t('campaigns.templateRequired') }]}>
                    <Select options={usable.map((x) => ({ value: x.id, label: `${x.name} · ${t(`category.${x.category}`)}` }))}
                      onChange={(tid: string) => { const x = usable.find((u) => u.id === tid); if (x) form.setFieldValue('category', x.category); }} />
                  </Form.Item>
                ) : (
                  <Form.Item name="text" label={labels.text} extra={t('templates.textHint')} rules={[{ required: step === 1, message: t('templates.textRequired') }]}>
                    <Input.TextArea rows={6} maxLength={2000} />
                  </Form.Item>
                )}
                <Form.Item name="category" label={t('templates.category')} extra={t('templates.categoryHint')}>
                  <Select disabled={v?.mode === 'template'} options={(v?.mode === 'template' ? categories : textCategories).map((c) => ({ value: c, label: t(`category.${c}`) }))} />
                </Form.Item>
              </Col>
              <Col xs={24} lg={12}>
                <Typography.Title level={5}>{t('preview.title')}</Typography.Title>
                <TextPreview input={v?.mode === 'template' ? { templateId: chosen?.id } : { text: v?.text, category: v?.category }} />
              </Col>
            </Row>
          </div>
          <div style={{ display: step === 2 ? 'block' : 'none' }}>
            <Form.Item name="when" label={t('campaigns.when')}>
              <Radio.Group options={[{ value: 'now', label: t('campaigns.now') }, { value: 'at', label: t('campaigns.at') }, { value: 'cron', label: t('campaigns.repeat') }]} />
            </Form.Item>
            {v?.when === 'at' && (
              <Form.Item name="at" label={t('campaigns.atTime')} rules={[{ required: step === 2, message: t('campaigns.atRequired') }]} extra={t('campaigns.atZone', { zone: fmt.zone })}>
                <DateTimeInput style={{ maxWidth: 260 }} />
              </Form.Item>
            )}
            {v?.when === 'cron' && (
              <Flex gap={16} wrap>
                <Form.Item name="cron" label={labels.cron} extra={t('campaigns.cronHint')} rules={[{ required: step === 2, whitespace: true, message: t('campaigns.cronRequired') }]}>
                  <Input placeholder="0 10 * * 1" style={{ width: 220, fontFamily: 'monospace' }} />
                </Form.Item>
                <Form.Item name="timezone" label={labels.timezone} extra={t('campaigns.timezoneHint')}>
                  <Select showSearch style={{ width: 240 }} options={Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z }))} />
                </Form.Item>
              </Flex>
            )}
            <Form.Item name="pacing" label={t('campaigns.pacing')} extra={t('campaigns.pacingHint')}>
              <Radio.Group options={[{ value: 'none', label: t('campaigns.pacingNone') }, { value: 'perMinute', label: t('campaigns.pacingRate') }, { value: 'spread', label: t('campaigns.pacingSpread') }]} />
            </Form.Item>
            {v?.pacing === 'perMinute' && (
              <Form.Item name="perMinute" label={labels['options.perMinute']} extra={t('campaigns.perSecond', { tps: fmt.number(Math.round(((v.perMinute ?? 0) / 60) * 10) / 10) })}>
                <InputNumber min={1} max={10_000_000} precision={0} suffix={t('campaigns.perMinuteUnit')} style={{ width: 220 }} />
              </Form.Item>
            )}
            {v?.pacing === 'spread' && (
              <Form.Item name="spreadHours" label={labels['options.spreadHours']}>
                <InputNumber min={0.1} max={720} step={0.5} suffix={t('campaigns.hoursUnit')} style={{ width: 220 }} />
              </Form.Item>
            )}
            <Form.Item name="windows" label={t('campaigns.windows')} valuePropName="checked" extra={t('campaigns.windowsHint')}><Switch /></Form.Item>
            {v?.windows && (
              <Form.List name="windowList">
                {(fields, { add, remove }) => <div style={{ marginBottom: 24 }}>
                  {fields.map((f, i) => (
                    <Flex key={f.key} gap={16} wrap align="center" style={{ marginBottom: 8 }} data-testid={`send-window-${i}`}>
                      <Form.Item name={[f.name, 'days']} noStyle><Checkbox.Group options={weekdays.map((d) => ({ value: d, label: dayName.format(new Date(Date.UTC(2024, 0, d))) }))} /></Form.Item>
                      <Form.Item name={[f.name, 'start']} noStyle><TimeInput style={{ width: 130 }} aria-label={t('campaigns.windowStart')} /></Form.Item>
                      <span>–</span>
                      <Form.Item name={[f.name, 'end']} noStyle><TimeInput style={{ width: 130 }} aria-label={t('campaigns.windowEnd')} /></Form.Item>
                      {fields.length > 1 && <Button type="text" icon={<MinusCircleOutlined />} aria-label={t('campaigns.windowRemove')} onClick={() => remove(f.name)} />}
                    </Flex>
                  ))}
                  {fields.length < 50 && <Button icon={<PlusOutlined />} onClick={() => add({ ...newWindow })}>{t('campaigns.windowAdd')}</Button>}
                </div>}
              </Form.List>
            )}
            <Form.Item name="cap" label={t('campaigns.cap')} valuePropName="checked"><Switch /></Form.Item>
            {v?.cap && (
              <Flex gap={8} wrap align="center">
                {t('campaigns.capAtMost')}
                <Form.Item name="capMax" noStyle><InputNumber min={0} max={10000} /></Form.Item>
                {t('campaigns.capPer')}
                <Form.Item name="capDays" noStyle><InputNumber min={1} max={3660} /></Form.Item>
                {t('campaigns.capDays')}
              </Flex>
            )}
            <Form.Item name="autoPause" label={t('campaigns.autoPause')} valuePropName="checked" style={{ marginTop: 24 }}
              extra={t('campaigns.autoPauseHint', { sample: fmt.number(defaultAutoPause.minSample), rate: `${percent(defaultAutoPause.failureRate)}%` })}><Switch data-testid="auto-pause" /></Form.Item>
            {v?.autoPause && (
              <Flex gap={8} wrap align="center">
                {t('campaigns.autoPauseLast')}
                <Form.Item name="pauseSample" noStyle><InputNumber min={autoPauseBounds.minSample.min} max={autoPauseBounds.minSample.max} precision={0} aria-label={t('campaigns.autoPauseSample')} /></Form.Item>
                {t('campaigns.autoPauseFinished')}
                <Form.Item name="pauseRate" noStyle>
                  <InputNumber min={percent(autoPauseBounds.failureRate.min)} max={percent(autoPauseBounds.failureRate.max)} precision={1} suffix="%" aria-label={t('campaigns.autoPauseRate')} />
                </Form.Item>
                {t('campaigns.autoPauseThen')}
              </Flex>
            )}
          </div>
        </Form>
        {step === 3 && preflight && <PreflightReport p={preflight} />}
        <Flex gap={8} justify="end" style={{ marginTop: 24 }}>
          {step > 0 && <Button onClick={() => setStep(step - 1)} disabled={busy}>{t('campaigns.back')}</Button>}
          {step < 3 && <Button type="primary" loading={busy} onClick={next}>{step === 2 ? t('campaigns.check') : t('campaigns.next')}</Button>}
          {step === 3 && <Button type="primary" loading={busy} disabled={!preflight?.sufficient || !preflight.queued && !preflight.deferred} onClick={start}>{v?.when === 'at' ? t('campaigns.schedule') : t('campaigns.send')}</Button>}
        </Flex>
        {step === 3 && id && <Typography.Paragraph type="secondary" style={{ textAlign: 'right', marginTop: 8 }}>{t('campaigns.draftSaved', { total: fmt.number(preflight?.total ?? 0) })}</Typography.Paragraph>}
      </Card>
    </Page>
  );
}
