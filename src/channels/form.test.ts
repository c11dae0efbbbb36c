import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cmppConfigSchema } from './cmpp/config.ts';
import { channelForms, explainFailure, formFields, type ChannelField } from './form.ts';
import { channelTypes } from './registry.ts';
import { sgipConfigSchema } from './sgip/config.ts';
import { smgpConfigSchema } from './smgp/config.ts';
import { smppConfigSchema } from './smpp/config.ts';

const schemas: Record<string, z.ZodType> = { smpp: smppConfigSchema, cmpp: cmppConfigSchema, sgip: sgipConfigSchema, smgp: smgpConfigSchema };

interface Json { properties?: Record<string, Json> }

/** Every settable key of a schema, nested objects as dotted names (name and type are the form's own). */
function leaves(node: Json, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([k, v]) => (v.properties ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
    .filter((k) => k !== 'name' && k !== 'type');
}

/** A config as the console sends it: a value for every required field, the form's defaults for the rest. */
function fromForm(type: string, fields: ChannelField[], over: Record<string, unknown> = {}): Record<string, unknown> {
  const config: Record<string, unknown> = { name: 'c1', type };
  const sample = (f: ChannelField) => (f.kind === 'number' ? (f.min ?? 0) + 1 : f.digits ? '1' : 'x');
  for (const f of fields) {
    const value = f.default ?? (f.required ? sample(f) : undefined);
    if (value === undefined) continue;
    const [head, tail] = f.name.split('.');
    if (tail) config[head] = { ...(config[head] as object), [tail]: value };
    else config[head] = value;
  }
  return { ...config, ...over };
}

describe('channel forms', () => {
  it('offer one form per channel type, covering every config field exactly once, with labels in three languages', () => {
    expect(channelForms.map((f) => f.type).sort()).toEqual(Object.keys(channelTypes).sort());
    for (const form of channelForms) {
      const names = form.fields.map((f) => f.name);
      expect(new Set(names).size, form.type).toBe(names.length);
      expect(names.sort(), form.type).toEqual(leaves(z.toJSONSchema(schemas[form.type], { io: 'input', unrepresentable: 'any' }) as Json).sort());
      for (const f of form.fields) {
        for (const lang of ['zh-CN', 'en', 'ru'] as const) expect(f.label[lang], `${form.type}.${f.name} ${lang}`).toMatch(/\S/);
        expect(f.label['zh-CN'], `${form.type}.${f.name}`).toMatch(/[\u4e00-\u9fff]|^(SMPP|CMPP|SGIP|SMGP)/);
      }
    }
  });

  it('take defaults, bounds and required fields from the schema, and the defaults are what the channel would use anyway', () => {
    const cmpp = channelForms.find((f) => f.type === 'cmpp')!.fields;
    const by = (name: string) => cmpp.find((f) => f.name === name)!;
    expect(by('port')).toMatchObject({ default: 7890, min: 1, max: 65535 });
    expect(by('spId')).toMatchObject({ required: true, maxLength: 6 });
    expect(by('serviceNumber')).toMatchObject({ digits: true, maxLength: 21, default: '' });
    expect(by('reconnect.minMs')).toMatchObject({ default: 500, min: 1, advanced: true });
    expect(by('verifyIsmg')).toMatchObject({ kind: 'switch', default: true });
    expect(by('sharedSecret')).toMatchObject({ kind: 'password', required: true });
    expect(channelForms.find((f) => f.type === 'sgip')!.fields.find((f) => f.name === 'listenPort')).toMatchObject({ default: 8801, min: 0 });
    for (const form of channelForms) {
      const schema = schemas[form.type];
      const filled = fromForm(form.type, form.fields);
      const required = Object.fromEntries(form.fields.filter((f) => f.required || f.default === undefined).map((f) => [f.name, filled[f.name]]));
      expect(schema.parse(filled), form.type).toEqual(schema.parse({ name: 'c1', type: form.type, ...required }));
    }
  });

  it('offer only choices the schema accepts, and every choice it accepts for an enum', () => {
    for (const form of channelForms) {
      for (const f of form.fields.filter((x) => x.kind === 'select')) {
        expect(f.options?.length, `${form.type}.${f.name}`).toBeGreaterThan(1);
        for (const o of f.options!) expect(schemas[form.type].safeParse(fromForm(form.type, form.fields, { [f.name]: o.value })).success, `${form.type}.${f.name}=${o.value}`).toBe(true);
        expect(f.options!.map((o) => o.value), `${form.type}.${f.name}`).toContain(f.default);
      }
    }
  });

  it('refuse a field the schema does not have', () => {
    expect(() => formFields(smgpConfigSchema, [{ name: 'pasword', kind: 'password', label: { 'zh-CN': '密码', en: 'Password', ru: 'Пароль' } }])).toThrow(/pasword/);
  });

  it('explain a refused login per protocol, shared connection failures, and an unknown status as a refusal', () => {
    expect(explainFailure('cmpp', 'cmpp-connect:3', 'config')?.['zh-CN']).toMatch(/认证错/);
    expect(explainFailure('sgip', 'sgip:1', 'config')?.['zh-CN']).toMatch(/登录名或密码错误/);
    expect(explainFailure('smgp', 'smgp:21', 'config')?.['zh-CN']).toMatch(/认证错/);
    expect(explainFailure('smpp', 'ESME_RINVPASWD (0x0e)', 'config')?.['zh-CN']).toBe('密码错误');
    expect(explainFailure('smgp', 'connect', 'retryable')?.['zh-CN']).toMatch(/无法连接/);
    expect(explainFailure('cmpp', 'cmpp-connect:9', 'config')?.['zh-CN']).toBe('网关拒绝了登录');
    expect(explainFailure('cmpp', 'constructor', 'retryable')).toBeNull();
    expect(explainFailure('cmpp', undefined, undefined)).toBeNull();
  });
});
