// The Automations section and the holiday calendar in a real browser (Debian's Chromium via playwright-core) against
// the real server in embedded mode (its worker materialises the occurrences).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const password = 'automations-pw';
const bin = path.resolve('bin/tidings.js');

describe('automations in the console (Chromium)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-auto-console-'));
  const env = { ...process.env, TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_ADMIN_PASSWORD: password, TIDINGS_SIMULATOR_PORT: '0', TIDINGS_HOST: '127.0.0.1', PORT: '0' };
  let server: ChildProcess;
  let browser: Browser;
  let url = '';
  let key = '';

  beforeAll(async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium is not installed at /usr/bin/chromium (apt-get install chromium)');
    server = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${output}`)), 55_000);
      const seen = (d: Buffer) => {
        output += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m && m[1] !== '0') { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
      };
      server.stdout!.on('data', seen);
      server.stderr!.on('data', seen);
      server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${output}`)); });
    });
    for (let i = 0; i < 80 && !await fetch(`${url}/healthz`).then((r) => r.ok, () => false); i++) await new Promise((r) => setTimeout(r, 250));
    key = (await promisify(execFile)(process.execPath, [bin, 'apikey', 'create', '--tenant', 'demo'], { env })).stdout.trim();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 15_000);

  async function signedIn(email: string, fn: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(url);
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('menuitem', { name: '自动化营销' }).waitFor();
      await fn(page);
    } catch (e) {
      await page.screenshot({ path: path.resolve('test-results', `automations-console-failure.png`) }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  }

  it('creates a birthday automation with the guided editor, previews it, turns it on and cancels an occurrence', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(5);
    const created = await fetch(`${url}/api/v1/contacts`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ phone: '13812345678', name: '李<b>四</b>', fields: { birthday: `1990-${soon}` } }) });
    expect(created.status).toBe(201);
    await signedIn('demo@tidings.local', async (page) => {
      await page.getByRole('menuitem', { name: '自动化营销' }).click();
      await page.getByRole('heading', { name: '自动化营销' }).waitFor();
      await page.getByRole('button', { name: '新建自动化' }).click();
      await page.getByLabel('名称').fill('生日祝福');
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByLabel('短信内容').fill('{{name}}，生日快乐！');
      await page.getByRole('button', { name: '保存' }).click();
      await page.getByRole('link', { name: '生日祝福' }).waitFor();
      await page.getByRole('button', { name: '启用' }).click();
      await page.getByText('运行中').waitFor();
      await page.getByRole('link', { name: '生日祝福' }).click();
      await page.getByRole('tab', { name: '预览' }).waitFor();
      await page.getByText('列表').click();
      await page.getByRole('cell', { name: '李<b>四</b>，生日快乐！' }).waitFor();
      await page.getByRole('tab', { name: '发送记录' }).click();
      await expect.poll(async () => {
        await page.getByRole('tab', { name: '预览' }).click();
        await page.getByRole('tab', { name: '发送记录' }).click();
        return page.getByRole('cell', { name: '+8613812345678' }).isVisible();
      }, { timeout: 20_000 }).toBe(true);
      await page.getByRole('button', { name: '取消' }).first().click();
      await page.getByRole('tooltip').getByRole('button', { name: '取消' }).click().catch(async () => page.locator('.ant-popconfirm-buttons .ant-btn-primary').click());
      await page.getByText('已取消').first().waitFor();
    });
  });

  it('shows the platform admin the seeded holiday calendar and lets them add a year', async () => {
    await signedIn('admin@tidings.local', async (page) => {
      await page.goto(`${url}/admin/holidays`);
      await page.getByRole('heading', { name: '节假日日历' }).waitFor();
      await page.getByRole('cell', { name: '2026', exact: true }).waitFor();
      await page.getByRole('button', { name: '添加或编辑年份' }).click();
      // a click while the dialog is still opening can be lost on a loaded machine: let its animations finish first
      await page.locator('.ant-modal').evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a: { finished: Promise<unknown> }) => a.finished)));
      await page.getByRole('dialog').getByRole('button', { name: '添加日期' }).click();
      await expect.poll(() => page.getByPlaceholder('国庆节').count(), { timeout: 15_000 }).toBe(1);
      await page.getByPlaceholder('国庆节').fill('元旦');
      await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
      await page.getByRole('cell', { name: '2027', exact: true }).waitFor();
      const years = await (await fetch(`${url}/api/v1/admin/holidays`, { headers: { authorization: `Bearer ${key}` } })).status;
      expect(years).toBe(403);
    });
  });
});
