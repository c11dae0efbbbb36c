import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { DateTime } from 'luxon';
import { DomainError } from '../../domain/errors.ts';
import { categories } from '../../domain/templates.ts';
import { client, collect, columns, money, print, readRecipients, sleep, withClientOptions, type Client, type ClientOptions } from '../client.ts';

interface Stats {
  total: number; excluded: number; queued: number; submitted: number; delivered: number; failed: number; awaitingReceipt: number;
  deliveryRate: number | null; resubmitted: number; cost: string; segments: number; excludedBy: Record<string, number>; failedBy: Record<string, number>;
  held?: { reason: string; count: number; until: string }[];
}
interface Campaign {
  id: string; name: string; status: string; category: string; pauseReason: string | null; scheduleAt: string | null; cron: string | null;
  createdAt: string; startedAt: string | null; completedAt: string | null; stats?: Stats;
}
interface Preflight { total: number; queued: number; deferred: number; deferredBy?: Record<string, number>; excluded: Record<string, number>; segments: number; cost: string; balance: string; sufficient: boolean }

/** States after which a campaign no longer moves by itself. */
const settled = new Set(['completed', 'cancelled', 'paused', 'draft']);

const path = (id: string, action = '') => `/api/v1/campaigns/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** "1/14d" → at most 1 per 14 days of the campaign's category; "1/14d/all" counts every category; "2/7d/notification" that one. */
export function parseCap(value: string, category: string): { max: number; days: number; category?: string } {
  const m = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*d(?:\/(\w+))?$/.exec(value.trim());
  if (!m) throw new DomainError('invalid_request', `--cap "${value}": use MAX/DAYSd, e.g. 1/14d (optionally /all or /<category>)`);
  const which = m[3] ?? category;
  if (which !== 'all' && !(categories as readonly string[]).includes(which)) throw new DomainError('invalid_request', `--cap "${value}": category must be all or one of ${categories.join(', ')}`);
  return { max: Number(m[1]), days: Number(m[2]), ...(which === 'all' ? {} : { category: which }) };
}

/** "10:30-12:00" → every day; "1-5@15:30-18:00" or "1,3,5@19:00-21:00" → on those ISO weekdays (1 = Monday). */
export function parseWindow(value: string): string | { days: number[]; start: string; end: string } {
  const m = /^(?:([1-7](?:\s*[-,]\s*[1-7])*)\s*@\s*)?(\d\d:\d\d)\s*[-–]\s*(\d\d:\d\d)$/.exec(value.trim());
  if (!m) throw new DomainError('invalid_request', `--window "${value}": use HH:MM-HH:MM, optionally after ISO weekdays and @, e.g. 1-5@15:30-18:00`);
  if (!m[1]) return `${m[2]}-${m[3]}`;
  const days = new Set<number>();
  for (const part of m[1].split(',')) {
    const [a, b = a] = part.split('-').map((x) => Number(x.trim()));
    if (b < a) throw new DomainError('invalid_request', `--window "${value}": weekday range ${part} runs backwards`);
    for (let d = a; d <= b; d++) days.add(d);
  }
  return { days: [...days].sort(), start: m[2], end: m[3] };
}

/** "0.3/500" → pause when more than 30 % of the last 500 finished messages failed. */
function parseAutoPause(value: string): { failureRate: number; minSample: number } {
  const m = /^(0?\.\d+|1(?:\.0*)?|0)\s*\/\s*(\d+)$/.exec(value.trim());
  if (!m) throw new DomainError('invalid_request', `--auto-pause "${value}": use RATE/SAMPLE, e.g. 0.5/200`);
  return { failureRate: Number(m[1]), minSample: Number(m[2]) };
}

function positive(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new DomainError('invalid_request', `${option} must be a positive number`);
  return n;
}

const percent = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const counts = (r: Record<string, number>) => Object.entries(r).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');

const holdWords: Record<string, string> = { quiet_hours: 'quiet hours', send_window: 'the send window', scheduled: 'the scheduled time', retry: 'a retry' };

/** The tenant's time zone (times are shown in it), UTC when the key may not read the tenant. */
async function tenantZone(call: Client): Promise<string> {
  const t = await call('GET', '/api/v1/tenant').catch(() => null) as { settings?: { timezone?: unknown } } | null;
  return typeof t?.settings?.timezone === 'string' ? t.settings.timezone : t ? 'Asia/Shanghai' : 'UTC';
}

/** "1 waits for quiet hours until 2026-12-06 08:00 Asia/Shanghai; …", or '' when nothing waits. */
export function heldText(held: Stats['held'], zone: string): string {
  return (held ?? []).map((h) => `${h.count} wait${h.count === 1 ? 's' : ''} for ${holdWords[h.reason] ?? h.reason} until ${DateTime.fromISO(h.until).setZone(zone).toFormat('yyyy-MM-dd HH:mm')} ${zone}`).join('; ');
}

function headline(c: Campaign): string {
  const when = c.status === 'scheduled' && c.scheduleAt ? ` at ${c.scheduleAt}` : '';
  return `${c.id}  ${c.status}${when}${c.pauseReason ? ` (${c.pauseReason})` : ''}  ${c.name}`;
}

function statsLines(c: Campaign, zone: string): string[] {
  const s = c.stats;
  if (!s) return [headline(c)];
  const held = heldText(s.held, zone);
  return [
    headline(c),
    ...columns([
      ['total', s.total, 'excluded', s.excluded, 'queued', s.queued],
      ['submitted', s.submitted, 'delivered', s.delivered, 'failed', s.failed],
      ['awaiting receipt', s.awaitingReceipt, 'delivery rate', percent(s.deliveryRate), 'resubmitted', s.resubmitted],
      ['segments', s.segments, 'cost', money(s.cost), '', ''],
    ]).map((l) => `  ${l}`),
    ...(held ? [`  waiting: ${held}`] : []),
    ...(Object.keys(s.excludedBy).length ? [`  excluded by reason: ${counts(s.excludedBy)}`] : []),
    ...(Object.keys(s.failedBy).length ? [`  failed by error: ${counts(s.failedBy)}`] : []),
  ];
}

function preflightLines(p: Preflight): string[] {
  const reasons = Object.entries(p.excluded).sort((a, b) => b[1] - a[1]);
  return columns([
    ['recipients', p.total],
    ['to send', p.queued],
    ['  of which wait', p.deferred],
    ...Object.entries(p.deferredBy ?? {}).map(([reason, n]) => [`    for ${holdWords[reason] ?? reason}`, n]),
    ['excluded', reasons.reduce((n, [, x]) => n + x, 0)],
    ...reasons.map(([reason, n]) => [`  ${reason}`, n]),
    ['segments', p.segments],
    ['cost', money(p.cost)],
    ['balance', `${money(p.balance)}${p.sufficient ? '' : '  — not enough'}`],
  ]);
}

/**
 * Shows a progress bar of done/total until the campaign settles, with what waits and until when (quiet hours, send
 * window); answers the campaign as last seen. The bar line is cleared at the end, so only the summary stays.
 */
async function watch(call: Client, id: string, intervalMs: number, zone: string): Promise<Campaign> {
  let c = await call('GET', path(id)) as Campaign;
  const bar = new cliProgress.SingleBar({
    format: '{bar} {percentage}% | {value}/{total} | delivered {delivered} failed {failed} excluded {excluded} | {state}{held}',
    hideCursor: true, clearOnComplete: true, noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  const payload = (x: Campaign) => {
    const held = heldText(x.stats?.held, zone);
    return { delivered: x.stats?.delivered ?? 0, failed: x.stats?.failed ?? 0, excluded: x.stats?.excluded ?? 0, state: x.status, held: held ? ` | ${held}` : '' };
  };
  const done = (x: Campaign) => (x.stats ? x.stats.total - x.stats.queued : 0);
  bar.start(Math.max(c.stats?.total ?? 0, 1), done(c), payload(c));
  try {
    while (!settled.has(c.status)) {
      await sleep(intervalMs);
      c = await call('GET', path(id)) as Campaign;
      bar.setTotal(Math.max(c.stats?.total ?? 0, 1));
      bar.update(done(c), payload(c));
    }
  } finally {
    bar.stop();
  }
  return c;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

interface CreateOptions extends ClientOptions {
  name: string; group?: string[]; list?: string[]; segment?: string; filter?: string; numbersFile?: string[]; text?: string; template?: string; category?: string;
  channel?: string; scheduleAt?: string; cron?: string; timezone?: string; window?: string[]; cap?: string; perMinute?: string; spreadHours?: string; autoPause?: string;
}

/** `tidings campaign create|list|preflight|start|pause|resume|cancel|status|export`, over the HTTP API. */
export function campaignCommand(): Command {
  const cmd = new Command('campaign').description('Campaigns: create, pre-flight, start, pause, resume, cancel, watch and export (talks to a server)');

  withClientOptions(cmd.command('create').description('Create a draft campaign and print its id'))
    .requiredOption('--name <name>', 'the campaign name')
    .option('--group <group>', 'a group id or name (repeatable)', collect)
    .option('--list <list>', 'a subscription list (service id or name): its active subscribers (repeatable)', collect)
    .option('--segment <id>', 'a saved segment id')
    .option('--filter <filter>', 'a segment filter, e.g. \'city = "北京" and tag:vip\'')
    .option('--numbers-file <file>', 'numbers, one a line, or a CSV with a phone column whose other columns feed the template (repeatable)', collect)
    .option('--text <text>', 'the message text ({{variables}} allowed)')
    .option('--template <id>', 'a template id instead of --text')
    .addOption(new Option('--category <category>', 'the template\'s when a template is given, else marketing').choices([...categories]))
    .option('--channel <name>', 'pin a channel the tenant may use (otherwise routing decides)')
    .option('--schedule-at <iso>', 'start at this time (ISO-8601 with offset) when started')
    .option('--cron <expr>', 'recurring, e.g. "0 10 * * 1" (Mondays 10:00); each run is a campaign of its own')
    .option('--timezone <zone>', 'zone of --cron (default the tenant\'s)')
    .option('--window <window>', 'send window in the recipient\'s zone, HH:MM-HH:MM or DAYS@HH:MM-HH:MM with ISO weekdays, e.g. 1-5@15:30-18:00 (repeatable)', collect)
    .option('--cap <cap>', 'frequency cap MAX/DAYSd, e.g. 1/14d: at most 1 message of this category per contact in 14 days (/all: any category)')
    .option('--per-minute <n>', 'throughput cap: messages per minute')
    .option('--spread-hours <h>', 'spread the sends evenly over this many hours')
    .option('--auto-pause <rate/sample>', 'pause when more than RATE of the last SAMPLE finished messages failed (default 0.5/200)')
    .action(async (o: CreateOptions) => {
      if (!!o.text === !!o.template) throw new DomainError('invalid_request', 'give exactly one of --text or --template');
      if (o.scheduleAt && o.cron) throw new DomainError('invalid_request', 'give --schedule-at or --cron, not both');
      const numbers = (o.numbersFile ?? []).flatMap((f) => readRecipients(f)).map((r) => (r.vars ? { phone: r.phone, ...r.vars } : r.phone));
      const audience = { ...(o.group?.length ? { groups: o.group } : {}), ...(o.list?.length ? { lists: o.list } : {}), ...(o.segment ? { segment: o.segment } : {}), ...(o.filter ? { filter: o.filter } : {}), ...(numbers.length ? { numbers } : {}) };
      if (!Object.keys(audience).length) throw new DomainError('invalid_request', 'give an audience: --group, --list, --segment, --filter or --numbers-file');
      const call = client(o);
      const category = o.category ?? (o.template ? (await call('GET', `/api/v1/templates/${encodeURIComponent(o.template)}`) as { category: string }).category : 'marketing');
      const perMinute = positive('--per-minute', o.perMinute);
      const spreadHours = positive('--spread-hours', o.spreadHours);
      const options = {
        ...(o.window?.length ? { sendWindows: o.window.map(parseWindow) } : {}),
        ...(o.cap ? { frequencyCap: parseCap(o.cap, category) } : {}),
        ...(perMinute ? { perMinute: Math.round(perMinute) } : {}),
        ...(spreadHours ? { spreadHours } : {}),
        ...(o.autoPause ? { autoPause: parseAutoPause(o.autoPause) } : {}),
      };
      const body = {
        name: o.name, audience, ...(o.text ? { text: o.text } : { templateId: o.template }), category, ...(o.channel ? { channel: o.channel } : {}),
        ...(o.scheduleAt ? { scheduleAt: o.scheduleAt } : {}), ...(o.cron ? { cron: o.cron } : {}), ...(o.timezone ? { timezone: o.timezone } : {}), options,
      };
      const c = await call('POST', '/api/v1/campaigns', body) as Campaign;
      print(o, c, () => [c.id]);
    });

  withClientOptions(cmd.command('list').description('List campaigns, newest first'))
    .option('--status <status>', 'only campaigns in this state').option('--limit <n>', 'how many', '50')
    .action(async (o: ClientOptions & { status?: string; limit: string }) => {
      const qs = new URLSearchParams({ limit: o.limit });
      if (o.status) qs.set('status', o.status);
      const r = await client(o)('GET', `/api/v1/campaigns?${qs}`) as { campaigns: Campaign[] };
      print(o, r, () => (r.campaigns.length ? columns(r.campaigns.map((c) => [c.id, c.status, c.category, c.createdAt, c.name])) : ['no campaigns']));
    });

  withClientOptions(cmd.command('preflight <id>').description('What starting now would do: recipients by outcome and exclusion reason, segments, cost, balance'))
    .action(async (id: string, o: ClientOptions) => {
      const p = await client(o)('POST', path(id, 'preflight')) as Preflight;
      print(o, p, () => preflightLines(p));
    });

  withClientOptions(cmd.command('start <id>').description('Start now (or schedule, when the campaign has a start time or cron); shows the pre-flight and asks first unless --yes'))
    .option('-y, --yes', 'do not ask')
    .action(async (id: string, o: ClientOptions & { yes?: boolean }) => {
      const call = client(o);
      if (!o.yes) {
        if (!process.stdin.isTTY) throw new DomainError('invalid_request', 'not a terminal: add --yes to start without confirmation');
        const p = await call('POST', path(id, 'preflight')) as Preflight;
        process.stderr.write(`${preflightLines(p).join('\n')}\n`);
        if (!await confirm(`Start campaign ${id}? [y/N] `)) {
          process.stderr.write('not started\n');
          return;
        }
      }
      const c = await call('POST', path(id, 'start')) as Campaign;
      print(o, c, () => [headline(c)]);
    });

  for (const [action, what] of [['pause', 'Pause a scheduled or running campaign'], ['resume', 'Resume a paused campaign'], ['cancel', 'Cancel a campaign; its queued messages are released']] as const) {
    withClientOptions(cmd.command(`${action} <id>`).description(what))
      .action(async (id: string, o: ClientOptions) => {
        const c = await client(o)('POST', path(id, action)) as Campaign;
        print(o, c, () => [headline(c)]);
      });
  }

  withClientOptions(cmd.command('status <id>').description('State and statistics; --watch shows a progress bar until the campaign completes, is cancelled or paused'))
    .option('--watch', 'follow the campaign with a progress bar of done/total')
    .option('--interval <ms>', 'how often --watch asks', '1000')
    .action(async (id: string, o: ClientOptions & { watch?: boolean; interval: string }) => {
      const call = client(o);
      const zone = await tenantZone(call);
      if (o.watch) await watch(call, id, Math.max(100, Number(o.interval) || 1000), zone);
      const c = await call('GET', path(id)) as Campaign;
      print(o, c, () => statsLines(c, zone));
    });

  withClientOptions(cmd.command('export <id>').description('Every message of the campaign as CSV or XLSX'))
    .addOption(new Option('--format <format>').choices(['csv', 'xlsx']).default('csv')).requiredOption('--out <file>', 'file to write')
    .action(async (id: string, o: ClientOptions & { format: string; out: string }) => {
      const buf = await client(o)('GET', `${path(id, 'export')}?format=${o.format}`, undefined, { raw: true }) as Buffer;
      writeFileSync(o.out, buf);
      process.stdout.write(`${o.out} (${buf.length} bytes)\n`);
    });

  return cmd;
}
