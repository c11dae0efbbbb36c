// Inquiry (信息查询): the keyword plus an argument (an order number, a phone…) is answered from a table the tenant
// uploads (CSV/XLSX, first column the key), with templates for found / not found / missing argument.
import { z } from 'zod';
import { fillReply } from '../../domain/keywords.ts';
import { defineService, noTiming } from '../service.ts';
import type { EndpointAnswer } from '../endpoint.ts';
import { lookupKey } from './rules.ts';

const schema = z.object({
  /** Where answers come from: the uploaded table, or the tenant's HTTPS endpoint. */
  source: z.enum(['table', 'endpoint']).default('table'),
  endpoint: z.string().url().max(500).optional().describe('HTTPS URL POSTed {serviceId, keyword, arg, phone, receivedAt}; answers a JSON object ({"found":false} = not found)'),
  found: z.string().min(1).max(500).describe('Reply when found; {{column}} fills a column of the row (or a field of the endpoint\'s answer), {{arg}} the argument'),
  notFound: z.string().max(500).default('未找到“{{arg}}”的记录，请核对后重试。'),
  missing: z.string().max(500).default('请在关键词后加上查询内容，例如：{{keyword}}123'),
  error: z.string().max(500).default('查询服务暂时不可用，请稍后再试。'),
}).superRefine((c, ctx) => {
  if (c.source === 'endpoint' && !c.endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'an endpoint inquiry needs the endpoint URL' });
});

/** The entry holding the signing secret of an inquiry's endpoint requests. */
export const endpointSecretKey = { kind: 'secret', key: 'endpoint' } as const;

/** The inquiry service type. */
export const inquiry = defineService({
  type: 'inquiry',
  labels: { zh: '信息查询', en: 'Inquiry', ru: 'Справка' },
  schema,
  interruptible: () => true,
  timing: () => noTiming,
  async prepare(ctx, svc, mo): Promise<EndpointAnswer | null> {
    if (svc.config.source !== 'endpoint' || !svc.config.endpoint || !mo.arg.trim()) return null;
    const secret = (await ctx.entries.get<string>(endpointSecretKey.kind, endpointSecretKey.key)) ?? null;
    const answer = await ctx.post(svc.config.endpoint, { serviceId: svc.id, keyword: mo.keyword, arg: mo.arg.trim(), phone: mo.phone, receivedAt: mo.receivedAt }, secret);
    if (!answer.ok) ctx.warn('inquiry endpoint failed; the error text was sent', { error: answer.error });
    return answer;
  },
  async start(ctx, svc, mo) {
    const c = svc.config;
    const arg = mo.arg.trim();
    if (!arg) return { replies: [{ text: fillReply(c.missing, { keyword: svc.keywords[0] ?? mo.keyword ?? '' }) }], responses: [{ step: null, raw: mo.text, value: null, category: 'missing', valid: false }] };
    let row: Record<string, unknown> | undefined;
    if (c.source === 'endpoint') {
      const answer = mo.prepared as EndpointAnswer | null | undefined;
      if (!answer?.ok) return { replies: [{ text: fillReply(c.error, { arg }) }], responses: [{ step: null, raw: mo.text, value: arg, category: 'error', valid: false }] };
      row = answer.body.found === false ? undefined : answer.body;
    } else row = await ctx.entries.get<Record<string, string>>('row', lookupKey(arg));
    const vars = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(row ?? {})) if (typeof v === 'string' || typeof v === 'number') vars[k] = String(v).slice(0, 500);
    vars.arg = arg;
    const text = fillReply(row ? c.found : c.notFound, vars);
    return { replies: [{ text }], responses: [{ step: null, raw: mo.text, value: arg, category: row ? 'found' : 'not_found', valid: !!row }] };
  },
  answer: async () => ({ replies: [], responses: [] }),
  async results(ctx, _svc, responses) {
    const rows = await ctx.entries.count('row');
    const by = (cat: string) => responses.filter((r) => r.category === cat).length;
    return { rows, queries: responses.length, found: by('found'), notFound: by('not_found'), missing: by('missing'), errors: by('error') };
  },
});
