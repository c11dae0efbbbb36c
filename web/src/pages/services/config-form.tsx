// The guided form of each service type's rules (no JSON boxes), and how its values become the API's config.
import { Button, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { call } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useLoad } from '../../ui/use-load.ts';

/** The service types the console creates. */
export const serviceTypeNames = ['inquiry', 'subscription', 'poll', 'survey', 'quiz', 'teamchat', 'lottery', 'codes'] as const;
/** One of the service types. */
export type ServiceTypeName = (typeof serviceTypeNames)[number];

/** Form values of a service's rules, as the form holds them. */
export type ConfigValues = Record<string, unknown> & {
  options?: { name: string; key?: string }[];
  prizes?: { name: string; count?: number; points?: number; gift?: string; substitutePoints?: number }[];
  questions?: { text: string; kind?: string; options?: string[]; min?: number; max?: number; answer?: string; aliases?: string[]; points?: number; attempts?: number; next?: string }[];
};

const clean = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''));

/** The config the API takes for a type, from the form's values (question ids q1, q2… in order). */
export function configOf(type: ServiceTypeName, v: ConfigValues): Record<string, unknown> {
  const base = clean({ ...v, options: undefined, questions: undefined, prizes: undefined });
  if (type === 'lottery') return { ...base, prizes: (v.prizes ?? []).map((p) => clean(p)) };
  if (type === 'poll') return { ...base, options: (v.options ?? []).map((o) => clean(o)) };
  if (type === 'survey') {
    return {
      ...base,
      questions: (v.questions ?? []).map((q, i) => clean({
        id: `q${i + 1}`, text: q.text, kind: q.kind ?? 'text', min: q.min, max: q.max, next: q.next,
        options: q.kind === 'choice' ? (q.options ?? []).map((name) => ({ name })) : undefined,
      })),
    };
  }
  if (type === 'quiz') {
    return { ...base, questions: (v.questions ?? []).map((q, i) => clean({ id: `q${i + 1}`, text: q.text, answer: q.answer, aliases: q.aliases, points: q.points, attempts: q.attempts })) };
  }
  return base;
}

/** The fields of a type's rules, under the form's `config` name. */
export function ConfigFields({ type }: { type: ServiceTypeName }) {
  const { t } = useI18n();
  const item = (name: string | (string | number)[], label: string, child: React.ReactNode, extra?: string, required = false) => (
    <Form.Item name={['config', ...(Array.isArray(name) ? name : [name])]} label={label} extra={extra} rules={required ? [{ required: true, message: t('services.required') }] : undefined}>{child}</Form.Item>
  );
  const timing = (
    <Space wrap>
      {item('maxRetries', t('services.maxRetries'), <InputNumber min={0} max={10} placeholder="2" />)}
      {item('remindAfterMinutes', t('services.remindAfter'), <InputNumber min={0} placeholder="60" />)}
      {item('expireAfterMinutes', t('services.expireAfter'), <InputNumber min={1} placeholder="1440" />)}
    </Space>
  );
  if (type === 'inquiry') {
    return (
      <>
        {item('source', t('services.inquiry.source'), <Select options={[{ value: 'table', label: t('services.inquiry.sourceTable') }, { value: 'endpoint', label: t('services.inquiry.sourceEndpoint') }]} placeholder={t('services.inquiry.sourceTable')} />)}
        {item('endpoint', t('services.inquiry.endpoint'), <Input placeholder="https://erp.example.com/sms-lookup" />, t('services.inquiry.endpointHint'))}
        {item('found', t('services.inquiry.found'), <Input.TextArea rows={2} placeholder="单号{{单号}}：{{状态}}" />, t('services.inquiry.foundHint'), true)}
        {item('notFound', t('services.inquiry.notFound'), <Input placeholder="未找到“{{arg}}”的记录" />)}
        {item('error', t('services.inquiry.error'), <Input placeholder="查询服务暂时不可用，请稍后再试。" />)}
      </>
    );
  }
  if (type === 'subscription') {
    return (
      <>
        {item('mode', t('services.subscription.mode'), <Select options={[{ value: 'list', label: t('services.subscription.list') }, { value: 'ondemand', label: t('services.subscription.ondemand') }]} />)}
        {item('leaveKeywords', t('services.subscription.leave'), <Select mode="tags" tokenSeparators={[',', '，']} placeholder="QXTQ" />)}
        {item('days', t('services.subscription.days'), <InputNumber min={0} placeholder="0" />, t('services.subscription.daysHint'))}
        {item('joined', t('services.subscription.joined'), <Input placeholder="订阅成功！回复{{leave}}取消订阅。" />)}
      </>
    );
  }
  if (type === 'poll') {
    return (
      <>
        {item('question', t('services.poll.question'), <Input maxLength={500} />, undefined, true)}
        <Form.List name={['config', 'options']}>
          {(fields, { add, remove }) => (
            <Form.Item label={t('services.poll.options')} extra={t('services.poll.optionsHint')}>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'key']}><Input style={{ width: 70 }} placeholder={String(i + 1)} /></Form.Item>
                  <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: t('services.required') }]}><Input placeholder={t('services.poll.optionName')} /></Form.Item>
                  <MinusCircleOutlined aria-label={t('common.delete')} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '' })}>{t('services.poll.addOption')}</Button>
            </Form.Item>
          )}
        </Form.List>
        <Space wrap size="large">
          {item('period', t('services.poll.period'), <Select style={{ width: 160 }} options={['once', 'day', 'week', 'month'].map((p) => ({ value: p, label: t(`services.poll.period.${p}` as 'services.poll.period.once') }))} />)}
          <Form.Item name={['config', 'allowChange']} label={t('services.poll.allowChange')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name={['config', 'showStanding']} label={t('services.poll.showStanding')} valuePropName="checked"><Switch /></Form.Item>
        </Space>
      </>
    );
  }
  if (type === 'lottery') {
    return (
      <>
        <Space wrap>
          {item('mode', t('services.lottery.mode'), <Select style={{ width: 160 }} options={['draw', 'instant'].map((m) => ({ value: m, label: t(`services.lottery.mode.${m}` as 'services.lottery.mode.draw') }))} placeholder={t('services.lottery.mode.draw')} />)}
          {item('opensAt', t('services.lottery.opensAt'), <Input style={{ width: 240 }} placeholder="2026-12-01T00:00:00+08:00" />, t('services.lottery.timeHint'), true)}
          {item('closesAt', t('services.lottery.closesAt'), <Input style={{ width: 240 }} placeholder="2027-01-01T00:00:00+08:00" />, undefined, true)}
          {item('drawAt', t('services.lottery.drawAt'), <Input style={{ width: 240 }} placeholder="2027-01-01T20:00:00+08:00" />)}
        </Space>
        <Form.List name={['config', 'prizes']}>
          {(fields, { add, remove }) => (
            <Form.Item label={t('services.lottery.prizes')}>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: t('services.required') }]}><Input placeholder={t('services.lottery.prizeName')} /></Form.Item>
                  <Form.Item name={[f.name, 'count']} rules={[{ required: true, message: t('services.required') }]}><InputNumber min={1} placeholder={t('services.lottery.prizeCount')} /></Form.Item>
                  <Form.Item name={[f.name, 'points']}><InputNumber min={0} placeholder={t('services.lottery.prizePoints')} aria-label={t('services.lottery.prizePoints')} /></Form.Item>
                  <PrizeGift index={f.name} />
                  <MinusCircleOutlined aria-label={t('common.delete')} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', count: 1 })}>{t('services.lottery.addPrize')}</Button>
              <div className="ant-form-item-extra">{t('services.lottery.giftHint')}</div>
            </Form.Item>
          )}
        </Form.List>
        <Space wrap size="large">
          {item('period', t('services.lottery.period'), <Select style={{ width: 160 }} options={['once', 'day', 'week', 'month'].map((p) => ({ value: p, label: t(`services.poll.period.${p}` as 'services.poll.period.once') }))} />)}
          <Form.Item name={['config', 'winAgain']} label={t('services.lottery.winAgain')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item name={['config', 'keywordEntry']} label={t('services.lottery.keywordEntry')} valuePropName="checked" initialValue><Switch /></Form.Item>
        </Space>
        {item('fedBy', t('services.lottery.fedBy'), <Select mode="tags" tokenSeparators={[',', '，', ' ']} />, t('services.lottery.fedByHint'))}
      </>
    );
  }
  if (type === 'codes') {
    return (
      <Space wrap size="large">
        {item('length', t('services.codes.length'), <InputNumber min={8} max={24} placeholder="16" />)}
        {item('points', t('services.codes.points'), <InputNumber min={0} placeholder="0" />)}
        <Form.Item name={['config', 'bare']} label={t('services.codes.bare')} valuePropName="checked" initialValue><Switch /></Form.Item>
        {item('slowAfter', t('services.codes.slowAfter'), <InputNumber min={1} placeholder="5" />)}
        {item('stopAfter', t('services.codes.stopAfter'), <InputNumber min={1} placeholder="20" />)}
      </Space>
    );
  }
  if (type === 'survey' || type === 'quiz') {
    return (
      <>
        {item('intro', t('services.intro'), <Input maxLength={500} />)}
        <Form.List name={['config', 'questions']}>
          {(fields, { add, remove }) => (
            <Form.Item label={t('services.questions')}>
              {fields.map((f, i) => (
                <div key={f.key} style={{ borderLeft: '3px solid #e6f4ff', paddingLeft: 12, marginBottom: 12 }}>
                  <Space align="baseline" wrap>
                    <strong>{`q${i + 1}`}</strong>
                    <Form.Item name={[f.name, 'text']} rules={[{ required: true, message: t('services.required') }]}><Input style={{ width: 280 }} placeholder={t('services.questionText')} /></Form.Item>
                    <MinusCircleOutlined aria-label={t('common.delete')} onClick={() => remove(f.name)} />
                  </Space>
                  {type === 'survey' ? <SurveyQuestion index={f.name} /> : (
                    <Space wrap align="baseline">
                      <Form.Item name={[f.name, 'answer']} label={t('services.quiz.answer')} rules={[{ required: true, message: t('services.required') }]}><Input style={{ width: 140 }} /></Form.Item>
                      <Form.Item name={[f.name, 'aliases']} label={t('services.quiz.aliases')}><Select mode="tags" style={{ minWidth: 160 }} tokenSeparators={[',', '，']} /></Form.Item>
                      <Form.Item name={[f.name, 'points']} label={t('services.quiz.points')}><InputNumber min={0} placeholder="1" /></Form.Item>
                      <Form.Item name={[f.name, 'attempts']} label={t('services.quiz.attempts')}><InputNumber min={1} max={10} placeholder="1" /></Form.Item>
                    </Space>
                  )}
                </div>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ text: '', kind: 'choice' })}>{t('services.addQuestion')}</Button>
            </Form.Item>
          )}
        </Form.List>
        {item('completed', t('services.completed'), <Input maxLength={500} placeholder={type === 'quiz' ? '答题结束，您的得分：{{score}}/{{total}}' : '问卷已完成，感谢您的参与！'} />)}
        {timing}
      </>
    );
  }
  return (
    <>
      <Space wrap size="large">
        <Form.Item name={['config', 'open']} label={t('services.teamchat.open')} valuePropName="checked"><Switch /></Form.Item>
        {item('joinWord', t('services.teamchat.joinWord'), <Input style={{ width: 120 }} placeholder="加入" />)}
        {item('dailyBudget', t('services.teamchat.budget'), <InputNumber min={1} placeholder="500" />, t('services.teamchat.budgetHint'))}
      </Space>
    </>
  );
}

/** A prize's gift from the catalogue (instead of points) and the points it gives when the gift has run out. */
function PrizeGift({ index }: { index: number }) {
  const { t, fmt } = useI18n();
  const gifts = useLoad(() => call('GET /api/v1/gifts'), []);
  const gift = Form.useWatch(['config', 'prizes', index, 'gift']) as string | undefined;
  return (
    <>
      <Form.Item name={[index, 'gift']}>
        <Select allowClear showSearch style={{ width: 200 }} placeholder={t('services.lottery.prizeGift')} aria-label={t('services.lottery.prizeGift')} loading={gifts.loading}
          options={(gifts.data?.gifts ?? []).map((g) => ({ value: g.code, label: `${g.code} ${g.name}（${t('services.lottery.giftStock', { n: fmt.number(g.stock) })}）` }))} />
      </Form.Item>
      {gift && (
        <Form.Item name={[index, 'substitutePoints']}>
          <InputNumber min={0} style={{ width: 150 }} placeholder={t('services.lottery.substitutePoints')} aria-label={t('services.lottery.substitutePoints')} />
        </Form.Item>
      )}
    </>
  );
}

function SurveyQuestion({ index }: { index: number }) {
  const { t } = useI18n();
  const kind = Form.useWatch(['config', 'questions', index, 'kind']) as string | undefined;
  return (
    <Space wrap align="baseline">
      <Form.Item name={[index, 'kind']} label={t('services.survey.kind')}>
        <Select style={{ width: 120 }} options={['choice', 'number', 'text', 'yesno'].map((k) => ({ value: k, label: t(`services.survey.kind.${k}` as 'services.survey.kind.choice') }))} />
      </Form.Item>
      {kind === 'choice' && <Form.Item name={[index, 'options']} label={t('services.poll.options')}><Select mode="tags" style={{ minWidth: 220 }} tokenSeparators={[',', '，']} /></Form.Item>}
      {kind === 'number' && <Form.Item name={[index, 'min']} label={t('services.survey.min')}><InputNumber /></Form.Item>}
      {kind === 'number' && <Form.Item name={[index, 'max']} label={t('services.survey.max')}><InputNumber /></Form.Item>}
      <Form.Item name={[index, 'next']} label={t('services.survey.next')}><Input style={{ width: 90 }} placeholder="q3 / end" /></Form.Item>
    </Space>
  );
}
