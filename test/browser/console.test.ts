// The web console in a real browser (Debian's Chromium driven by playwright-core) against the real
// server in embedded mode: sign in, switch languages, create an API key, platform administration, and the
// import → campaign → virtual handset → opt-out flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
const password = 'browser-test-pw';
const shots = path.resolve('test-results');

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('web console in Chromium', () => {
  // The tests share one server and run in order; each signs in afresh in a new browser context.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tidings-browser-'));
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let url = '';
  let output = '';
  let step = 0;

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(shots, `console-${String(++step).padStart(2, '0')}-${name}.png`), });
  }

  /** Runs `fn` on a page of a fresh browser context; on failure saves a screenshot of where it stopped. */
  async function withPage(options: BrowserContextOptions, fn: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser!.newContext(options);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await fn(page);
    } catch (e) {
      await shot(page, 'failure').catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  }

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium is not installed at ${chromiumPath}. Install Debian's package (apt-get install chromium); .ci/run does this when .ci/browser exists. Never download a browser.`);
    }
    mkdirSync(shots, { recursive: true });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [path.resolve('bin/tidings.js'), 'start'], {
      env: { ...process.env, PORT: String(port), TIDINGS_HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_DATABASE_URL: '', TIDINGS_ADMIN_PASSWORD: password, TIDINGS_SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    server.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const deadline = Date.now() + 45_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited ${server.exitCode}:\n${output}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 15_000);

  async function signIn(page: Page, email: string, labels: { email: string; password: string; submit: string }): Promise<void> {
    await page.goto(url);
    await page.getByLabel(labels.email).fill(email);
    await page.getByLabel(labels.password).fill(password);
    await page.getByRole('button', { name: labels.submit }).click();
  }

  /** Picks a language in the user menu (a no-op when it is already the current one). */
  async function chooseLanguage(page: Page, name: string): Promise<void> {
    await page.getByTestId('user-menu').click();
    const item = page.getByRole('menuitem', { name });
    await item.waitFor();
    await page.waitForTimeout(300); // the menu zooms in: a click during the animation can miss
    if (await item.isDisabled()) await page.keyboard.press('Escape');
    else await item.click();
  }

  it('a tenant owner signs in, switches to Russian and English, and creates an API key', async () => {
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(url);
      await expect.poll(() => page.getByRole('button', { name: '登录' }).isVisible()).toBe(true);
      await shot(page, 'signin-zh');
      await page.getByLabel('密码').fill('wrong-password');
      await page.getByLabel('邮箱').fill('demo@tidings.local');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByText('邮箱或密码错误。').waitFor();
      await shot(page, 'signin-wrong-zh');

      await signIn(page, 'demo@tidings.local', { email: '邮箱', password: '密码', submit: '登录' });
      await page.getByRole('heading', { name: '概览' }).waitFor();
      await page.getByText('余额').waitFor();
      await shot(page, 'dashboard-zh');

      await chooseLanguage(page, 'Русский');
      await page.getByRole('heading', { name: 'Обзор' }).waitFor();
      await page.getByText('С чего начать').waitFor();
      await shot(page, 'dashboard-ru');
      await page.reload();
      await page.getByRole('heading', { name: 'Обзор' }).waitFor();

      await chooseLanguage(page, 'English');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await shot(page, 'dashboard-en');

      await page.getByRole('menuitem', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'API keys' }).click();
      await page.getByText('No API keys yet').waitFor();
      await page.getByTestId('create-key').click();
      await page.getByTestId('key-name').fill('CRM <script>alert(1)</script>');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const secret = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
      expect(secret).toMatch(/^tdg_/);
      await shot(page, 'apikey-created-en');
      const res = await fetch(`${url}/api/v1/tenant`, { headers: { authorization: `Bearer ${secret}` } });
      expect(((await res.json()) as { slug: string }).slug).toBe('demo');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await page.getByRole('cell', { name: 'CRM <script>alert(1)</script>' }).waitFor();
      await shot(page, 'apikeys-en');

      await page.getByRole('tab', { name: 'Blocklist' }).click();
      await page.getByText('No blocked numbers').waitFor();
      const phones = page.getByPlaceholder('Numbers, one per line');
      // By test id: after a loading state antd may keep its (collapsed) loading icon, which would change the button's name.
      const block = page.getByTestId('blocklist-add');
      await phones.fill('not a number');
      await block.click();
      await page.getByText('Some of what was entered is not valid.', { exact: false }).waitFor();
      expect(await phones.inputValue()).toBe('not a number');
      await phones.fill('13700137000');
      await block.click();
      await page.getByText('Blocked: 1.').waitFor();
      expect(await phones.inputValue()).toBe('');
      const blocked = page.getByRole('row', { name: /8613700137000/ });
      await blocked.getByRole('button', { name: 'Unblock' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: 'Unblock' }).click();
      await page.getByText('No blocked numbers').waitFor();

      await page.getByRole('tab', { name: 'Audit log' }).click();
      await page.getByText('API key created').waitFor();
      // actions without a name of their own are named from their noun and verb, never shown as codes
      await page.getByText('Blocklist entry removed').waitFor();
      await page.getByText('Blocklist entry added').waitFor();
      expect(await page.locator('td code').count()).toBe(0);
      await shot(page, 'audit-en');

      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    });
  }, 60_000);

  it('the platform admin manages tenants, and the console fits a phone', async () => {
    await withPage({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, async (page) => {
      await signIn(page, 'admin@tidings.local', { email: 'Email', password: 'Password', submit: 'Sign in' });
      await page.getByText('尚未选择租户').waitFor();
      await chooseLanguage(page, 'English');
      await page.getByText('No tenant chosen').waitFor();
      await page.goto(`${url}/admin/tenants`);
      await page.getByRole('heading', { name: 'Tenants' }).waitFor();
      await page.getByRole('cell', { name: 'demo', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Create tenant' }).click();
      await page.getByLabel('Short name').fill('Bad Slug');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByText('lowercase letters', { exact: false }).first().waitFor();
      await page.getByLabel('Short name').fill('acme');
      await page.getByLabel('Name', { exact: true }).fill('Acme 股份');
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByRole('cell', { name: 'Acme 股份' }).waitFor();
      await shot(page, 'tenants-phone-en');
      await page.getByRole('row', { name: /Acme 股份/ }).getByRole('button', { name: 'Work on this tenant' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await shot(page, 'dashboard-acme-phone-en');
    });
  }, 45_000);
  it('a page whose script is gone (an upgrade while the console was open) fails inside its frame, not the whole console', async () => {
    await withPage({ locale: 'en-US' }, async (page) => {
      await signIn(page, 'demo@tidings.local', { email: 'Email', password: 'Password', submit: 'Sign in' });
      await chooseLanguage(page, 'English');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      // the keywords page's chunk now answers 404, as after a deploy replaced the hashed files
      await page.route(/\/assets\/keywords-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: 'not found' }));
      await page.getByRole('menuitem', { name: 'Keyword rules' }).click();
      // it reloads once to fetch the new version; the file is still missing, so the page says so and the menu stays
      await page.getByText('This page could not be shown').waitFor();
      await page.getByRole('menuitem', { name: 'Inbox' }).click();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      await shot(page, 'stale-page-en');
    });
  }, 45_000);

  it('imports a CSV with a Chinese header into a group, sends it a campaign, and a "TD" reply opts the contact out', async () => {
    const csv = path.join(dataDir, '春季客户.csv');
    writeFileSync(csv, '手机号码,姓名,城市\n13800138000,张三,北京\n+86 139-0013-9000,李四,上海\nabc,坏行,无\n');
    await withPage({ locale: 'en-US', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, 'demo@tidings.local', { email: 'Email', password: 'Password', submit: 'Sign in' });
      await page.getByTestId('user-menu').waitFor();
      await chooseLanguage(page, 'English');
      await page.getByRole('menuitem', { name: 'Contacts' }).click();
      await page.getByRole('button', { name: 'Import contacts' }).first().click();
      await page.locator('input[type=file]').setInputFiles(csv);
      await page.getByRole('cell', { name: '张三' }).waitFor();
      await shot(page, 'import-columns-en');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByTestId('import-group').locator('input').fill('春季客户');
      await page.getByText('China (CN)').waitFor(); // the tenant's default country is filled in
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText('Import finished').waitFor({ timeout: 20_000 });
      const result = page.getByTestId('import-result');
      expect(await result.getByTestId('import-imported').textContent()).toBe('New2');
      // the rejected row is on the result page with its line and reason, not only in the downloadable report
      const rejected = result.getByTestId('import-rejects').getByRole('row', { name: /abc,坏行,无/ });
      await rejected.getByRole('cell', { name: '4', exact: true }).waitFor();
      expect(await rejected.textContent()).toMatch(/Invalid characters|Not a valid number|too short/i);
      await shot(page, 'import-result-en');

      await page.getByRole('button', { name: 'Send a campaign to “春季客户”' }).click();
      await page.getByLabel('Campaign name').fill('春季特惠 <b>spring</b>');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('textbox', { name: 'Text' }).fill('{{name|顾客}}您好，春季特惠全场8折');
      await page.getByTestId('text-preview').getByText('张三您好').or(page.getByTestId('text-preview').getByText('顾客您好')).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Check' }).click();
      await page.getByTestId('preflight').waitFor();
      await shot(page, 'campaign-preflight-en');
      await page.getByRole('button', { name: 'Send now' }).click();
      await page.getByRole('heading', { name: /春季特惠 <b>spring<\/b>/ }).getByText('Completed').waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByTestId('campaign-progress').getAttribute('aria-valuenow'), { timeout: 20_000 }).toBe('100');
      await shot(page, 'campaign-completed-en');

      await page.getByRole('menuitem', { name: 'Dashboard' }).click();
      const sentToday = page.getByTestId('today-sent');
      await sentToday.waitFor();
      await expect.poll(async () => Number((await sentToday.textContent())?.replace(/\D/g, '') || 0), { timeout: 10_000 }).toBeGreaterThan(0);
      await page.locator('canvas').first().waitFor();
      await page.waitForTimeout(1000); // the chart animates in
      await shot(page, 'dashboard-after-campaign');

      await page.getByRole('menuitem', { name: 'Virtual handsets' }).click();
      await page.getByText('8613800138000').click();
      const handset = page.getByTestId('handset');
      await handset.getByText('张三您好，春季特惠全场8折').waitFor();
      await page.getByTestId('handset-reply').fill('TD');
      await page.getByRole('button', { name: 'Reply' }).click();
      await handset.getByText('退订').waitFor({ timeout: 15_000 });
      await shot(page, 'handset-optout-en');

      await page.getByRole('menuitem', { name: 'Inbox' }).click();
      await page.getByText('张三').first().click();
      await page.getByTestId('thread').getByText('Opted out', { exact: true }).waitFor();
      await shot(page, 'inbox-optout-en');

      await page.getByRole('menuitem', { name: 'Contacts' }).click();
      await page.getByRole('cell', { name: '张三' }).click();
      await page.getByTestId('contact').getByText('Opted out on').waitFor();
      await shot(page, 'contact-optout-en');
    });
  }, 60_000);
  /** Signs in from a Chinese browser and makes sure the console speaks Chinese (a user may have chosen another language before). */
  async function signInZh(page: Page, email: string): Promise<void> {
    await signIn(page, email, { email: '邮箱', password: '密码', submit: '登录' });
    await page.getByTestId('user-menu').waitFor();
    await chooseLanguage(page, '简体中文');
  }

  it('签名报备: the demo signature does not tick getting started; the owner applies with the licence, the platform approves, the step is ticked', async () => {
    const licence = path.join(dataDir, '营业执照.png');
    writeFileSync(licence, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)]));
    const step = (page: Page) => page.locator('.ant-steps-item', { hasText: '申请短信签名并通过审核' });
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/signatures', { timeout: 45_000 });
      listed.catch(() => undefined); // awaited below; a failure before that must not be an unhandled rejection
      await signInZh(page, 'demo@tidings.local');
      await page.getByRole('heading', { name: '概览' }).waitFor();
      await listed;
      await page.waitForTimeout(500); // the list is rendered: with only the demo signature the step stays open
      expect(await step(page).getAttribute('class')).not.toMatch(/finish/);
      await page.getByRole('menuitem', { name: '签名管理' }).click();
      await page.getByText('您还没有自己的已审核签名', { exact: false }).waitFor();
      await page.getByRole('row', { name: /【Tidings】/ }).getByText('演示签名', { exact: true }).waitFor();
      await page.getByTestId('signature-apply').click();
      await page.getByLabel('签名', { exact: true }).fill('好药房');
      await page.getByLabel('公司名称').fill('好药房连锁有限公司');
      await page.getByLabel('统一社会信用代码').fill('91330100716105852A');
      await page.locator('input[type=file]').setInputFiles(licence);
      await page.getByTestId('signature-submit').click();
      await page.getByText('请检查“统一社会信用代码”', { exact: false }).waitFor();
      await page.getByLabel('统一社会信用代码').fill('91330100716105852F');
      await page.getByTestId('signature-submit').click();
      await page.getByText('已提交，等待平台审核。').waitFor();
      await page.getByRole('row', { name: /【好药房】/ }).getByText('审核中').waitFor();
      await shot(page, 'signature-applied-zh');
    });
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInZh(page, 'admin@tidings.local');
      await page.goto(`${url}/admin/signatures`);
      const card = page.getByTestId('signature-card').filter({ hasText: '【好药房】' });
      await card.getByText('91330100716105852F').waitFor();
      await card.getByText('营业执照.png', { exact: false }).waitFor();
      await shot(page, 'signature-review-zh');
      await card.getByRole('button', { name: '通过' }).click();
      await page.getByText('签名 【好药房】 已通过。').waitFor();
    });
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInZh(page, 'demo@tidings.local');
      await expect.poll(() => step(page).getAttribute('class'), { timeout: 15_000 }).toMatch(/finish/);
      await page.getByRole('menuitem', { name: '签名管理' }).click();
      await page.getByRole('row', { name: /【好药房】/ }).getByText('默认').waitFor();
      await shot(page, 'signature-approved-zh');
    });
  }, 90_000);

  it('投诉监控: the platform suspends the demo tenant\'s marketing over its opt-out, the tenant sees why, the platform lifts it', async () => {
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInZh(page, 'admin@tidings.local');
      await page.goto(`${url}/admin/complaints`);
      const row = page.getByRole('row', { name: /demo/ });
      await row.getByText(/^1 \(\d+(\.\d+)?%\)$/).waitFor(); // the "TD" of the campaign test
      await page.getByTestId('suspend-demo').click();
      await page.getByTestId('suspend-reason').fill('退订率过高，请整改 <b>x</b>');
      await page.getByRole('dialog').getByRole('button', { name: '暂停营销' }).click();
      await row.getByText('已暂停').waitFor();
      await shot(page, 'complaints-watch-zh');
    });
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInZh(page, 'demo@tidings.local');
      await page.getByRole('menuitem', { name: '投诉监控' }).click();
      await page.getByTestId('marketing-suspended').getByText('退订率过高，请整改 <b>x</b>').waitFor();
      await page.getByRole('cell', { name: 'TD', exact: true }).first().waitFor();
      await shot(page, 'complaints-tenant-zh');
    });
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signInZh(page, 'admin@tidings.local');
      await page.goto(`${url}/admin/complaints`);
      await page.getByRole('row', { name: /demo/ }).getByRole('button', { name: '恢复' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '恢复' }).click();
      await page.getByTestId('suspend-demo').waitFor();
    });
  }, 90_000);
  it('walkthrough fixes: date-format lint, a draft opened, edited, checked and sent, list progress, tenant-zone times, an opted-out reply, channel form test', async () => {
    // the browser sits in New York; the console must show the tenant's zone (Asia/Shanghai) all the same
    await withPage({ locale: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, 'demo@tidings.local', { email: '邮箱', password: '密码', submit: '登录' });
      await page.getByTestId('user-menu').waitFor();
      await chooseLanguage(page, '简体中文');
      await page.getByRole('menuitem', { name: '群发任务' }).click();
      await page.getByRole('button', { name: '新建群发' }).first().click();
      await page.getByLabel('任务名称').fill('会员日草稿');
      await page.getByLabel('手机号码').fill('13900139000');
      await page.getByRole('button', { name: '下一步' }).click();
      const text = page.getByRole('textbox', { name: '正文' });
      await text.fill('生日{{生日:YYYY-MM-DD}}快乐');
      await page.getByText('日期格式“YYYY-MM-DD”写法有误', { exact: false }).waitFor();
      await page.getByText('例如 yyyy-MM-dd', { exact: false }).waitFor();
      await shot(page, 'lint-date-format-zh');
      await text.fill('您好，会员日全场8折');
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByRole('button', { name: '检查' }).click();
      await page.getByTestId('preflight').waitFor();

      // leave the builder; the draft opens from the list with its text and audience, and can be edited
      await page.getByRole('menuitem', { name: '群发任务' }).click();
      await page.getByRole('link', { name: '会员日草稿' }).click();
      await page.getByText('这是草稿，尚未发送', { exact: false }).waitFor();
      await page.getByText('您好，会员日全场8折').waitFor();
      await page.getByText('13900139000').or(page.getByText('1 个号码')).first().waitFor();
      await page.getByTestId('draft-edit').click();
      await expect.poll(() => page.getByLabel('任务名称').inputValue()).toBe('会员日草稿');
      await page.getByLabel('任务名称').fill('会员日群发');
      await page.getByRole('button', { name: '下一步' }).click();
      await expect.poll(() => page.getByRole('textbox', { name: '正文' }).inputValue()).toBe('您好，会员日全场8折');
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByRole('button', { name: '检查' }).click();
      await page.getByTestId('preflight').waitFor();
      await page.getByRole('menuitem', { name: '群发任务' }).click();
      await page.getByRole('link', { name: '会员日群发' }).click();
      await page.getByTestId('draft-check').click();
      await page.getByTestId('preflight').waitFor();
      await shot(page, 'draft-checked-zh');
      await page.getByTestId('draft-start').click();
      await page.getByRole('heading', { name: /会员日群发/ }).getByText('已完成').waitFor({ timeout: 20_000 });
      const id = page.url().split('/').pop()!;
      const c = await page.evaluate(async (cid) => (await fetch(`/api/v1/campaigns/${cid}`)).json(), id) as { startedAt: string; stats: { cost: string } };
      const shanghai = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(new Date(c.startedAt));
      await page.getByText(shanghai).first().waitFor();
      await page.getByText(/费用.*¥/).first().waitFor();

      // the list: progress and recipients, one campaign (the edit did not make a second one)
      await page.getByRole('menuitem', { name: '群发任务' }).click();
      const row = page.getByRole('row', { name: /会员日群发/ });
      await expect.poll(() => row.getByTestId('list-progress').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('100');
      expect(await row.getByRole('cell').nth(3).textContent()).toBe('1');
      expect(await page.getByRole('link', { name: '会员日草稿' }).count()).toBe(0);
      await shot(page, 'campaigns-progress-zh');

      // 张三 opted out in the test before: the thread says so, and a reply asks first, then says why it was not sent
      await page.getByRole('menuitem', { name: '收件箱' }).click();
      await page.getByText('张三').first().click();
      await page.getByTestId('thread-opted-out').waitFor();
      await page.getByPlaceholder('此联系人已退订，回复不会发出').fill('好的，已为您退订。');
      await page.getByTestId('thread').getByRole('button', { name: '回复' }).click();
      await page.locator('.ant-modal-confirm-title').getByText('此联系人已退订，回复将不会发出', { exact: false }).waitFor();
      await page.getByRole('button', { name: '仍然发送' }).click();
      await page.getByText('回复未发送：已退订。').waitFor();
      await page.getByTestId('excluded-reply').getByText('未发送：已退订').waitFor();
      await shot(page, 'inbox-optedout-reply-zh');

      // confirmations per language
      await page.getByRole('menuitem', { name: '关键词规则' }).click();
      await expect.poll(() => page.getByTestId('reply-opt_out-ru').inputValue()).toMatch(/отписались/);
    });

    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, 'admin@tidings.local', { email: '邮箱', password: '密码', submit: '登录' });
      await page.getByTestId('user-menu').waitFor();
      await chooseLanguage(page, '简体中文');
      await page.goto(`${url}/admin/channels`);
      await page.getByText('已提交', { exact: false }).first().waitFor(); // counters in words, not "submitted"
      await page.getByRole('button', { name: '添加通道' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名称').fill('probe');
      await dialog.getByLabel('主机').fill('127.0.0.1');
      await dialog.getByLabel('端口').fill('1');
      await dialog.getByLabel('账号（system_id）').fill('tidings');
      await dialog.getByLabel('密码').fill('secret');
      await dialog.getByTestId('channel-test').click();
      await dialog.getByTestId('channel-test-result').getByText('连接失败', { exact: false }).waitFor({ timeout: 15_000 });
      await shot(page, 'channel-test-failed-zh');
    });
  }, 150_000);
  it('contacts by hand: a new contact with its custom fields, fields edited in the drawer, a field renamed and deleted', async () => {
    await withPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } }, async (page) => {
      await signIn(page, 'demo@tidings.local', { email: '邮箱', password: '密码', submit: '登录' });
      await page.getByTestId('user-menu').waitFor();
      await chooseLanguage(page, '简体中文');
      await page.getByRole('menuitem', { name: '通讯录' }).click();
      await page.getByRole('tab', { name: '自定义字段' }).click();
      await page.getByPlaceholder('字段名').fill('会员等级');
      await page.getByRole('button', { name: '添加字段' }).click();
      await page.getByRole('cell', { name: '会员等级' }).first().waitFor();
      await page.getByPlaceholder('字段名').fill('积分');
      await page.locator('.ant-select').filter({ hasText: '文本' }).click();
      await page.getByTitle('数字').click();
      await page.getByRole('button', { name: '添加字段' }).click();
      await page.getByRole('cell', { name: '积分' }).first().waitFor();

      await page.getByRole('button', { name: '新建联系人' }).click();
      const form = page.getByTestId('new-contact');
      await form.getByLabel('号码').fill('139 0000 7788');
      await form.getByLabel('姓名').fill('赵六');
      await form.getByLabel('会员等级').fill('金卡');
      await form.getByLabel('积分').fill('120');
      await page.getByRole('dialog').getByRole('button', { name: '创建' }).click();
      await page.getByText('联系人已创建').waitFor();
      const drawer = page.getByTestId('contact-form');
      expect(await drawer.getByLabel('会员等级').inputValue()).toBe('金卡');
      await drawer.getByLabel('会员等级').fill('白金卡');
      await drawer.getByRole('button', { name: '保存' }).click();
      await page.getByText('已保存').first().waitFor();
      await expect.poll(async () => (await (await fetch(`${url}/api/v1/contacts?phone=13900007788`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).json() as { contacts: { fields: Record<string, unknown> }[] }).contacts[0]?.fields)
        .toEqual({ 会员等级: '白金卡', 积分: 120 });
      await shot(page, 'contact-fields-zh');
      await page.keyboard.press('Escape');

      await page.getByRole('tab', { name: '自定义字段' }).click();
      const row = page.getByRole('row', { name: /积分/ });
      await row.getByRole('button', { name: '改名' }).click();
      await page.getByLabel('显示名称').fill('会员积分');
      await page.getByRole('button', { name: '保存' }).click();
      await page.getByRole('cell', { name: '会员积分' }).waitFor();
      await page.getByRole('row', { name: /会员等级/ }).getByRole('button', { name: '删除' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
      await expect.poll(() => page.getByRole('row', { name: /会员等级/ }).count()).toBe(0);

      // segments: a syntax error in Chinese words, and each saved segment with its number of contacts
      await page.getByRole('menuitem', { name: '分群' }).click();
      await page.getByRole('button', { name: '新建分群' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名称').fill('高积分');
      await dialog.getByText('文本', { exact: true }).click();
      await dialog.getByLabel('筛选条件').fill('积分 >= 100 and');
      await dialog.getByTestId('filter-error').getByText('应为条件（字段、tag:…', { exact: false }).waitFor();
      expect(await dialog.getByTestId('filter-error').textContent()).toContain('实际为 结尾');
      await dialog.getByLabel('筛选条件').fill('积分 >= 100');
      await dialog.getByText('匹配的联系人').waitFor();
      await dialog.getByRole('button', { name: '保存' }).click();
      await expect.poll(() => page.getByRole('row', { name: /高积分/ }).getByTestId('segment-members').textContent()).toBe('1');
    });
  }, 90_000);
});
