// The segment condition builder: rows of field, operator and value in groups joined by AND or OR (the groups joined
// by AND or OR too); it writes the filter the segment API takes.
import { Button, Card, Flex, Input, InputNumber, Radio, Select, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { contactAttributes } from '../../../../src/domain/segments.ts';
import { useI18n, type PlainKey } from '../../i18n/index.tsx';
import { newCondition, needsValue, opsOf, type Condition, type Conditions, type Group, type Op, type Subject, type Unit } from './conditions.ts';

/** A custom field the tenant defined. */
export interface FieldDefinition { key: string; label: string; type: string }

const fixedSubjects = ['tag', 'group', 'opted_out', 'created', 'messaged', 'replied'] as const;
const activities = new Set<Subject>(['created', 'messaged', 'replied']);

/** Edits `value` (groups of conditions); calls `onChange` with every change. */
export function ConditionBuilder({ value, onChange, fields, groups }: { value: Conditions; onChange(v: Conditions): void; fields: FieldDefinition[]; groups: string[] }) {
  const { t } = useI18n();
  const subjects = [
    { label: t('segments.subjects.attributes'), options: contactAttributes.map((a) => ({ value: `field:${a}`, label: t(`segments.subject.${a}` as PlainKey) })) },
    ...(fields.length ? [{ label: t('segments.subjects.custom'), options: fields.map((f) => ({ value: `field:${f.key}`, label: f.label || f.key })) }] : []),
    { label: t('segments.subjects.other'), options: fixedSubjects.map((s) => ({ value: s, label: t(`segments.subject.${s}`) })) },
  ];
  const joins = [{ value: 'and', label: t('segments.join.and') }, { value: 'or', label: t('segments.join.or') }];
  const setGroup = (i: number, g: Group | null) => onChange({ ...value, groups: g ? value.groups.map((x, j) => (j === i ? g : x)) : value.groups.filter((_, j) => j !== i) });
  const setCondition = (g: Group, gi: number, ci: number, c: Condition | null) =>
    setGroup(gi, { ...g, conditions: c ? g.conditions.map((x, j) => (j === ci ? c : x)) : g.conditions.filter((_, j) => j !== ci) });

  return (
    <div data-testid="condition-builder">
      {value.groups.length > 1 && (
        <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
          {t('segments.groupsJoin')}
          <Radio.Group optionType="button" size="small" value={value.join} options={joins} onChange={(e) => onChange({ ...value, join: e.target.value as 'and' | 'or' })} aria-label={t('segments.groupsJoin')} />
        </Flex>
      )}
      {value.groups.map((g, gi) => (
        <Card key={gi} size="small" style={{ marginBottom: 8 }} data-testid={`condition-group-${gi}`}
          title={<Flex gap={8} align="center">{t('segments.group', { n: gi + 1 })}{g.conditions.length > 1 && (
            <Radio.Group optionType="button" size="small" value={g.join} options={joins} onChange={(e) => setGroup(gi, { ...g, join: e.target.value as 'and' | 'or' })} />
          )}</Flex>}
          extra={value.groups.length > 1 && <Button type="text" size="small" onClick={() => setGroup(gi, null)}>{t('segments.removeGroup')}</Button>}>
          {g.conditions.map((c, ci) => (
            <Flex key={ci} gap={8} wrap align="center" style={{ marginBottom: 8 }} data-testid={`condition-${gi}-${ci}`}>
              <Select aria-label={t('segments.field')} style={{ width: 170 }} showSearch optionFilterProp="label" value={c.subject} options={subjects}
                onChange={(s: Subject) => setCondition(g, gi, ci, newCondition(s))} />
              <Select aria-label={t('segments.operator')} style={{ width: 130 }} value={c.op} options={opsOf(c.subject).map((o) => ({ value: o, label: t(`segments.op.${o}`) }))}
                onChange={(op: Op) => setCondition(g, gi, ci, { ...c, op })} />
              <ConditionValue c={c} groups={groups} onChange={(next) => setCondition(g, gi, ci, next)} />
              {(g.conditions.length > 1 || value.groups.length > 1) && (
                <Button type="text" icon={<MinusCircleOutlined />} aria-label={t('segments.removeCondition')} onClick={() => setCondition(g, gi, ci, null)} />
              )}
            </Flex>
          ))}
          <Button size="small" icon={<PlusOutlined />} onClick={() => setGroup(gi, { ...g, conditions: [...g.conditions, newCondition()] })}>{t('segments.addCondition')}</Button>
        </Card>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => onChange({ ...value, groups: [...value.groups, { join: 'and', conditions: [newCondition()] }] })}>{t('segments.addGroup')}</Button>
    </div>
  );
}

/** The value part of a condition: a duration for activity, a group name, nothing for opted out, else text. */
function ConditionValue({ c, groups, onChange }: { c: Condition; groups: string[]; onChange(c: Condition): void }) {
  const { t } = useI18n();
  if (!needsValue(c)) return null;
  if (activities.has(c.subject)) {
    return (
      <Flex gap={4} align="center">
        <InputNumber aria-label={t('segments.value')} min={1} precision={0} style={{ width: 100 }} value={c.value === '' ? null : Number(c.value)} onChange={(n) => onChange({ ...c, value: n === null ? '' : String(n) })} />
        <Select aria-label={t('segments.unit')} style={{ width: 80 }} value={c.unit} onChange={(unit: Unit) => onChange({ ...c, unit })}
          options={(['h', 'd', 'w'] as const).map((u) => ({ value: u, label: t(`segments.unit.${u}`) }))} />
        <Typography.Text type="secondary">{t('segments.withinSuffix')}</Typography.Text>
      </Flex>
    );
  }
  if (c.subject === 'group') {
    return <Select aria-label={t('segments.value')} style={{ width: 200 }} showSearch value={c.value || undefined} options={groups.map((g) => ({ value: g, label: g }))} onChange={(v: string) => onChange({ ...c, value: v })} />;
  }
  const list = c.op === 'in' || c.op === 'not_in';
  return <Input aria-label={t('segments.value')} style={{ width: 200 }} value={c.value} placeholder={list ? t('segments.listPlaceholder') : undefined} onChange={(e) => onChange({ ...c, value: e.target.value, literal: undefined })} />;
}
