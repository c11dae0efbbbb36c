// The loyalty pages in a real browser (Debian's Chromium driven by playwright-core) against the real server in
// embedded mode: add a gift with the form, see a member's points and ledger, fulfil a redemption made by SMS; a
// lottery whose prize is that gift, made with the guided form, won from a handset and fulfilled as a redemption.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotDir as shots, startEmbeddedConsole, type DemoApi, type EmbeddedConsole } from '../support/embedded.ts';

const phone = '8613900139055';

describe('Loyalty pages in the console (Chromium)', () => {
  let node: EmbeddedConsole;
  let demo: DemoApi;
  let from = '';

  beforeAll(async () => {
    node = await startEmbeddedConsole('loyalty', 'browser-test-pw');
    demo = await node.demoApi();
  }, 120_000);
  afterAll(async () => node?.stop(), 15_000);

  /** Opens the gift catalogue's add form and fills its code, name, price and stock. */
  async function newGift(page: Page, gift: { code: string; name: string; points: number; stock: number }): Promise<void> {
    await page.getByRole('menuitem', { name: '礼品目录' }).click();
    await page.getByTestId('gift-add').click();
    await page.getByTestId('gift-code').fill(gift.code);
    await page.getByTestId('gift-name').fill(gift.name);
    await page.getByTestId('gift-points').fill(String(gift.points));
    await page.getByTestId('gift-stock').fill(String(gift.stock));
  }

  it('adds a gift with the form, shows the points and ledger, fulfils a redemption made by SMS', async () => {
    const contact = await demo.json('POST', '/contacts', { phone: '13900139055', name: '赵<i>六</i>' }) as { id: string };
    const credit = await fetch(`${node.url}/api/v1/points/${contact.id}/entries`, { method: 'POST', headers: { ...demo.headers, 'content-type': 'application/json', 'idempotency-key': 'welcome' }, body: JSON.stringify({ points: 1500, note: '开卡礼' }) });
    expect(credit.status).toBe(201);

    const { context, page } = await node.signIn();
    try {
      await newGift(page, { code: 'g01', name: '保温杯', points: 1200, stock: 3 });
      await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
      await page.getByRole('cell', { name: 'G01' }).waitFor();
      await page.getByRole('cell', { name: '1,200 分' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'loyalty-01-gifts-zh.png') });

      // the member redeems by SMS through the virtual carrier
      from = await demo.addressFor(phone);
      const svc = await demo.json('POST', '/services', { type: 'points', name: '会员积分', config: {} }) as { id: string };
      expect((await demo.fetch('POST', `/services/${svc.id}/open`, {})).status).toBe(200);
      expect((await demo.fetch('POST', '/simulator/mo', { from: phone, to: from, text: 'DH G01' })).status).toBe(202);
      await expect.poll(async () => {
        const h = await demo.json('GET', `/simulator/handsets/${phone}`) as { messages: { text: string }[] };
        return h.messages.map((m) => m.text).join('|');
      }, { timeout: 20_000 }).toContain('兑换成功');

      await page.getByRole('menuitem', { name: '积分账户' }).click();
      await page.getByRole('cell', { name: '赵<i>六</i>' }).click();
      await expect.poll(async () => page.getByTestId('points-balance').textContent()).toContain('300 分');
      await page.getByRole('cell', { name: '开卡礼' }).waitFor();
      await page.getByText('消费', { exact: true }).waitFor();
      await page.screenshot({ path: path.join(shots, 'loyalty-02-ledger-zh.png') });
      await page.keyboard.press('Escape');

      await page.getByRole('menuitem', { name: '兑换记录' }).click();
      await page.getByRole('cell', { name: 'G01 保温杯' }).waitFor();
      await page.getByRole('button', { name: '标记已发放' }).click();
      await page.getByRole('cell', { name: 'G01 保温杯' }).waitFor({ state: 'detached' });
      await page.getByText('已发放', { exact: true }).first().click();
      await page.getByRole('cell', { name: 'G01 保温杯' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'loyalty-03-redemptions-zh.png') });
    } finally {
      await context.close();
    }
  }, 120_000);

  it('makes a lottery whose prize is a catalogue gift with the form; a handset wins it and the redemption waits to be fulfilled', async () => {
    const { context, page } = await node.signIn({ viewport: { width: 1280, height: 1000 } });
    /** Picks an option of a select by its label and checks the select shows it (a dropdown re-rendered or animating can miss a click: then again). */
    const choose = async (label: string, text: string) => {
      const field = page.getByRole('dialog').locator('.ant-form-item', { has: page.getByLabel(label, { exact: true }) }).last();
      for (let attempt = 1; ; attempt++) {
        const picked = await (async () => {
          await page.getByRole('dialog').getByLabel(label, { exact: true }).click({ timeout: 5_000 });
          await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first().click({ timeout: 5_000 });
          await expect.poll(async () => field.textContent(), { timeout: 3_000 }).toContain(text);
        })().then(() => true, (e: Error) => {
          if (attempt === 3) throw e;
          return false;
        });
        if (picked) return;
        await page.locator('.ant-modal-title').click(); // closes an open dropdown (Escape would close the dialog)
      }
    };
    try {
      await page.getByRole('menuitem', { name: '互动服务' }).click();
      await page.getByRole('button', { name: '新建服务' }).click();
      const dialog = page.getByRole('dialog');
      await choose('类型', '短信抽奖');
      await dialog.getByLabel('名称', { exact: true }).fill('礼品抽奖');
      await dialog.getByLabel('关键词', { exact: true }).fill('LPCJ');
      await page.keyboard.press('Enter');
      await choose('抽奖方式', '即开即中');
      // the winning moment falls in the window: a long past and a short future make it almost surely passed
      await dialog.getByLabel('参与开始时间').fill(new Date(Date.now() - 400 * 3_600_000).toISOString());
      await dialog.getByLabel('参与截止时间').fill(new Date(Date.now() + 3 * 60_000).toISOString());
      await dialog.getByRole('button', { name: '添加奖项' }).click();
      await dialog.getByPlaceholder('奖品名称').fill('幸运保温杯');
      await dialog.getByPlaceholder('数量').fill('1');
      await choose('礼品（可选）', 'G01 保温杯（库存 2）');
      await dialog.getByLabel('缺货时改赠积分').fill('50');
      await page.screenshot({ path: path.join(shots, 'loyalty-04-lottery-gift-form-zh.png') });
      await dialog.getByRole('button', { name: /创\s*建/ }).click();
      await page.getByRole('link', { name: '礼品抽奖' }).click();
      await page.getByRole('button', { name: /上\s*线/ }).click();
      await page.getByText('进行中', { exact: true }).first().waitFor();
      const lottery = (await demo.json('GET', '/services') as { services: Array<{ id: string; name: string; config: Record<string, unknown> }> }).services.find((s) => s.name === '礼品抽奖')!;
      expect(lottery.config.mode).toBe('instant');
      expect(lottery.config.prizes).toEqual([expect.objectContaining({ name: '幸运保温杯', count: 1, gift: 'G01', substitutePoints: 50 })]);

      expect((await demo.fetch('POST', '/simulator/mo', { from: phone, to: from, text: 'LPCJ' })).status).toBe(202);
      await expect.poll(async () => (await demo.json('GET', `/services/${lottery.id}/winners`)).winners.map((w: { award: string }) => w.award), { timeout: 20_000 }).toEqual(['gift']);
      await page.reload();
      await page.getByRole('cell', { name: '礼品已预留', exact: true }).waitFor();
      await page.screenshot({ path: path.join(shots, 'loyalty-05-lottery-winners-zh.png') });
      await page.getByRole('link', { name: '去发放' }).click();
      const row = page.getByRole('row', { name: /抽奖中奖/ });
      await row.getByRole('cell', { name: 'G01 保温杯' }).waitFor();
      await row.getByRole('cell', { name: '0 分' }).waitFor();
      // the prize cost no points: its cancel returns only the stock, and says so
      await row.getByRole('button', { name: '取消并退回库存' }).waitFor();
      await row.getByRole('button', { name: '标记已发放' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await demo.json('GET', '/gifts')).gifts[0].stock).toBe(1);
      await page.screenshot({ path: path.join(shots, 'loyalty-06-lottery-redemption-zh.png') });
    } catch (e) {
      await page.screenshot({ path: path.join(shots, 'loyalty-lottery-failure.png') });
      throw e;
    } finally {
      await context.close();
    }
  }, 120_000);

  it('reads and shows a gift\'s dates in the tenant\'s zone, not the browser\'s', async () => {
    const gift = async () => ((await demo.json('GET', '/gifts')) as { gifts: { code: string; startsAt: string | null }[] }).gifts.find((g) => g.code === 'G02');
    // the demo tenant is on Asia/Shanghai (UTC+8); the browser is in New York (UTC-5 in December)
    const { context, page } = await node.signIn({ timezoneId: 'America/New_York' });
    try {
      await newGift(page, { code: 'g02', name: '雨伞', points: 300, stock: 5 });
      const starts = page.getByRole('dialog').getByLabel('开始时间');
      await starts.click();
      await starts.fill('2026-12-24 21:30');
      await page.keyboard.press('Enter');
      await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
      await page.getByRole('cell', { name: 'G02' }).waitFor();
      await expect.poll(async () => (await gift())?.startsAt).toBe('2026-12-24T13:30:00.000Z');
      // shown and offered for editing as the tenant's wall clock again
      const row = page.getByRole('row', { name: /G02/ });
      await expect.poll(() => row.innerText()).toContain('21:30');
      await row.getByRole('button', { name: /编\s*辑/ }).click();
      expect(await page.getByRole('dialog').getByLabel('开始时间').inputValue()).toBe('2026-12-24 21:30');
    } finally {
      await context.close();
    }
  }, 120_000);
});
