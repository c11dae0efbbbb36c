// Inquiry (信息查询): the keyword plus an argument (an order number, a phone…) is answered from a table the tenant
// uploads (CSV/XLSX, first column the key), with templates for found / not found / missing argument.
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { defineService, noTiming } from '../service.ts';
import { lookupKey } from './rules.ts';

const schema = z.object({
  found: z.string().min(1).max(500).describe('Reply when found; {{column}} fills a column of the row, {{arg}} the argument'),
  notFound: z.string().max(500).default('未找到“{{arg}}”的记录，请核对后重试。'),
  missing: z.string().max(500).default('请在关键词后加上查询内容，例如：{{keyword}}123'),
});

/** The inquiry service type. */
export const inquiry = defineService({
  type: 'inquiry',
  labels: { zh: '信息查询', en: 'Inquiry', ru: 'Справка' },
  schema,
  interruptible: () => true,
  timing: () => noTiming,
  async start(ctx, svc, mo) {
    const c = svc.config;
    const arg = mo.arg.trim();
    if (!arg) return { replies: [{ text: fillReply(c.missing, { keyword: svc.keywords[0] ?? mo.keyword ?? '' }) }], responses: [{ step: null, raw: mo.text, value: null, category: 'missing', valid: false }] };
    const row = await ctx.entries.get<Record<string, string>>('row', lookupKey(arg));
    const vars = Object.assign(Object.create(null) as Record<string, unknown>, row ?? {}, { arg });
    const text = fillReply(row ? c.found : c.notFound, vars);
    return { replies: [{ text }], responses: [{ step: null, raw: mo.text, value: arg, category: row ? 'found' : 'not_found', valid: !!row }] };
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(ctx, _svc, responses) {
    const rows = await ctx.entries.count('row');
    const by = (cat: string) => responses.filter((r) => r.category === cat).length;
    return { rows, queries: responses.length, found: by('found'), notFound: by('not_found'), missing: by('missing') };
  },
});
