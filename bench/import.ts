// The `import` scenario: a 1,000,000-row CSV with a realistic mix of number formats, invalid numbers and
// duplicates, imported into a fresh SQLite database through the real import job; the reference is the same file only
// read and parsed (referencePerSecond), and `ratio` is the import's rate against it.
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { createImport } from '../src/store/repos/imports.ts';
import { runImport } from '../src/worker/imports/job.ts';
import { inspectSource, readRows } from '../src/worker/imports/reader.ts';
import { profileWindow } from './support/profile.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';

const ROWS = Number(process.env.TIDINGS_BENCH_IMPORT_ROWS ?? 1_000_000);
const prefixes = ['134', '135', '136', '138', '139', '150', '152', '158', '170', '177', '180', '186', '189', '198', '199'];
const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', 'Smith', 'Иванов'];
const cities = ['北京', '上海', '广州', '深圳', '杭州', '成都'];

/**
 * CPU seconds (user + system) of this process's main thread so far, read from Linux's /proc (null elsewhere): the
 * import writes on this thread while another reads the file, so this is its critical path when the two overlap.
 */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** A deterministic pseudo-random sequence, so every run imports the same file. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Writes the CSV: 5% duplicates of earlier numbers, 2% invalid, the rest in assorted real-world formats. */
export async function generate(path: string): Promise<void> {
  const rnd = lcg(42);
  const out = createWriteStream(path);
  out.write('手机号码,姓名,城市,年龄\n');
  const recent: string[] = [];
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    const p = rnd();
    let national: string;
    if (p < 0.05 && recent.length) national = recent[Math.floor(rnd() * recent.length)];
    else {
      national = prefixes[Math.floor(rnd() * prefixes.length)] + String(Math.floor(rnd() * 1e8)).padStart(8, '0');
      if (recent.length < 1000) recent.push(national); else recent[i % 1000] = national;
    }
    const f = rnd();
    let phone: string;
    if (p > 0.98) phone = f < 0.5 ? `1${String(i).slice(0, 4)}` : '1.38E+10';
    else if (f < 0.7) phone = national;
    else if (f < 0.8) phone = `+86 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
    else if (f < 0.88) phone = `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`;
    else if (f < 0.94) phone = `86${national}`;
    else phone = `${national}.0`;
    buf += `${phone},${surnames[i % surnames.length]}${i % 97},${cities[i % cities.length]},${18 + (i % 60)}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/**
 * The reference: the same file read and parsed into rows by the import's own reader (decoding, CSV parsing), and
 * nothing else — no normalising, deduplicating or writing. An import cannot be faster than this on this machine.
 */
async function readReference(file: string): Promise<{ rows: number; seconds: number }> {
  const info = await inspectSource(file, Number.MAX_SAFE_INTEGER);
  const started = performance.now();
  let rows = 0;
  for await (const batch of readRows(file, info)) rows += batch.length;
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** Generates the file, measures the bare read, imports it through runImport and reports rows/s, the ratio and peak RSS. */
export async function run(_ctx: BenchContext): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-bench-import-'));
  try {
    const file = join(dir, 'contacts.csv');
    await generate(file);
    const reference = await readReference(file);
    if (reference.rows !== ROWS + 1) throw new Error(`the reference read ${reference.rows} rows, expected ${ROWS + 1} (header included)`);
    const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', simulator: false, importMaxBytes: 1 << 30 });
    const deps = await buildDeps(config, { log: pino({ level: 'silent' }) });
    try {
      const tenant = await createTenant(deps.store.db, { slug: 'bench' });
      const job = await createImport(deps.store.db, tenant.id, { filePath: file, fileName: 'contacts.csv', options: { defaultCountry: 'CN', group: 'bench' } }, new Date().toISOString());
      const rssBeforeMb = Math.round(process.memoryUsage.rss() / 1024 / 1024 * 10) / 10;
      const rss = trackPeakRss();
      const cpu = process.cpuUsage();
      const mainCpu = mainThreadCpuSeconds();
      const profile = await profileWindow('import');
      const started = performance.now();
      const outcome = await runImport(deps, job.id);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      await profile.stop();
      const peakRssMb = rss.stop();
      // The machine may be shared: CPU time (user + system, all threads of this process) is the steadier figure.
      const cpuSeconds = Math.round((used.user + used.system) / 1e4) / 100;
      const mainCpuAfter = mainThreadCpuSeconds();
      const mainCpuSeconds = mainCpu === null || mainCpuAfter === null ? null : Math.round((mainCpuAfter - mainCpu) * 100) / 100;
      const done = await deps.store.db.selectFrom('imports').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
      if (outcome !== 'done') throw new Error(`import ${outcome}: ${done.error}`);
      return {
        scenario: 'import', rows: ROWS, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(ROWS / seconds),
        referencePerSecond: Math.round(ROWS / reference.seconds), ratio: Math.round((reference.seconds / seconds) * 100) / 100,
        cpuSeconds, perCpuSecond: Math.round(ROWS / cpuSeconds), mainCpuSeconds, peakRssMb, rssBeforeMb,
        imported: done.imported, duplicates: done.duplicates, invalid: done.invalid,
      };
    } finally {
      await closeDeps(deps);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
