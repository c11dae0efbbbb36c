// What the console's "add channel" form asks for, per channel type: data, so a protocol adds its form as one list.
// Labels and hints come from the protocol's form.ts; defaults, bounds, lengths and which fields are required come
// from its zod config schema, so the form cannot drift from what the channel accepts.
import { z } from 'zod';
import { cmppConfigSchema } from './cmpp/config.ts';
import { cmppFields, cmppLoginReasons } from './cmpp/form.ts';
import { connectReasons, text } from './form-fields.ts';
import { sgipConfigSchema } from './sgip/config.ts';
import { sgipFields, sgipLoginReasons, sgipTestSettings } from './sgip/form.ts';
import { smgpConfigSchema } from './smgp/config.ts';
import { smgpFields, smgpLoginReasons } from './smgp/form.ts';
import { smppConfigSchema } from './smpp/config.ts';
import { smppFields, smppLoginReasons } from './smpp/form.ts';

/** A label or hint in the console's languages. */
export interface FormText { 'zh-CN': string; en: string; ru: string }

/** One field of a channel type's settings form; `name` is the config key it fills (`reconnect.minMs` for a nested one). */
export interface ChannelField {
  name: string;
  kind: 'text' | 'password' | 'number' | 'select' | 'switch';
  label: FormText;
  hint?: FormText;
  required?: boolean;
  /** Filled into a new form (the config's default). */
  default?: string | number | boolean;
  min?: number;
  max?: number;
  /** Longest text the config accepts. */
  maxLength?: number;
  /** The text may hold only digits. */
  digits?: boolean;
  /** Shown under "advanced settings" (the default serves most carriers). */
  advanced?: boolean;
  /** The choices of a select. */
  options?: { value: string | number; label: FormText }[];
}

/** What a protocol's form.ts says about a field: its words and widget; a `default` here fills one the schema lacks. */
export type FieldSpec = Pick<ChannelField, 'name' | 'kind' | 'label' | 'hint' | 'advanced' | 'options' | 'default'>;

/** A channel type as the console offers it. */
export interface ChannelForm { type: string; label: FormText; fields: ChannelField[] }

interface JsonProperty {
  default?: unknown; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; pattern?: string;
  properties?: Record<string, JsonProperty>; required?: string[];
}

/** The JSON Schema property of a (dotted) config key, and whether its object requires it. */
function property(root: JsonProperty, name: string): { prop: JsonProperty; required: boolean } | undefined {
  let node: JsonProperty | undefined = root;
  let required = false;
  for (const key of name.split('.')) {
    required = node?.required?.includes(key) ?? false;
    node = node?.properties?.[key];
  }
  return node && { prop: node, required };
}

/** The form fields of a config schema: each spec with the default, bounds and required flag its schema gives. */
export function formFields(schema: z.ZodType, specs: FieldSpec[]): ChannelField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonProperty;
  return specs.map((spec) => {
    const found = property(json, spec.name);
    if (!found) throw new Error(`form field ${spec.name} is not in the config schema`);
    const { prop, required } = found;
    const field: ChannelField = { ...spec };
    const dflt = prop.default;
    if (spec.default === undefined && (typeof dflt === 'string' || typeof dflt === 'number' || typeof dflt === 'boolean')) field.default = dflt;
    if (required && dflt === undefined) field.required = true;
    if (prop.minimum !== undefined) field.min = prop.minimum;
    if (prop.maximum !== undefined && prop.maximum < Number.MAX_SAFE_INTEGER) field.max = prop.maximum;
    if (prop.maxLength !== undefined) field.maxLength = prop.maxLength;
    if (prop.pattern === '^\\d*$') field.digits = true;
    return field;
  });
}

/** Channel type → its form. A protocol adds one line, next to its line in registry.ts. */
export const channelForms: readonly ChannelForm[] = [
  { type: 'smpp', label: text('SMPP 3.4（国际通用）', 'SMPP 3.4', 'SMPP 3.4'), fields: formFields(smppConfigSchema, smppFields) },
  { type: 'cmpp', label: text('CMPP 2.0 / 3.0（中国移动）', 'CMPP 2.0 / 3.0 (China Mobile)', 'CMPP 2.0 / 3.0 (China Mobile)'), fields: formFields(cmppConfigSchema, cmppFields) },
  { type: 'sgip', label: text('SGIP 1.2（中国联通）', 'SGIP 1.2 (China Unicom)', 'SGIP 1.2 (China Unicom)'), fields: formFields(sgipConfigSchema, sgipFields) },
  { type: 'smgp', label: text('SMGP 3.0.3（中国电信）', 'SMGP 3.0.3 (China Telecom)', 'SMGP 3.0.3 (China Telecom)'), fields: formFields(smgpConfigSchema, smgpFields) },
];

/** Channel type → why a login failed, by the SendError code its client gives (e.g. `cmpp-connect:3`). */
const loginReasons: Readonly<Record<string, Readonly<Record<string, FormText>>>> = {
  smpp: smppLoginReasons, cmpp: cmppLoginReasons, sgip: sgipLoginReasons, smgp: smgpLoginReasons,
};

const refused = text('网关拒绝了登录', 'The gateway refused the login', 'Шлюз отказал во входе');

/**
 * What a failed connection test means, in words for the console: the protocol's reason for the code, a reason shared
 * by every protocol (unreachable, closed, no answer), a plain "refused" for a login status without a known meaning.
 */
export function explainFailure(type: string, code: string | undefined, kind: string | undefined): FormText | null {
  if (code === undefined) return null;
  const reasons = loginReasons[type];
  const own = reasons && Object.hasOwn(reasons, code) ? reasons[code] : undefined;
  if (own) return own;
  if (Object.hasOwn(connectReasons, code)) return connectReasons[code];
  return kind === 'config' ? refused : null;
}

/** Settings a connection test puts over a type's config (SGIP's listener goes to a free loopback port: the test is the login). */
export const testSettings: Readonly<Record<string, Record<string, unknown>>> = { sgip: sgipTestSettings };
