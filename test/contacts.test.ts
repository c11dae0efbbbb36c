import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { multipart } from './support/multipart.ts';
import { grantConsent, purgeExpiredConsents, withdrawConsent } from '../src/store/repos/consents.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('联系人');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readXlsx(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out: unknown[][] = [];
  wb.worksheets[0].eachRow((row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}

describe.each(testDatabases)('contacts, imports, segments and compliance on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  const call = (o: { method?: Method; url: string; t: TestTenant | Record<string, string>; payload?: unknown; headers?: Record<string, string> }) =>
    s.app.inject({
      method: o.method ?? 'GET', url: o.url, headers: { ...('headers' in o.t ? (o.t as TestTenant).headers : o.t), ...o.headers },
      payload: o.payload as string | Buffer | Record<string, unknown> | undefined,
    });
  const upload = async (t: TestTenant, name: string, content: Buffer, fields: Record<string, string> = {}) => {
    const m = multipart({ name, content }, fields);
    const r = await call({ method: 'POST', url: '/api/v1/contacts/import', t, payload: m.payload, headers: m.headers });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().id as string;
    for (let i = 0; i < 200; i++) {
      const job = (await call({ url: `/api/v1/imports/${id}`, t })).json();
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    throw new Error(`import ${id} did not finish`);
  };
  const find = async (t: TestTenant, phone: string) => (await call({ url: `/api/v1/contacts?phone=${encodeURIComponent(phone)}`, t })).json().contacts[0];

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant();
    b = await s.tenant();
  });
  afterAll(async () => s?.close());

  it('creates a contact from any number format, attributes it, and finds it by any format', async () => {
    const r = await call({ method: 'POST', url: '/api/v1/contacts', t: a, payload: { phone: '138-0013-8000', name: '<script>alert(1)</script>王五', tags: ['vip'], groups: ['北京客户'], fields: { age: 32 } } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      phone: '+8613800138000', name: '<script>alert(1)</script>王五', carrier: 'China Mobile', province: '北京', city: '北京',
      timezone: 'Asia/Shanghai', tags: ['vip'], groups: ['北京客户'], fields: { age: 32 }, optedOutAt: null,
    });
    for (const form of ['+86 138 0013 8000', '008613800138000', '１３８００１３８０００', '13800138000.0']) expect((await find(a, form))?.id).toBe(r.json().id);
    expect((await call({ method: 'POST', url: '/api/v1/contacts', t: a, payload: { phone: '+8613800138000' } })).statusCode).toBe(409);
    const bad = await call({ method: 'POST', url: '/api/v1/contacts', t: a, payload: { phone: '1.38E+10' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', details: { field: 'phone', reason: 'scientific_notation', fields: [{ field: 'phone', message: expect.any(String) }] } });
  });

  it('renames a custom field (its key stays) and deletes one with its values on every contact, tenant by tenant', async () => {
    const t = await s.tenant();
    const other = await s.tenant();
    for (const x of [t, other]) expect((await call({ method: 'POST', url: '/api/v1/contact-fields', t: x, payload: { key: '会员等级', type: 'text' } })).statusCode).toBe(201);
    expect((await call({ method: 'POST', url: '/api/v1/contact-fields', t, payload: { key: 'city', type: 'text' } })).statusCode).toBe(201);
    const mk = async (x: TestTenant, phone: string) => (await call({ method: 'POST', url: '/api/v1/contacts', t: x, payload: { phone, fields: { 会员等级: '金卡', city: '北京' } } })).json().id as string;
    const [c1, c2, c3] = [await mk(t, '13900007001'), await mk(t, '13900007002'), await mk(other, '13900007003')];
    const renamed = await call({ method: 'PATCH', url: `/api/v1/contact-fields/${encodeURIComponent('会员等级')}`, t, payload: { label: '会员级别' } });
    expect(renamed.json()).toEqual({ key: '会员等级', label: '会员级别' });
    expect((await call({ url: '/api/v1/contact-fields', t })).json().fields).toContainEqual({ key: '会员等级', label: '会员级别', type: 'text' });
    expect((await call({ url: '/api/v1/contacts/' + c1, t })).json().fields).toEqual({ 会员等级: '金卡', city: '北京' });
    // a null removes a field's value, other fields stay
    expect((await call({ method: 'PATCH', url: '/api/v1/contacts/' + c2, t, payload: { fields: { city: null } } })).json().fields).toEqual({ 会员等级: '金卡' });
    await call({ method: 'PATCH', url: '/api/v1/contacts/' + c2, t, payload: { fields: { city: '北京' } } });
    expect((await call({ method: 'DELETE', url: `/api/v1/contact-fields/${encodeURIComponent('会员等级')}`, t })).statusCode).toBe(204);
    for (const id of [c1, c2]) expect((await call({ url: '/api/v1/contacts/' + id, t })).json().fields).toEqual({ city: '北京' });
    // the other tenant's field and values are untouched
    expect((await call({ url: '/api/v1/contacts/' + c3, t: other })).json().fields).toEqual({ 会员等级: '金卡', city: '北京' });
    expect((await call({ url: '/api/v1/contact-fields', t: other })).json().fields.map((f: { key: string }) => f.key)).toEqual(['会员等级']);
    expect((await call({ method: 'DELETE', url: '/api/v1/contact-fields/nope', t })).json().error).toMatchObject({ code: 'not_found', message: 'field "nope" not found' });
    expect((await call({ method: 'PATCH', url: '/api/v1/contact-fields/city', t, payload: { label: ' ' } })).statusCode).toBe(400);
  });

  it('imports a GBK CSV with every number format, dedupes, and reports rejected rows with line numbers', async () => {
    const csv = [
      '姓名,手机号码,城市,年龄',
      '张三,13900139000,北京,32',
      '李四,+86 139-0013-9001,上海,45',
      '王五,0086 13900139002,广州,28',
      '赵六,8613900139003,深圳,51',
      '孙七,（139）0013-9004,杭州,19',
      '周八,１３９００１３９００５,成都,60',
      "吴九,'13900139006,北京,33",
      '郑十,13900139007.0,北京,34',
      '钱一,1.39001E+10,北京,35',
      '陈二,139 0013 9000,北京,36',
      '林三,12345,北京,37',
      '黄四,="13900139008",北京,38',
      '"何五, Jr.","139.0013.9009","北京",39',
      '',
      '冯六,+8613800138000,北京,70',
    ].join('\r\n');
    const job = await upload(a, 'gbk.csv', iconv.encode(csv, 'gbk'), { group: 'vip', tags: 'imported,2024', defaultCountry: 'CN' });
    expect(job).toMatchObject({ status: 'done', total: 14, imported: 10, updated: 1, duplicates: 1, invalid: 2, error: null });
    const c = await find(a, '13900139001');
    expect(c).toMatchObject({ name: '李四', fields: { 城市: '上海', 年龄: 45 }, groups: ['vip'], tags: ['2024', 'imported'], carrier: 'China Mobile' });
    expect(await find(a, '13900139009')).toMatchObject({ name: '何五, Jr.' });
    expect(await find(a, '13800138000')).toMatchObject({ name: '冯六', fields: { age: 32, 年龄: 70 }, tags: ['2024', 'imported', 'vip'] });
    const report = await call({ url: `/api/v1/imports/${job.id}/report?lang=en`, t: a });
    expect(report.statusCode).toBe(200);
    const lines = report.body.replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Line,Reason code,Reason,Detail,Row as read');
    expect(lines[1]).toMatch(/^10,scientific_notation,Number in scientific notation \(format the column as text\),"scientific notation loses digits: ""1.39001E\+10""; format the column as text","钱一,1.39001E\+10,北京,35"$/);
    expect(lines[2]).toMatch(/^12,too_short,Number too short,/);
    // in the console's language by default, the code kept beside the words; the rows as JSON too
    const zh = (await call({ url: `/api/v1/imports/${job.id}/report`, t: a })).body.replace(/^\ufeff/, '').split(/\r?\n/);
    expect(zh[0]).toBe('行号,原因代码,原因,详情,原始行');
    expect(zh[2]).toMatch(/^12,too_short,号码太短,/);
    const page = (await call({ url: `/api/v1/imports/${job.id}/rejects?limit=1`, t: a })).json().rejects;
    expect(page).toEqual([expect.objectContaining({ line: 10, reason: 'scientific_notation' })]);
    expect((await call({ url: `/api/v1/imports/${job.id}/rejects?after=10`, t: a })).json().rejects[0]).toMatchObject({ line: 12, reason: 'too_short' });
    const fields = (await call({ url: '/api/v1/contact-fields', t: a })).json().fields;
    expect(fields).toEqual(expect.arrayContaining([{ key: '城市', label: '城市', type: 'text' }, { key: '年龄', label: '年龄', type: 'number' }]));
  });

  it('skips known numbers when asked, and imports XLSX with Chinese names, numeric cells and formulas', async () => {
    const file = await xlsx([
      ['手机', '客户名称', 'VIP'],
      [13900139000, '新名字', '是'],
      [13700137000, '欧阳娜娜', '否'],
      ['+86 137 0013 7001', { richText: [{ text: '司马' }, { text: '光' }] }, '是'],
      [{ formula: '13700137002+0', result: 13700137002 }, '=cmd|" /C calc"!A0', '否'],
    ]);
    const job = await upload(a, '名单.xlsx', file, { existing: 'skip' });
    expect(job).toMatchObject({ status: 'done', total: 4, imported: 3, updated: 0, duplicates: 1, invalid: 0 });
    expect(await find(a, '13900139000')).toMatchObject({ name: '张三' });
    expect(await find(a, '13700137001')).toMatchObject({ name: '司马光', fields: { vip: true } });
    expect(await find(a, '13700137002')).toMatchObject({ name: '=cmd|" /C calc"!A0' });
  });

  it('fails an import with a clear reason for an empty file or a file without phone numbers', async () => {
    expect(await upload(a, 'empty.csv', Buffer.alloc(0))).toMatchObject({ status: 'failed', error: 'the file is empty' });
    expect(await upload(a, 'nophones.csv', Buffer.from('a,b\nx,y\n'))).toMatchObject({ status: 'failed', error: expect.stringContaining('no column looks like phone numbers') });
    const noFile = await call({ method: 'POST', url: '/api/v1/contacts/import', t: a, ...multipartNoFile() });
    expect(noFile.statusCode).toBe(400);
  });

  it('exports groups and segments to CSV and XLSX that import back unchanged, with formulas escaped', async () => {
    const groups = (await call({ url: '/api/v1/groups', t: a })).json().groups;
    const vip = groups.find((g: { name: string }) => g.name === 'vip');
    expect(vip.size).toBe(11);
    const csv = await call({ url: `/api/v1/groups/${vip.id}/export?format=csv`, t: a });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.startsWith('\ufeff号码,姓名')).toBe(true);
    expect(csv.body).toContain("'+8613900139001,李四");
    const x = await call({ url: '/api/v1/contacts/export?format=xlsx&filter=name%20contains%20%22cmd%22', t: a });
    const rows = await readXlsx(x.rawPayload);
    expect(rows[0].slice(0, 2)).toEqual(['号码', '姓名']);
    // XLSX cells are typed text: no apostrophe, and never a formula.
    expect(rows[1].slice(0, 2)).toEqual(['+8613700137002', '=cmd|" /C calc"!A0']);
    expect((await call({ url: '/api/v1/contacts/export?format=csv&lang=en', t: a })).body.startsWith('\ufeffNumber,Name')).toBe(true);
    const all = await call({ url: '/api/v1/contacts/export?format=xlsx', t: a });
    const again = await upload(b, 'roundtrip.xlsx', all.rawPayload);
    expect(again).toMatchObject({ status: 'done', invalid: 0, duplicates: 0 });
    const original = (await call({ url: '/api/v1/contacts?limit=1000', t: a })).json().contacts;
    expect(again.imported).toBe(original.length);
    for (const c of original) expect((await find(b, c.phone))?.name).toBe(c.name);
    const round = await call({ url: '/api/v1/contacts/export?format=csv', t: b });
    expect(round.body.split('\n').length).toBe(original.length + 2);
  });

  it('counts and saves segments over fields, tags, groups, attributes and activity', async () => {
    const count = async (filter: string) => {
      const r = await call({ method: 'POST', url: '/api/v1/segments/count', t: a, payload: { filter } });
      expect(r.statusCode, `${filter}: ${r.body}`).toBe(200);
      return r.json().count as number;
    };
    expect(await count('城市 = "北京" and 年龄 >= 33')).toBe(5);
    expect(await count('城市 = "北京" and 年龄 >= 33 and not 年龄 in (34, 35)')).toBe(4);
    expect(await count('group:vip and (城市 = "上海" or 城市 = "广州")')).toBe(2);
    expect(await count('group:"北京客户"')).toBe(1);
    expect(await count('tag:vip')).toBe(1);
    expect(await count('carrier = "China Mobile" and province = "北京市"')).toBe(await count('carrier = "中国移动" and province = "北京"'));
    expect(await count('city != "北京"')).toBe(await count('not city = "北京"'));
    expect(await count('name contains "五"')).toBe(2);
    expect(await count('name contains "%"')).toBe(0);
    expect(await count('vip = true')).toBe(1);
    expect(await count('created within 1d')).toBe(await count('phone contains "+"'));
    expect(await count('replied within 30d or opted_out')).toBe(0);
    expect(await count('not replied within 30d')).toBe(await count('phone contains "+"'));
    const bad = await call({ method: 'POST', url: '/api/v1/segments/count', t: a, payload: { filter: 'city = "北京" and' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'filter_syntax', details: { position: 16 } });
    const saved = await call({ method: 'POST', url: '/api/v1/segments', t: a, payload: { name: 'old Beijing', filter: '城市 = "北京" and 年龄 >= 33' } });
    expect(saved.statusCode).toBe(201);
    expect((await call({ url: `/api/v1/segments/${saved.json().id}/count`, t: a })).json()).toEqual({ count: 5 });
    const exported = await call({ url: `/api/v1/segments/${saved.json().id}/export`, t: a });
    expect(exported.body.trim().split('\n')).toHaveLength(6);
    expect((await call({ method: 'POST', url: '/api/v1/segments', t: a, payload: { name: 'x', filter: 'a = ' } })).statusCode).toBe(400);
  });

  it('walls tenants off: contacts, groups, segments, imports and exports of A are 404 or invisible to B', async () => {
    const contact = await find(a, '13800138000');
    const group = (await call({ url: '/api/v1/groups', t: a })).json().groups[0];
    const segment = (await call({ url: '/api/v1/segments', t: a })).json().segments[0];
    const job = (await call({ url: '/api/v1/imports', t: a })).json().imports[0];
    for (const url of [`/api/v1/contacts/${contact.id}`, `/api/v1/groups/${group.id}`, `/api/v1/groups/${group.id}/export`,
      `/api/v1/segments/${segment.id}`, `/api/v1/segments/${segment.id}/count`, `/api/v1/segments/${segment.id}/export`,
      `/api/v1/imports/${job.id}`, `/api/v1/imports/${job.id}/report`, `/api/v1/contacts/${contact.id}/consents`]) {
      expect((await call({ url, t: b })).statusCode, url).toBe(404);
    }
    expect((await call({ method: 'PATCH', url: `/api/v1/contacts/${contact.id}`, t: b, payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await call({ method: 'DELETE', url: `/api/v1/groups/${group.id}`, t: b })).statusCode).toBe(404);
    expect((await call({ method: 'POST', url: `/api/v1/groups/${group.id}/members`, t: b, payload: { contactIds: [contact.id] } })).statusCode).toBe(404);
    expect((await call({ method: 'POST', url: '/api/v1/segments/count', t: b, payload: { filter: `group:"${group.id}"` } })).json().count).toBe(0);
    expect((await call({ url: '/api/v1/contacts?filter=tag:vip', t: b })).json().contacts).toEqual([]);
    const mine = await call({ method: 'POST', url: '/api/v1/groups', t: b, payload: { name: 'mine' } });
    await call({ method: 'POST', url: `/api/v1/groups/${mine.json().id}/members`, t: b, payload: { contactIds: [contact.id] } });
    expect((await call({ url: `/api/v1/groups/${mine.json().id}`, t: b })).json().size).toBe(0);
    expect((await find(a, '13800138000')).name).toBe('冯六');
  });

  it('keeps consent evidence, opt-outs and blocklists, and exports then erases a data subject for good', async () => {
    const c = await find(a, '13900139002');
    const granted = await call({ method: 'POST', url: `/api/v1/contacts/${c.id}/consents`, t: a, payload: { purpose: 'marketing', source: 'web form', textShown: '同意接收优惠信息', ip: '203.0.113.9' } });
    expect(granted.statusCode).toBe(201);
    expect((await call({ method: 'DELETE', url: `/api/v1/contacts/${c.id}/consents/marketing`, t: a })).json()).toEqual({ withdrawn: 1 });
    const history = (await call({ url: `/api/v1/contacts/${c.id}/consents`, t: a })).json().consents;
    expect(history[0]).toMatchObject({ status: 'withdrawn', textShown: '同意接收优惠信息', ip: '203.0.113.9', retainUntil: expect.any(String) });
    expect(await purgeExpiredConsents(s.deps.store.db, new Date().toISOString())).toBe(0);
    const old = await grantConsent(s.deps.store.db, a.id, { contactId: c.id, purpose: 'notification', source: 'paper', at: '2019-01-01T00:00:00.000Z' });
    await withdrawConsent(s.deps.store.db, a.id, c.id, 'notification', '2019-02-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z');
    expect(await purgeExpiredConsents(s.deps.store.db, new Date().toISOString())).toBe(1);
    expect((await call({ url: `/api/v1/contacts/${c.id}/consents`, t: a })).json().consents.map((x: { id: string }) => x.id)).not.toContain(old.id);
    const out = await call({ method: 'POST', url: `/api/v1/contacts/${c.id}/opt-out`, t: a, payload: { channel: 'sms:退订' } });
    expect(out.json()).toMatchObject({ optedOutChannel: 'sms:退订', optedOutAt: expect.any(String) });
    expect((await call({ method: 'POST', url: '/api/v1/segments/count', t: a, payload: { filter: 'opted_out' } })).json().count).toBe(1);

    expect((await call({ method: 'POST', url: '/api/v1/blocklist', t: a, payload: { phones: ['139 0013 9002'], reason: 'complaint' } })).json()).toEqual({ blocked: ['+8613900139002'] });
    expect((await call({ url: '/api/v1/blocklist', t: b })).json().entries).toEqual([]);
    const subject = await call({ url: '/api/v1/contacts/subject?phone=13900139002', t: a });
    expect(subject.json()).toMatchObject({ phone: '+8613900139002', contact: { name: '王五' }, consents: [{ purpose: 'marketing' }], blocked: [{ scope: 'tenant', reason: 'complaint' }], suppressed: false });
    expect((await call({ method: 'DELETE', url: '/api/v1/contacts/subject?phone=%2B8613900139002', t: a })).json()).toEqual({ erased: true, suppressed: true });
    expect(await find(a, '13900139002')).toBeUndefined();
    expect((await call({ url: '/api/v1/contacts/subject?phone=13900139002', t: a })).json()).toMatchObject({ contact: null, consents: [], blocked: [], suppressed: true });
    expect((await call({ method: 'POST', url: '/api/v1/contacts', t: a, payload: { phone: '13900139002' } })).statusCode).toBe(409);
    expect(await find(b, '13900139002')).toMatchObject({ name: '王五' });
    const reimport = await upload(a, 'again.csv', Buffer.from('phone,name\n139 0013 9002,王五\n'));
    expect(reimport).toMatchObject({ status: 'done', imported: 0, invalid: 1 });
    expect((await call({ url: `/api/v1/imports/${reimport.id}/report`, t: a })).body).toContain('2,erased,');
    expect(await find(a, '13900139002')).toBeUndefined();
  });

  function multipartNoFile() {
    const boundary = 'xyz';
    return { payload: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="group"\r\n\r\nvip\r\n--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }
});
