// What an exported file says to a business user: headers, statuses and reasons in the console's language (the
// console's own dictionaries, so a file and the screen it came from use the same words), times in the tenant's zone.
import { en, type Messages } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { ru } from '../../web/src/i18n/ru.ts';
import { z } from 'zod';
import type { Db } from '../store/database.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { tenantZone } from '../domain/tenants.ts';
import { ownValue } from '../domain/records.ts';
import type { TableOptions } from './plugins/table-export.ts';

const dictionaries = { 'zh-CN': zhCN, en, ru } as const;

/** The `lang` query parameter of an export: the console sends its own language; zh-CN when absent. */
export const exportLanguageQuery = z.enum(['zh-CN', 'en', 'ru']).default('zh-CN').describe('Language of headers, statuses and reasons');

/** The currency of prices and balances (amounts are kept in its minor unit, fen). */
export const currency = 'CNY';

/** Labels for one export: a header by dictionary key, and a code (status, reason) by its prefix, else the code itself. */
export interface ExportLabels {
  header(key: keyof Messages): string;
  code(prefix: string, code: string | null): string | null;
  options: TableOptions;
}

/** The labels and table options (the tenant's zone, the currency) of an export in a language. */
export async function exportLabels(db: Db, tenantId: string, lang: keyof typeof dictionaries): Promise<ExportLabels> {
  const dict: Record<string, string> = dictionaries[lang];
  const tenant = await findTenant(db, tenantId);
  return {
    header: (key) => dict[key],
    code: (prefix, code) => (code === null ? null : ownValue(dict, `${prefix}.${code}`) ?? code),
    options: { zone: tenantZone(tenant?.settings ?? {}), currency },
  };
}
