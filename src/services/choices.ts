// Options of a choice question or a poll: answered by key (1, A, full-width Ａ), or by the option's name.
import { z } from 'zod';
import { normalizeKeyword } from '../domain/keywords.ts';

/** An option as configured: a name and an optional key (default 1, 2, 3…). */
export const optionSchema = z.object({
  key: z.string().min(1).max(10).optional(),
  name: z.string().min(1).max(100),
});
/** An option as configured. */
export type OptionConfig = z.infer<typeof optionSchema>;

/** An option with its key settled. */
export interface Option { key: string; name: string; index: number }

/** Options with their keys: the given ones (normalised), else 1, 2, 3… */
export function optionsOf(list: readonly OptionConfig[]): Option[] {
  return list.map((o, i) => ({ key: normalizeKeyword(o.key ?? String(i + 1)), name: o.name, index: i }));
}

/** Why a list of options is invalid (duplicate keys or names, or keys that normalise to nothing), or null. */
export function optionsProblem(list: readonly OptionConfig[]): string | null {
  const opts = optionsOf(list);
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const o of opts) {
    if (!o.key) return `option "${o.name}" has a key without letters or digits`;
    if (keys.has(o.key)) return `option key ${o.key} appears twice`;
    const n = normalizeKeyword(o.name);
    if (n && names.has(n)) return `option name "${o.name}" appears twice`;
    keys.add(o.key);
    names.add(n);
  }
  return null;
}

/** The option an answer picks: by key ("1", "a", "Ａ", "1."), by its letter when keys are numbers (A = 1st), or by name. */
export function pickOption(options: readonly Option[], answer: string): Option | null {
  const a = normalizeKeyword(answer);
  if (!a) return null;
  const byKey = options.find((o) => o.key === a);
  if (byKey) return byKey;
  if (/^[A-Z]$/.test(a) && options.every((o) => /^\d+$/.test(o.key))) {
    const o = options[a.charCodeAt(0) - 65];
    if (o) return o;
  }
  return options.find((o) => normalizeKeyword(o.name) === a) ?? null;
}

/** The options as lines of a prompt: "1. Red". */
export function optionLines(options: readonly Option[]): string {
  return options.map((o) => `${o.key}. ${o.name}`).join('\n');
}
