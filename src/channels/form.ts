// What the console's "add channel" form asks for, per channel type: data, so a protocol adds its form as one list.
import { smppFields } from './smpp/form.ts';

/** A label or hint in the console's languages. */
export interface FormText { 'zh-CN': string; en: string; ru: string }

/** One field of a channel type's settings form; `name` is the config key it fills. */
export interface ChannelField {
  name: string;
  kind: 'text' | 'password' | 'number' | 'select';
  label: FormText;
  hint?: FormText;
  required?: boolean;
  /** Filled into a new form (the config's default). */
  default?: string | number;
  min?: number;
  max?: number;
  /** The choices of a select. */
  options?: { value: string | number; label: FormText }[];
}

/** A channel type as the console offers it. */
export interface ChannelForm { type: string; label: FormText; fields: ChannelField[] }

/** Channel type → its form. CMPP / SGIP / SMGP add one line each, next to their line in registry.ts. */
export const channelForms: readonly ChannelForm[] = [
  { type: 'smpp', label: { 'zh-CN': 'SMPP 3.4（国际通用）', en: 'SMPP 3.4', ru: 'SMPP 3.4' }, fields: smppFields },
];
