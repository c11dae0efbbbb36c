// The inputs of a contact's custom fields, one per defined field, each of its type; and turning them back into values.
import { Form, Input, InputNumber, Select } from 'antd';
import type { Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';

/** A custom field definition. */
export type FieldDef = Response<'GET /api/v1/contact-fields'>['fields'][number];
/** A custom field's value as a contact holds it. */
export type FieldValue = string | number | boolean | null;

/** What the form holds for a field: the value itself, a boolean as 'true'/'false' (a select), '' or null for none. */
export function formValueOf(v: FieldValue | undefined): string | number | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'boolean' ? String(v) : v;
}

/** The fields as the API takes them: each defined field's value of its type, null where the input is empty. */
export function fieldValuesOf(defs: FieldDef[], form: Record<string, unknown>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
  for (const d of defs) {
    const v = Object.hasOwn(form, d.key) ? form[d.key] : undefined;
    if (v === undefined || v === null || v === '') out[d.key] = null;
    else if (d.type === 'boolean') out[d.key] = v === 'true';
    else if (d.type === 'number') out[d.key] = Number(v);
    else out[d.key] = String(v).trim();
  }
  return out;
}

/** Form items for the defined fields, named by key under `fields`. */
export function FieldInputs({ defs }: { defs: FieldDef[] }) {
  const { t } = useI18n();
  return (
    <>
      {defs.map((d) => (
        <Form.Item key={d.key} name={['fields', d.key]} label={d.label}
          rules={d.type === 'date' ? [{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('fields.dateHint') }] : undefined}>
          {d.type === 'number' ? <InputNumber style={{ width: '100%' }} />
            : d.type === 'boolean' ? <Select allowClear options={[{ value: 'true', label: t('fields.yes') }, { value: 'false', label: t('fields.no') }]} />
              : d.type === 'date' ? <Input placeholder="yyyy-MM-dd" maxLength={10} />
                : <Input maxLength={2000} />}
        </Form.Item>
      ))}
    </>
  );
}
