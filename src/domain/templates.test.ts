import { describe, expect, it } from 'vitest';
import {
  categories, checkDateFormat, compileTemplate, composeText, formatSignature, hasOptOutText, lintText, optOutTextFor, placeholdersOf, priorityOf,
  renderTemplate, signatureIn, variablesOf, findLinks, hostAllowed,
} from './templates.ts';
import { SensitiveWordMatcher } from './sensitive-words.ts';

describe('categories', () => {
  it('orders verification before notification before marketing', () => {
    expect(categories).toEqual(['verification', 'notification', 'marketing']);
    expect([...categories].sort((a, b) => priorityOf[a] - priorityOf[b])).toEqual(['verification', 'notification', 'marketing']);
    expect(priorityOf.verification).toBe(0);
  });
});

describe('renderTemplate', () => {
  it('fills variables, defaults and dotted paths, and lists the missing ones once', () => {
    expect(renderTemplate('{{name}}您好，您的订单{{ order }}已发货', { name: '张三', order: 42 })).toEqual({ text: '张三您好，您的订单42已发货', missing: [] });
    expect(renderTemplate('尊敬的{{name|顾客}}', {})).toEqual({ text: '尊敬的顾客', missing: [] });
    expect(renderTemplate('尊敬的{{name|顾客}}', { name: '' }).text).toBe('尊敬的顾客');
    expect(renderTemplate('Hi {{name}}, {{name}} {{code}}!', { code: null })).toEqual({ text: 'Hi ,  !', missing: ['name', 'code'] });
    expect(renderTemplate('{{fields.city}} / {{a.b}}', { fields: { city: '杭州' }, 'a.b': 'exact' }).text).toBe('杭州 / exact');
    expect(renderTemplate('{{姓名}}', { 姓名: '李四' }).text).toBe('李四');
    expect(renderTemplate('{{flag}} {{n}}', { flag: false, n: 0 }).text).toBe('false 0');
  });

  it('formats dates with luxon tokens: instants in the render zone, local values as written', () => {
    const vars = { due: '2024-05-01T16:30:00Z', day: '2024-12-24', ms: Date.UTC(2024, 0, 2, 3, 4), d: new Date('2024-02-29T23:00:00Z'), local: '2024-05-01T09:15', off: '2024-05-01T09:15+03:00' };
    expect(renderTemplate('{{due:yyyy-MM-dd HH:mm}}', vars, { zone: 'Asia/Shanghai' }).text).toBe('2024-05-02 00:30');
    expect(renderTemplate('{{local:HH:mm}} {{off:HH:mm}} {{day:MM-dd}}', vars, { zone: 'Asia/Shanghai' }).text).toBe('09:15 14:15 12-24');
    expect(renderTemplate('{{d:M月d日 HH:mm}}', vars, { zone: 'Asia/Shanghai' }).text).toBe('3月1日 07:00');
    expect(renderTemplate('{{d:yyyy-MM-dd}}', vars).text).toBe('2024-02-29');
    expect(renderTemplate('{{day:d MMMM yyyy}}', vars, { locale: 'en' }).text).toBe('24 December 2024');
    expect(renderTemplate('{{day:d MMMM}}', vars, { locale: 'ru' }).text).toBe('24 декабря');
    expect(renderTemplate('{{ms:HH:mm}}', vars).text).toBe('03:04');
    expect(renderTemplate('{{later:yyyy-MM-dd|待定}} {{due:HH:mm|x}}', vars).text).toBe('待定 16:30');
    expect(renderTemplate('{{x:yyyy}}', { x: 'not a date' }).text).toBe('not a date');
  });

  it('leaves what is not a placeholder as literal text', () => {
    expect(renderTemplate('{{}} {{a b}} {{ unclosed', {}).text).toBe('{{}} {{a b}} {{ unclosed');
    expect(renderTemplate('{x} }} {', {}).text).toBe('{x} }} {');
    expect(placeholdersOf('a {{x|1}} b {{y:HH:mm}}').map((p) => [p.name, p.fallback, p.format, p.index])).toEqual([['x', '1', null, 2], ['y', null, 'HH:mm', 12]]);
    expect(variablesOf('{{a}}{{b}}{{a|1}}')).toEqual(['a', 'b']);
  });

  it('compiles once and renders many, with a fresh result each time', () => {
    const render = compileTemplate('{{name|顾客}}: {{when:MM/dd}}');
    const a = render({ name: 'A', when: '2024-01-05' });
    const b = render({ when: '2024-01-06' });
    const c = render({ when: '2024-01-06' }, { zone: 'America/New_York' });
    expect([a.text, b.text, c.text]).toEqual(['A: 01/05', '顾客: 01/06', '顾客: 01/06']);
    const m1 = render({}).missing;
    m1.push('x');
    expect(render({}).missing).toEqual(['when']);
    const plain = compileTemplate('no variables');
    expect(plain({ a: 1 })).toEqual({ text: 'no variables', missing: [] });
  });
});

describe('signature and opt-out', () => {
  it('places the signature as prefix (default) or suffix, once', () => {
    expect(composeText('您的验证码是123456', { category: 'verification', signature: '【好药房】' })).toBe('【好药房】您的验证码是123456');
    expect(composeText('您的验证码是123456', { category: 'verification', signature: '好药房', signaturePosition: 'suffix' })).toBe('您的验证码是123456【好药房】');
    expect(composeText('【好药房】您的验证码', { category: 'verification', signature: '好药房', signaturePosition: 'suffix' })).toBe('【好药房】您的验证码');
    expect(composeText('Your code is 1', { category: 'notification', signature: '[Acme]' })).toBe('[Acme]Your code is 1');
    expect(composeText('no signature', { category: 'notification' })).toBe('no signature');
    expect(formatSignature('  ')).toBe('');
    expect(signatureIn('【甲】hello')).toBe('【甲】');
    expect(signatureIn('hello[Acme]')).toBe('[Acme]');
    expect(signatureIn('hello')).toBeNull();
  });

  it('appends the opt-out text to marketing only, unless one is there', () => {
    expect(composeText('周末全场五折', { category: 'marketing', signature: '【好药房】', optOutText: '回T退订' })).toBe('【好药房】周末全场五折 回T退订');
    expect(composeText('周末全场五折', { category: 'marketing', signature: '【好药房】', signaturePosition: 'suffix', optOutText: '回T退订' })).toBe('周末全场五折 回T退订【好药房】');
    expect(composeText('周末全场五折，退订回N', { category: 'marketing', optOutText: '回T退订' })).toBe('周末全场五折，退订回N');
    expect(composeText('Sale! Reply STOP to opt out', { category: 'marketing', optOutText: 'Reply STOP to opt out' })).toBe('Sale! Reply STOP to opt out');
    expect(composeText('Скидки ', { category: 'marketing' })).toBe('Скидки СТОП — отписаться');
    expect(composeText('Big sale', { category: 'marketing' })).toBe('Big sale Reply STOP to opt out');
    expect(composeText('大促', { category: 'marketing' })).toBe('大促 回T退订');
    expect(composeText('您的快递已到', { category: 'notification', optOutText: '回T退订' })).toBe('您的快递已到');
    expect(hasOptOutText('拒收请回复R')).toBe(true);
    expect(hasOptOutText('回复TD退订')).toBe(true);
    expect(hasOptOutText('text STOP to end')).toBe(true);
    expect(hasOptOutText('nothing here')).toBe(false);
  });

  it('picks the opt-out text by language, then by the number’s country, with tenant overrides winning', () => {
    expect(optOutTextFor('zh-CN', null)).toBe('回T退订');
    expect(optOutTextFor('zh_Hans', null)).toBe('回T退订');
    expect(optOutTextFor('en-GB', 'CN')).toBe('Reply STOP to opt out');
    expect(optOutTextFor('ru', null)).toBe('СТОП — отписаться');
    expect(optOutTextFor(null, 'CN')).toBe('回T退订');
    expect(optOutTextFor(null, '+8613800138000')).toBe('回T退订');
    expect(optOutTextFor(null, 'RU')).toBe('СТОП — отписаться');
    expect(optOutTextFor(null, 'US')).toBe('Reply STOP to opt out');
    expect(optOutTextFor('fr', '+33612345678')).toBe('Reply STOP to opt out');
    expect(optOutTextFor(null, null)).toBe('Reply STOP to opt out');
    const overrides = { 'zh-CN': '退订回N', fr: 'STOP au 36180', en: 'Text STOP to quit' };
    expect(optOutTextFor('zh', null, overrides)).toBe('退订回N');
    expect(optOutTextFor(null, 'CN', overrides)).toBe('退订回N');
    expect(optOutTextFor('fr', null, overrides)).toBe('STOP au 36180');
    expect(optOutTextFor(null, 'DE', overrides)).toBe('Text STOP to quit');
    expect(optOutTextFor('ru', null, overrides)).toBe('СТОП — отписаться');
  });
});

describe('checkDateFormat', () => {
  it('passes luxon formats and flags moment/Excel habits with the luxon spelling', () => {
    for (const ok of ['yyyy-MM-dd', 'M月d日 HH:mm', "yyyy'年'MM'月'", 'DD', "yyyy 'YYYY'", 'dd.MM.yyyy']) expect(checkDateFormat(ok)).toBeNull();
    expect(checkDateFormat('YYYY-MM-DD')).toEqual({ problem: '"YYYY" is not a date token', suggestion: 'yyyy-MM-dd' });
    expect(checkDateFormat('MM-DD')?.suggestion).toBe('MM-dd');
    expect(checkDateFormat('yyyy-MM-dd hh:mm A')?.suggestion).toBe('yyyy-MM-dd hh:mm a');
    expect(lintText('【甲】生日{{生日:YYYY-MM-DD}}', { category: 'notification' }).map((w) => [w.code, w.suggestion])).toEqual([['unknown_date_format', 'yyyy-MM-dd']]);
  });
});

describe('lintText', () => {
  const matcher = new SensitiveWordMatcher(['免费', 'CASINO', '代开发票']);
  const codes = (w: { code: string }[]) => w.map((x) => x.code);

  it('accepts a clean marketing text', () => {
    expect(lintText('【好药房】{{name}}您好，会员日8折 回T退订', { category: 'marketing', signature: '好药房', matcher, linkAllowList: ['hao.cn'], knownVariables: ['name'] })).toEqual([]);
  });

  it('flags missing signature and opt-out text', () => {
    expect(codes(lintText('会员日8折', { category: 'marketing' }))).toEqual(['missing_signature', 'missing_opt_out']);
    expect(codes(lintText('【乙】会员日8折 回T退订', { category: 'marketing', signature: '【甲】' }))).toEqual(['missing_signature']);
    expect(codes(lintText('【甲】验证码 1234', { category: 'verification' }))).toEqual([]);
  });

  it('finds sensitive words with positions, ignoring case and width', () => {
    const w = lintText('【甲】免费领取，ｃａｓｉｎｏ开业 回T退订', { category: 'marketing', matcher });
    expect(w.map((x) => [x.code, x.subject, x.index, x.length])).toEqual([['sensitive_word', '免费', 3, 2], ['sensitive_word', 'CASINO', 8, 6]]);
    expect(w[0].severity).toBe('error');
  });

  it('flags links off the allow-list, and only when an allow-list is set', () => {
    const text = '【甲】详情 https://shop.hao.cn/a?b=1 或 www.evil.com/x 或 t.cn/abc。回T退订';
    expect(findLinks(text).map((l) => l.host)).toEqual(['shop.hao.cn', 'www.evil.com', 't.cn']);
    const w = lintText(text, { category: 'marketing', linkAllowList: ['hao.cn'] });
    expect(w.map((x) => [x.code, x.subject])).toEqual([['link_not_allowed', 'www.evil.com/x'], ['link_not_allowed', 't.cn/abc']]);
    expect(text.slice(w[0].index!, w[0].index! + w[0].length!)).toBe('www.evil.com/x');
    expect(lintText(text, { category: 'marketing' })).toEqual([]);
    expect(codes(lintText('【甲】see hao.cn', { category: 'notification', linkAllowList: [] }))).toEqual(['link_not_allowed']);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('badexample.com', ['example.com'])).toBe(false);
  });

  it('flags unknown and malformed variables', () => {
    const w = lintText('【甲】{{name}} {{points|0}} {{coupon}} {{a b}} {{x', { category: 'notification', knownVariables: ['name'] });
    expect(w.map((x) => [x.code, x.subject])).toEqual([['unknown_variable', 'coupon'], ['malformed_variable', '{{a b}}'], ['malformed_variable', '{{']]);
    expect(lintText('【甲】{{coupon}}', { category: 'notification' })).toEqual([]);
  });
});
