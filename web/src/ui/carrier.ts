// Carrier names in the console's language: the Chinese networks by their Chinese names in a Chinese console.
import type { Lang } from '../i18n/index.tsx';

/** The mainland carriers' Chinese names, by the English names the number data gives. */
const chinese: Record<string, string> = {
  'China Mobile': '中国移动',
  'China Unicom': '中国联通',
  'China Telecom': '中国电信',
  'China Broadnet': '中国广电',
  'China Satcom': '中国卫通',
};

/** A carrier's name for display; `unknown` stands in for a missing one (the API's null or 'unknown'). */
export function carrierName(name: string | null | undefined, lang: Lang, unknown: string): string {
  if (!name || name === 'unknown') return unknown;
  return lang === 'zh-CN' && Object.hasOwn(chinese, name) ? chinese[name] : name;
}
