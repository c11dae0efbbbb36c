// The channels page in a real browser (Debian's Chromium driven by playwright-core) against the real server in
// embedded mode: a CMPP, an SGIP and an SMGP channel made through their forms against the embedded virtual gateways,
// each tested with a wrong and then the right secret before it is created; the table at 1280×800 and narrower.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { screenshotDir as shots, startEmbeddedConsole, type EmbeddedConsole } from '../support/embedded.ts';

const password = 'browser-test-pw';

type Stored = { name: string; state: string; config: Record<string, unknown> };

describe('Channel forms in the console (Chromium)', () => {
  let node: EmbeddedConsole;

  beforeAll(async () => {
    node = await startEmbeddedConsole('channels', password);
  }, 120_000);
  afterAll(async () => node?.stop(), 15_000);

  /** The platform's channels as the API shows them to the signed-in admin. */
  const channels = (page: Page) => page.evaluate(async () => ((await (await fetch('/api/v1/admin/channels')).json()) as { channels: Stored[] }).channels);

  /** Signs in as the platform admin and opens the channels page. */
  async function openChannels(page: Page): Promise<void> {
    await page.goto(node.url);
    await page.getByLabel('邮箱').fill('admin@tidings.local');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto(`${node.url}/admin/channels`);
  }

  /** Fills the form's fields by their (exact) labels. */
  async function fill(dialog: Locator, values: Record<string, string | number>): Promise<void> {
    for (const [label, value] of Object.entries(values)) await dialog.getByLabel(label, { exact: true }).fill(String(value));
  }

  /** Presses 测试连接 and waits for the answer, which must contain `words`. */
  async function test(dialog: Locator, words: string): Promise<string> {
    await dialog.getByTestId('channel-test').click();
    const result = dialog.getByTestId('channel-test-result');
    await result.getByText(words, { exact: false }).first().waitFor({ timeout: 20_000 });
    return (await result.textContent()) ?? '';
  }

  it('creates CMPP, SGIP and SMGP channels through their forms, each tested with a wrong and the right secret', async () => {
    const context = await node.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await openChannels(page);
      await page.getByRole('cell', { name: 'virtual-cmpp' }).waitFor();
      const virtual = Object.fromEntries((await channels(page)).map((c) => [c.name, c.config]));
      const dialog = page.getByRole('dialog');

      async function open(type: string, name: string): Promise<void> {
        await page.getByRole('button', { name: '添加通道' }).click();
        // the chosen protocol shows in the select (its title); under load a click on the opening dropdown can be lost
        const chosen = dialog.getByTitle(type, { exact: true });
        for (let attempt = 0; attempt < 3 && !(await chosen.isVisible()); attempt++) {
          await dialog.getByLabel('协议', { exact: true }).click();
          // dispatched, not clicked: while the page re-renders under load the option may never hold still for a click
          await page.getByTitle(type, { exact: true }).last().dispatchEvent('click');
          await chosen.waitFor({ timeout: 5_000 }).catch(() => undefined);
        }
        await dialog.getByLabel('名称', { exact: true }).fill(name);
      }
      async function create(name: string): Promise<void> {
        await dialog.getByRole('button', { name: /创\s*建/ }).click();
        await dialog.waitFor({ state: 'hidden' });
        await expect.poll(async () => (await channels(page)).find((c) => c.name === name)?.state, { timeout: 30_000 }).toBe('bound');
        await page.getByRole('row', { name: new RegExp(name) }).getByText('已连接', { exact: true }).waitFor({ timeout: 15_000 });
      }

      // CMPP 3.0 — China Mobile: a wrong shared secret is "认证错", a field too long is named, then the right one logs in
      await open('CMPP 2.0 / 3.0（中国移动）', 'cmcc-1');
      expect(await dialog.getByLabel('端口', { exact: true }).inputValue()).toBe('7890');
      expect(await dialog.getByLabel('滑动窗口', { exact: true }).inputValue()).toBe('16');
      await fill(dialog, { 主机: '127.0.0.1', 端口: Number(virtual['virtual-cmpp'].port), '企业代码（SP_Id）': '9012345', 共享密钥: 'wrong', '服务代码（接入号）': '1065712345' });
      await dialog.getByTestId('channel-test').click();
      await dialog.getByText('企业代码（SP_Id）最多 6 个字符').waitFor();
      await fill(dialog, { '企业代码（SP_Id）': '901234' });
      const refused = await test(dialog, '连接失败');
      expect(refused).toContain('认证错：企业代码或共享密钥错误');
      expect(refused).toContain('status 3 (authentication)');
      await page.screenshot({ path: path.join(shots, 'channels-01-cmpp-refused-zh.png') });
      await fill(dialog, { 共享密钥: 'secret' });
      await test(dialog, '连接成功');
      await dialog.getByText('高级设置', { exact: false }).click();
      expect(await dialog.getByLabel('应答超时（毫秒）', { exact: true }).inputValue()).toBe('10000');
      await page.screenshot({ path: path.join(shots, 'channels-02-cmpp-ok-zh.png') });
      await create('cmcc-1');

      // SGIP 1.2 — China Unicom: our Bind refused as "非法登录", with the listener the SMG would connect back to
      await open('SGIP 1.2（中国联通）', 'cu-1');
      expect(await dialog.getByLabel('回连监听端口', { exact: true }).inputValue()).toBe('8801');
      expect(await dialog.getByLabel('回连监听地址', { exact: true }).inputValue()).toBe('0.0.0.0');
      await fill(dialog, {
        主机: '127.0.0.1', 端口: Number(virtual['virtual-sgip'].port), 登录名: 'tidings', 密码: 'wrong', 'SP 节点编号': 3010012345,
        回连监听地址: '127.0.0.1', 回连监听端口: 0, 'SMG 回连登录名': 'unicom', 'SMG 回连密码': 'back-secret', '企业代码（CorpId）': '12345',
      });
      expect(await test(dialog, '连接失败')).toContain('非法登录：登录名或密码错误');
      await fill(dialog, { 密码: 'secret' });
      await test(dialog, '连接成功');
      await page.screenshot({ path: path.join(shots, 'channels-03-sgip-ok-zh.png') });
      await create('cu-1');

      // SMGP 3.0.3 — China Telecom
      await open('SMGP 3.0.3（中国电信）', 'ct-1');
      await fill(dialog, { 主机: '127.0.0.1', 端口: Number(virtual['virtual-smgp'].port), '登录账号（ClientID）': 'tidings', 共享密钥: 'wrong', 'SP 接入号（SrcTermID）': '1180001' });
      expect(await test(dialog, '连接失败')).toContain('认证错：登录账号或共享密钥错误');
      await fill(dialog, { 共享密钥: 'secret' });
      await test(dialog, '连接成功');
      await create('ct-1');

      // stored with every default filled in by the form, no secret shown
      const stored = Object.fromEntries((await channels(page)).map((c) => [c.name, c.config]));
      expect(stored['cmcc-1']).toMatchObject({ type: 'cmpp', version: 48, spId: '901234', sharedSecret: '********', window: 16, feeType: '01', reconnect: { minMs: 500, maxMs: 30000 } });
      expect(stored['cu-1']).toMatchObject({ type: 'sgip', password: '********', sharedSecret: '********', listenHost: '127.0.0.1', listenPort: 0, chargeNumber: '000000000000000000000' });
      expect(stored['ct-1']).toMatchObject({ type: 'smgp', secret: '********', loginMode: 'transmit', chineseFormat: 15 });
      expect(JSON.stringify(stored)).not.toContain('back-secret');
      await page.screenshot({ path: path.join(shots, 'channels-04-table-1280-zh.png') });
    } finally {
      await context.close();
    }
  }, 240_000);

  it('edits a channel with the same form: secrets shown as ******** and kept when untouched, the change applied', async () => {
    const context = await node.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await openChannels(page);
      await page.getByTestId('channel-edit-virtual-cmpp').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('编辑通道 virtual-cmpp').waitFor();
      expect(await dialog.getByLabel('名称', { exact: true }).isDisabled()).toBe(true);
      expect(await dialog.getByLabel('共享密钥', { exact: true }).inputValue()).toBe('********');
      expect(await dialog.getByLabel('滑动窗口', { exact: true }).inputValue()).toBe('16');
      // the stored secret serves the test login while the field still shows the mask
      await test(dialog, '连接成功');
      await fill(dialog, { 滑动窗口: 8 });
      await page.screenshot({ path: path.join(shots, 'channels-06-edit-zh.png') });
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(async () => (await channels(page)).find((c) => c.name === 'virtual-cmpp')?.config.window).toBe(8);
      const stored = (await channels(page)).find((c) => c.name === 'virtual-cmpp')!;
      expect(stored.config.sharedSecret).toBe('********');
      // restarted with the new window and the secret it had: it logs in again
      await expect.poll(async () => (await channels(page)).find((c) => c.name === 'virtual-cmpp')?.state, { timeout: 30_000 }).toBe('bound');
      await page.getByTestId('channel-edit-virtual-cmpp').click();
      await test(dialog, '连接成功');
      expect(await dialog.getByLabel('滑动窗口', { exact: true }).inputValue()).toBe('8');
    } finally {
      await context.close();
    }
  }, 90_000);

  it.each([1280, 1024, 768])('the channels table at %i px wide: the switch, edit and delete buttons of a row are on screen', async (width) => {
    const context = await node.browser.newContext({ locale: 'zh-CN', viewport: { width, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await openChannels(page);
      const row = page.getByRole('row', { name: /virtual-smgp/ });
      await row.waitFor();
      // the page itself never scrolls sideways: only the table does, inside its card
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
      // on screen as the page opens, without scrolling the table (walkthrough finding 28)
      for (const target of [page.getByRole('columnheader', { name: '启用' }), row.getByRole('switch'), row.getByRole('button', { name: /编\s*辑/ }), row.getByRole('button', { name: /删\s*除/ })]) {
        const box = (await target.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        // nothing (a fixed column, the card's edge) covers it where it would be clicked
        expect(await target.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const hit = el.ownerDocument.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return !!hit && (el === hit || el.contains(hit));
        })).toBe(true);
      }
      await page.screenshot({ path: path.join(shots, `channels-05-table-${width}-zh.png`) });
    } finally {
      await context.close();
    }
  }, 60_000);
});
