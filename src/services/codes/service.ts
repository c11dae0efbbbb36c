// Anti-counterfeit code checks (防伪码查询): a customer texts the code under a product's scratch label (with the
// keyword or bare); the reply says genuine (first check), checked before by you, checked N times before (beware),
// check digit wrong, not found, expired. The first check is one conditional update; only it qualifies for a lottery.
import { z } from 'zod';
import { attribute } from '../../domain/attribution.ts';
import { fillReply } from '../../domain/keywords.ts';
import { newId } from '../../domain/ids.ts';
import { creditOnce } from '../../store/repos/points.ts';
import { ensureContactId } from '../../store/repos/contacts.ts';
import { checkCode, codeCheckStats, insertCodeChecks } from '../../store/repos/codes.ts';
import { defineService, noTiming, type Outcome, type ServiceAt, type ServiceContext, type ServiceMo } from '../service.ts';
import { codeHash, codeLength, codeShape, readCode, type CheckResult } from './rules.ts';
import { localMinute } from '../local-time.ts';
import type { CodeChecksTable } from '../../store/database.ts';

const schema = z.object({
  length: z.number().int().min(codeLength.min).max(codeLength.max).default(16).describe('Digits of a code, check digit included'),
  checkDigit: z.boolean().default(true).describe('Codes end with a Luhn (mod 10) check digit'),
  bare: z.boolean().default(true).describe('A text of digits alone (8–24) is taken as a code without the keyword'),
  slowAfter: z.number().int().min(1).max(1000).default(5).describe('Checks per number per hour before it is slowed'),
  slowSeconds: z.number().int().min(1).max(3600).default(60).describe('Once slowed, one check per this many seconds'),
  stopAfter: z.number().int().min(1).max(10_000).default(20).describe('Checks per number per hour before it is told to stop'),
  points: z.number().int().min(0).max(1_000_000).default(0).describe('Points credited for a genuine first check (ledger source code_check, once per code)'),
  replies: z.object({
    prompt: z.string().max(500).default('请回复产品标签上的{{length}}位防伪码。'),
    genuine: z.string().max(500).default('您查询的是{{product}}正品防伪码，首次查询，感谢您的支持！'),
    againSame: z.string().max(500).default('该防伪码已于{{firstAt}}由您查询过，是{{product}}正品。'),
    againOther: z.string().max(500).default('该防伪码此前已被查询{{count}}次，首次查询于{{firstAt}}，谨防假冒！'),
    checkDigit: z.string().max(500).default('防伪码校验位不对，请仔细核对后重新发送。'),
    notFound: z.string().max(500).default('查无此防伪码，可能是假冒产品，请谨慎购买。'),
    expired: z.string().max(500).default('该防伪码已过期（{{product}}）。'),
    length: z.string().max(500).default('防伪码应为{{length}}位数字，请核对后重新发送。'),
    slowed: z.string().max(500).default('查询过于频繁，请{{seconds}}秒后再试。'),
    stopped: z.string().max(500).default('查询次数过多，本小时内不再受理您的查询。'),
  }).prefault({}),
});
type CodesConfig = z.infer<typeof schema>;

/** Whether the sender may check now: counted per hour; slowed after `slowAfter`, told to stop once after `stopAfter`. */
async function rateLimit(ctx: ServiceContext, c: CodesConfig, mo: ServiceMo): Promise<{ ok: true } | { ok: false; reply: string | null }> {
  const n = await ctx.entries.add('rate', `${mo.phone}|${mo.receivedAt.slice(0, 13)}`, 1);
  if (n > c.stopAfter) return { ok: false, reply: n === c.stopAfter + 1 ? c.replies.stopped : null };
  if (n <= c.slowAfter) return { ok: true };
  const last = await ctx.entries.get<string>('last', mo.phone);
  const wait = last ? c.slowSeconds - Math.floor((ctx.now.getTime() - Date.parse(last)) / 1000) : 0;
  if (wait > 0) return { ok: false, reply: fillReply(c.replies.slowed, { seconds: wait }) };
  await ctx.entries.put('last', mo.phone, ctx.now.toISOString());
  return { ok: true };
}

/** What one code check found and answers. */
async function check(ctx: ServiceContext, svc: ServiceAt<CodesConfig>, mo: ServiceMo): Promise<{ result: CheckResult; batchId: string | null; product: string | null; reply: string | null }> {
  const c = svc.config;
  const limit = await rateLimit(ctx, c, mo);
  if (!limit.ok) return { result: 'limited', batchId: null, product: null, reply: limit.reply };
  const shape = codeShape(mo.arg, c.length);
  if (shape.kind === 'none' || shape.kind === 'length') return { result: 'length', batchId: null, product: null, reply: fillReply(c.replies.length, { length: c.length }) };
  if (shape.kind === 'check_digit' && c.checkDigit) return { result: 'check_digit', batchId: null, product: null, reply: c.replies.checkDigit };
  const hash = codeHash(ctx.secret(), svc.tenantId, shape.code);
  const at = ctx.now.toISOString();
  const hit = await checkCode(ctx.bulk, svc.tenantId, hash, mo.phone, at);
  if (!hit) return { result: 'not_found', batchId: null, product: null, reply: c.replies.notFound };
  if (hit.first) {
    if (c.points) {
      const contactId = mo.contactId ?? await ensureContactId(ctx.db, svc.tenantId, mo.phone, at);
      await creditOnce(ctx.bulk, svc.tenantId, { contactId, points: c.points, source: { type: 'code_check', id: hash }, note: hit.product }, ctx.now);
    }
    return { result: 'genuine', batchId: hit.batchId, product: hit.product, reply: fillReply(c.replies.genuine, { product: hit.product, points: c.points }) };
  }
  // an expired code never checked has no first check (and its checks are not counted)
  if (!hit.firstCheckedAt) return { result: 'expired', batchId: hit.batchId, product: hit.product, reply: fillReply(c.replies.expired, { product: hit.product }) };
  const vars = { product: hit.product, count: hit.checks - 1, firstAt: localMinute(hit.firstCheckedAt, ctx.zone) };
  if (hit.firstPhone === mo.phone) return { result: 'again_same', batchId: hit.batchId, product: hit.product, reply: fillReply(c.replies.againSame, vars) };
  return { result: 'again_other', batchId: hit.batchId, product: hit.product, reply: fillReply(c.replies.againOther, vars) };
}

async function start(ctx: ServiceContext, svc: ServiceAt<CodesConfig>, mo: ServiceMo): Promise<Outcome> {
  if (!mo.arg) return { replies: [{ text: fillReply(svc.config.replies.prompt, { length: svc.config.length }) }], responses: [] };
  const r = await check(ctx, svc, mo);
  // every check is kept for the statistics (which only the results view reads): written with the batch's others
  const t = ctx.bulk;
  await ctx.writeLater<CodeChecksTable>('code_checks', (db, rows) => insertCodeChecks({ ...t, db }, rows), {
    id: newId(ctx.now.getTime()), tenant_id: svc.tenantId, service_id: svc.id, batch_id: r.batchId, product: r.product, result: r.result,
    phone: mo.phone, province: attribute(mo.phone).province, at: ctx.now.toISOString(),
  });
  const code = readCode(mo.arg) ?? '';
  return {
    replies: r.reply ? [{ text: r.reply }] : [],
    // the code itself is never kept in the responses: only its last four digits
    responses: [{ step: null, raw: `****${code.slice(-4)}`, value: r.batchId, category: r.result, valid: r.result === 'genuine' }],
    qualified: r.result === 'genuine',
  };
}

/** The anti-counterfeit code service type. */
export const codes = defineService({
  type: 'codes',
  labels: { zh: '防伪码查询', en: 'Anti-counterfeit codes', ru: 'Проверка подлинности' },
  schema,
  interruptible: () => true,
  timing: () => noTiming,
  bare(c, text) {
    const code = c.bare ? readCode(text) : null;
    return code && code.length >= codeLength.min && code.length <= codeLength.max ? code : null;
  },
  start,
  answer: (ctx, svc, mo) => start(ctx, svc, mo),
  async results(ctx, svc) {
    return codeCheckStats(ctx.db, svc.tenantId, { serviceId: svc.id });
  },
});
