// The Services section in a real browser (Debian's Chromium driven by playwright-core) against the real server in
// embedded mode: create a poll with the guided form, open it, vote from a virtual handset, see the live result; a
// genuine code check entering a lottery, the draw from the console, its audit view and the code statistics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { screenshotDir as shots, startEmbeddedConsole, type DemoApi, type EmbeddedConsole } from '../support/embedded.ts';

describe('Services in the console (Chromium)', () => {
  let node: EmbeddedConsole;
  let demo: DemoApi;
  let url = '';

  beforeAll(async () => {
    node = await startEmbeddedConsole('services', 'browser-test-pw');
    url = node.url;
    demo = await node.demoApi();
  }, 120_000);
  afterAll(async () => node?.stop(), 15_000);

  it('creates a poll with the guided form, opens it, and shows a handset\'s vote live', async () => {
    const { context, page } = await node.signIn();
    try {
      await page.getByRole('menuitem', { name: '互动服务' }).click();
      await page.getByText('还没有服务。').waitFor();
      await page.getByRole('button', { name: '新建服务' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名称').fill('口味 <b>投票</b>');
      await dialog.getByLabel('关键词').fill('投票');
      await page.keyboard.press('Enter');
      await dialog.getByLabel('问题').fill('最喜欢哪个口味？');
      await dialog.getByPlaceholder('选项名称').nth(0).fill('香草');
      await dialog.getByPlaceholder('选项名称').nth(1).fill('巧克力');
      await page.screenshot({ path: path.join(shots, 'services-01-create-zh.png') });
      await dialog.getByRole('button', { name: /创\s*建/ }).click();
      await page.getByRole('link', { name: '口味 <b>投票</b>' }).click();
      await page.getByRole('button', { name: /上\s*线/ }).click();
      await page.getByText('进行中', { exact: true }).first().waitFor();

      // a handset the tenant has messaged votes (the demo's virtual carrier, through the HTTP API)
      const from = await demo.addressFor('8613900139001', '欢迎参加口味投票');
      const mo = await demo.fetch('POST', '/simulator/mo', { from: '8613900139001', to: from, text: '投票２' });
      expect(mo.status).toBe(202);
      await expect.poll(async () => page.locator('.ant-statistic').first().textContent(), { timeout: 20_000 }).toContain('1');
      await page.locator('canvas').first().waitFor();
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(shots, 'services-02-poll-results-zh.png') });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('draws a lottery entered by a genuine code check and shows its audit and the check statistics', async () => {
    const api = demo.json;
    const batch = await api('POST', '/code-batches', { product: '飞天 500ml', count: 3, length: 16 });
    const csv = await (await demo.fetch('GET', `/code-batches/${batch.id}/export?format=csv`)).text();
    const code = csv.trim().split('\n')[1].split(',')[1];
    const codes = await api('POST', '/services', { type: 'codes', name: '防伪查询', keywords: ['FW'], config: { length: 16 } });
    expect((await api('POST', `/services/${codes.id}/open`)).status).toBe('live');
    const closesAt = new Date(Date.now() + 45_000).toISOString();
    const lottery = await api('POST', '/services', { type: 'lottery', name: '扫码抽奖', keywords: ['SMCJ'], config: { opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt, drawAt: new Date(Date.now() + 86_400_000).toISOString(), keywordEntry: false, fedBy: [codes.id], prizes: [{ name: '一等奖', count: 1 }] } });
    expect((await api('POST', `/services/${lottery.id}/open`)).status).toBe('live');
    const from = await demo.addressFor('8613900139001');
    await api('POST', '/simulator/mo', { from: '8613900139001', to: from, text: code });
    await expect.poll(async () => (await api('GET', `/code-checks/stats?serviceId=${codes.id}`)).byResult.map((r: { key: string }) => r.key), { timeout: 20_000 }).toEqual(['genuine']);
    // the replies may wait for the demo tenant's quiet hours; the entry itself is made at once
    await expect.poll(async () => (await api('GET', `/services/${lottery.id}/results`)).view.entries.reduce((a: number, e: { n: number }) => a + e.n, 0), { timeout: 20_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(closesAt) - Date.now() + 500)));

    const { context, page } = await node.signIn({ viewport: { width: 1280, height: 1000 } });
    try {
      await page.goto(`${url}/services/${lottery.id}`);
      await page.getByText('开奖与公证').waitFor();
      const draws = await api('GET', `/services/${lottery.id}/draws`);
      await page.getByText(draws.draws[0].seedHash).waitFor();
      await page.getByRole('button', { name: '立即开奖' }).click();
      await page.getByRole('button', { name: '立即开奖' }).last().click();
      await expect.poll(async () => (await api('GET', `/services/${lottery.id}/winners`)).winners.length, { timeout: 20_000 }).toBe(1);
      const list = (await api('GET', `/services/${lottery.id}/winners`)).winners;
      await page.getByText(list[0].claimCode).waitFor();
      const audit = await api('GET', `/services/${lottery.id}/draws/${draws.draws[0].id}/audit`);
      await page.getByText(audit.seed).waitFor();
      await page.getByText('hmac-sha256-ctr-rejection/v1').waitFor();
      await page.screenshot({ path: path.join(shots, 'lottery-01-audit-zh.png') });
      await page.goto(`${url}/services/${codes.id}`);
      await page.getByText('按省份（假货高发地）').waitFor();
      await page.getByText('正品首次查询').first().waitFor();
      await page.getByText('飞天 500ml').first().waitFor();
      await page.screenshot({ path: path.join(shots, 'lottery-02-code-stats-zh.png') });
    } finally {
      await context.close();
    }
  }, 180_000);

  it('a fresh virtual handset of the tenant texts the poll keyword and shows the reply', async () => {
    const { context, page } = await node.signIn();
    try {
      await page.getByRole('menuitem', { name: '虚拟手机' }).click();
      await page.getByTestId('handset-create').click();
      const phone = page.getByTestId('handset');
      await phone.waitFor();
      const number = (await phone.locator('.ant-card-head-title').textContent())!.trim();
      expect(number).toMatch(/^\+861390\d{7}$/);
      const to = phone.getByPlaceholder('1069…');
      if (!(await to.inputValue())) await to.fill('10690001');
      await phone.getByTestId('handset-reply').fill('投票1');
      await phone.getByTestId('handset-reply').press('Enter');
      await expect.poll(async () => phone.locator('.ant-typography').allTextContents().then((t) => t.join(' ')), { timeout: 20_000 }).toContain('感谢投票：香草');
      // the handset shows what it sent too (walkthrough finding 22): on the right, addressed, above the reply it got
      const sent = phone.getByTestId('handset-sent').filter({ hasText: '投票1' });
      await sent.waitFor();
      expect(await sent.textContent()).toContain('发往');
      const reply = phone.getByTestId('handset-received').filter({ hasText: '感谢投票：香草' });
      const [s, r] = [(await sent.boundingBox())!, (await reply.boundingBox())!];
      expect(s.x + s.width).toBeGreaterThan(r.x + r.width);
      expect(s.y).toBeLessThan(r.y);
      await page.screenshot({ path: path.join(shots, 'services-03-fresh-handset-zh.png') });
      // the handset is the tenant's: it is listed, and its vote counts in the poll
      await page.getByText(number).first().waitFor();
    } finally {
      await context.close();
    }
  }, 90_000);
});
