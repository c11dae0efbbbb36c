// Console forms in a real browser (issue 19 findings 14, 19, 27): 24-hour time pickers and YYYY-MM-DD dates in the
// zh-CN console whatever the browser's own locale, the campaign builder's pacing, repeat (cron) with its time zone,
// several send windows and its own auto-pause rule saved as the API takes them, and segments built from conditions
// instead of typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { screenshotDir as shots, startEmbeddedConsole, type EmbeddedConsole } from '../support/embedded.ts';

const password = 'browser-test-pw';

/** Runs `fn` on a page of a fresh context; on failure saves `<name>-failure.png`. */
async function withPage(c: EmbeddedConsole, name: string, options: BrowserContextOptions, fn: (page: Page) => Promise<void>): Promise<void> {
  const context = await c.browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await fn(page);
  } catch (e) {
    await page.screenshot({ path: path.join(shots, `${name}-failure.png`) }).catch(() => undefined);
    throw e;
  } finally {
    await context.close();
  }
}

/** Signs in with the console in Chinese, chosen as a user would (kept in localStorage), in a browser that is not. */
async function signInChinese(c: EmbeddedConsole, page: Page): Promise<void> {
  await page.addInitScript("if (!localStorage.getItem('tidings.language')) localStorage.setItem('tidings.language', 'zh-CN')");
  await page.goto(c.url);
  await page.getByLabel('邮箱').fill('demo@tidings.local');
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** Starts a campaign in the builder (name, one number, text) and goes on to its schedule step. */
async function newCampaign(page: Page, name: string, phone: string, text: string): Promise<void> {
  await page.getByRole('menuitem', { name: '群发任务' }).click();
  await page.getByRole('button', { name: '新建群发' }).first().click();
  await page.getByLabel('任务名称').fill(name);
  await page.getByLabel('手机号码').fill(phone);
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('textbox', { name: '正文' }).fill(text);
  await page.getByRole('button', { name: '下一步' }).click();
}

/** GET of the console's own API with the page's session. */
async function api<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => (await fetch(u)).json(), url) as Promise<T>;
}

describe('console forms (Chromium)', () => {
  let c: EmbeddedConsole;
  beforeAll(async () => { c = await startEmbeddedConsole('forms', password); }, 100_000);
  afterAll(async () => { await c?.stop(); }, 15_000);

  // an English, 12-hour browser: the zh-CN console must still show 24-hour times and ISO dates
  const browserOptions = { locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } };

  it('time pickers are 24-hour and dates YYYY-MM-DD; the builder saves pacing, a cron in its zone and two send windows', async () => {
    await withPage(c, 'forms-campaign', browserOptions, async (page) => {
      await signInChinese(c, page);
      // quiet hours in the settings: 21:00–08:00, not 09:00 PM – 08:00 AM
      await page.getByRole('menuitem', { name: '设置' }).click();
      const quiet = page.locator('.ant-form-item', { hasText: '营销免打扰时段' }).locator('.ant-picker input');
      await expect.poll(() => quiet.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))).toEqual(['21:00', '08:00']);

      await newCampaign(page, '每周会员提醒', '13900139000', '本周会员日，全场8折');

      // a date and time typed and shown as YYYY-MM-DD HH:mm; the panel has an hour column of 00–23 and no AM/PM
      await page.getByText('定时发送', { exact: true }).click();
      const at = page.getByLabel('发送时间点');
      await at.click();
      await at.fill('2026-12-24 21:30');
      await page.keyboard.press('Enter');
      expect(await at.inputValue()).toBe('2026-12-24 21:30');
      await page.getByText('按租户时区 Asia/Shanghai').waitFor();
      await at.click();
      const columns = page.locator('.ant-picker-dropdown:visible .ant-picker-time-panel-column');
      // polled: the dropdown closed by Enter may still be fading out while this one opens
      await expect.poll(() => columns.count()).toBe(2);
      await expect.poll(() => columns.first().locator('li').count()).toBe(24);
      const hours = await columns.first().locator('li').allTextContents();
      expect(hours).toHaveLength(24);
      expect([hours[0], hours[13], hours[23]]).toEqual(['00', '13', '23']);
      await page.screenshot({ path: path.join(shots, 'forms-01-datetime-24h.png') });
      await page.keyboard.press('Escape');

      // repeat every Monday 10:00 in the tenant's zone, at most 120 a minute, two send windows
      await page.getByText('重复发送', { exact: true }).click();
      await page.getByLabel('重复规则（cron）').fill('0 10 * * 1');
      await page.locator('.ant-form-item', { hasText: '时区' }).getByText('Asia/Shanghai').waitFor();
      await page.getByText('限速发送', { exact: true }).click();
      await page.getByLabel('每分钟最多发送').fill('120');
      await page.getByText('约 2 条/秒').waitFor();
      await page.getByLabel('发送时段').click();
      const firstStart = page.getByTestId('send-window-0').getByLabel('时段开始');
      await firstStart.click();
      await firstStart.fill('08:30');
      await page.keyboard.press('Enter');
      expect(await firstStart.inputValue()).toBe('08:30');
      await page.getByRole('button', { name: '添加时段' }).click();
      const second = page.getByTestId('send-window-1');
      await second.getByText('周六').click();
      const secondEnd = second.getByLabel('时段结束');
      await secondEnd.click();
      await secondEnd.fill('18:00');
      await page.keyboard.press('Enter');
      await page.screenshot({ path: path.join(shots, 'forms-02-campaign-schedule.png') });
      await page.getByRole('button', { name: '检查' }).click();
      await page.getByTestId('preflight').waitFor();

      const { campaigns } = await api<{ campaigns: { name: string; cron: string | null; options: Record<string, unknown> }[] }>(page, '/api/v1/campaigns');
      const saved = campaigns.find((x) => x.name === '每周会员提醒')!;
      expect(saved.cron).toBe('0 10 * * 1');
      expect(saved.options).toMatchObject({
        timezone: 'Asia/Shanghai', perMinute: 120,
        sendWindows: [{ days: [1, 2, 3, 4, 5], start: '08:30', end: '20:00' }, { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '18:00' }],
      });
      expect(saved.options).not.toHaveProperty('spreadHours');
    });
  }, 120_000);

  it('the builder shows the default auto-pause rule and saves a rule of the campaign\'s own', async () => {
    await withPage(c, 'forms-auto-pause', browserOptions, async (page) => {
      await signInChinese(c, page);
      await newCampaign(page, '失败自动暂停', '13900139001', '会员积分到账提醒');

      await page.getByText('默认规则：最近 200 条已完成的短信中失败超过 50% 即暂停。').waitFor();
      await page.getByLabel('自定义自动暂停').click();
      const sample = page.getByLabel('统计条数');
      const rate = page.getByLabel('失败率上限');
      expect([await sample.inputValue(), await rate.inputValue()]).toEqual(['200', '50.0']);
      await sample.fill('500');
      await rate.fill('30');
      await page.screenshot({ path: path.join(shots, 'forms-03-auto-pause.png') });
      await page.getByRole('button', { name: '检查' }).click();
      await page.getByTestId('preflight').waitFor();

      const { campaigns } = await api<{ campaigns: { id: string; name: string; options: Record<string, unknown> }[] }>(page, '/api/v1/campaigns');
      const saved = campaigns.find((x) => x.name === '失败自动暂停')!;
      expect(saved.options.autoPause).toEqual({ failureRate: 0.3, minSample: 500 });

      // the draft opened again shows its own rule; switched off, the default applies again
      await page.goto(`${c.url}/campaigns/${saved.id}/edit`);
      await page.getByLabel('任务名称').waitFor();
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByRole('button', { name: '下一步' }).click();
      expect([await page.getByLabel('统计条数').inputValue(), await page.getByLabel('失败率上限').inputValue()]).toEqual(['500', '30.0']);
      await page.getByLabel('自定义自动暂停').click();
      await page.getByRole('button', { name: '检查' }).click();
      await page.getByTestId('preflight').waitFor();
      const again = await api<{ options: Record<string, unknown> }>(page, `/api/v1/campaigns/${saved.id}`);
      expect(again.options).not.toHaveProperty('autoPause');
    });
  }, 120_000);

  it('builds a segment from conditions in AND/OR groups, saves it, opens it again in the builder, and keeps deeper filters as text', async () => {
    await withPage(c, 'forms-segments', browserOptions, async (page) => {
      await signInChinese(c, page);
      await page.getByRole('menuitem', { name: '分群' }).click();
      await page.getByRole('button', { name: '新建分群' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名称').fill('北京贵宾或近期回复');
      const first = dialog.getByTestId('condition-0-0');
      await first.getByLabel('值').fill('北京');
      await dialog.getByText('添加条件', { exact: true }).click();
      const second = dialog.getByTestId('condition-0-1');
      await second.getByLabel('字段').fill('标签');
      // the option Enter picks: the active one (the dropdown of the field before may still be fading out, with all options)
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option-active[title="标签"]').waitFor();
      await page.keyboard.press('Enter');
      await second.getByLabel('值').fill('vip');
      await dialog.getByRole('button', { name: '添加条件组' }).click();
      const third = dialog.getByTestId('condition-1-0');
      await third.getByLabel('字段').fill('最近回复');
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option-active[title="最近回复"]').waitFor();
      await page.keyboard.press('Enter');
      await third.getByLabel('值').fill('14');
      await dialog.getByText('满足任一（OR）').first().click();
      const filter = '(city = "北京" and tag:"vip") or replied within 14d';
      await expect.poll(() => dialog.getByTestId('generated-filter').textContent()).toBe(filter);
      await dialog.getByText('匹配的联系人').waitFor();
      await page.screenshot({ path: path.join(shots, 'forms-03-segment-builder.png') });
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByRole('row', { name: /北京贵宾或近期回复/ }).getByText(filter).waitFor();
      const { segments } = await api<{ segments: { name: string; filter: string }[] }>(page, '/api/v1/segments');
      expect(segments.find((s) => s.name === '北京贵宾或近期回复')?.filter).toBe(filter);

      // opened again: the same conditions in the builder
      await page.getByRole('cell', { name: '北京贵宾或近期回复', exact: true }).getByText('北京贵宾或近期回复').click();
      await expect.poll(() => dialog.getByTestId('condition-0-0').getByLabel('值').inputValue()).toBe('北京');
      expect(await dialog.getByTestId('condition-0-1').getByLabel('值').inputValue()).toBe('vip');
      // 14 days read back as 2 weeks: the same duration
      expect(await dialog.getByTestId('condition-1-0').getByLabel('值').inputValue()).toBe('2');
      await dialog.getByTestId('condition-1-0').getByTitle('周').waitFor();

      // a filter the builder cannot show stays text, with a note why
      await dialog.getByText('文本', { exact: true }).click();
      await dialog.getByLabel('筛选条件（文本）').fill('not (city = "北京" and tag:vip)');
      await dialog.getByText('按条件选择', { exact: true }).click();
      await dialog.getByTestId('not-buildable').waitFor();
      expect(await dialog.getByLabel('筛选条件（文本）').isVisible()).toBe(true);
    });
  }, 120_000);
});
