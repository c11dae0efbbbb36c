// The loyalty pages in a real browser (Debian's Chromium driven by playwright-core) against the real server in
// embedded mode: add a gift with the form, see a member's points and ledger, fulfil a redemption made by SMS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { screenshotDir as shots, startEmbeddedConsole, tidingsBin as bin, type EmbeddedConsole } from '../support/embedded.ts';

const password = 'browser-test-pw';

describe('Loyalty pages in the console (Chromium)', () => {
  let node: EmbeddedConsole;
  let url = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    node = await startEmbeddedConsole('loyalty', password);
    ({ url, env } = node);
  }, 120_000);
  afterAll(async () => node?.stop(), 15_000);

  /** A new API key of the demo tenant, made with the CLI. */
  const apiKey = async () => (await promisify(execFile)(process.execPath, [bin, 'apikey', 'create', '--tenant', 'demo'], { env })).stdout.trim();

  /** A page of a new browser context (closed with it) signed in as the demo owner. */
  async function signedIn(options: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
    const context = await node.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(url);
    await page.getByLabel('邮箱').fill('demo@tidings.local');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '概览' }).waitFor();
    return { context, page };
  }

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
    const key = await apiKey();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const post = (p: string, body: unknown, more: Record<string, string> = {}) => fetch(`${url}/api/v1${p}`, { method: 'POST', headers: { ...headers, ...more }, body: JSON.stringify(body) });
    const contact = await (await post('/contacts', { phone: '13900139055', name: '赵<i>六</i>' })).json() as { id: string };
    expect((await post(`/points/${contact.id}/entries`, { points: 1500, note: '开卡礼' }, { 'idempotency-key': 'welcome' })).status).toBe(201);

    const { context, page } = await signedIn({});
    try {
      await newGift(page, { code: 'g01', name: '保温杯', points: 1200, stock: 3 });
      await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
      await page.getByRole('cell', { name: 'G01' }).waitFor();
      await page.getByRole('cell', { name: '1,200 分' }).waitFor();
      await page.screenshot({ path: path.join(shots, 'loyalty-01-gifts-zh.png') });

      // the member redeems by SMS through the virtual carrier
      expect((await post('/messages', { to: ['+8613900139055'], text: '欢迎' })).status).toBe(202);
      let from = '';
      await expect.poll(async () => {
        const h = await (await fetch(`${url}/api/v1/simulator/handsets/8613900139055`, { headers })).json() as { messages?: { from: string }[] };
        from = h.messages?.[0]?.from ?? '';
        return from;
      }, { timeout: 20_000 }).not.toBe('');
      const svc = await (await post('/services', { type: 'points', name: '会员积分', config: {} })).json() as { id: string };
      expect((await post(`/services/${svc.id}/open`, {})).status).toBe(200);
      expect((await post('/simulator/mo', { from: '8613900139055', to: from, text: 'DH G01' })).status).toBe(202);
      await expect.poll(async () => {
        const h = await (await fetch(`${url}/api/v1/simulator/handsets/8613900139055`, { headers })).json() as { messages: { text: string }[] };
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

  it('reads and shows a gift\'s dates in the tenant\'s zone, not the browser\'s', async () => {
    const key = await apiKey();
    const gift = async () => ((await (await fetch(`${url}/api/v1/gifts`, { headers: { authorization: `Bearer ${key}` } })).json()) as { gifts: { code: string; startsAt: string | null }[] }).gifts.find((g) => g.code === 'G02');
    // the demo tenant is on Asia/Shanghai (UTC+8); the browser is in New York (UTC-5 in December)
    const { context, page } = await signedIn({ timezoneId: 'America/New_York' });
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
