// The benchmark runner. Each scenario runs in a process of its own, so its peak RSS is its own and not what earlier
// scenarios left behind; the `bare` reference is measured once per run, first, and handed to the scenarios that
// compare against it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchContext } from './support/context.ts';

interface Scenario { load(): Promise<{ run(ctx: BenchContext): Promise<Record<string, unknown>> }>; compares: boolean }

/** Every scenario: the module exporting `run(ctx)`, and whether it reports a ratio against `bare`. A new scenario is one more line. */
const scenarios: Record<string, Scenario> = {
  bare: { load: () => import('./bare.ts'), compares: false },
  smpp: { load: () => import('./smpp.ts'), compares: true },
  cmpp: { load: () => import('./cmpp.ts'), compares: true },
  sgip: { load: () => import('./sgip.ts'), compares: true },
  smgp: { load: () => import('./smgp.ts'), compares: true },
  floor: { load: () => import('./floor.ts'), compares: true },
  dispatch: { load: () => import('./dispatch.ts'), compares: true },
  'dispatch-pg2': { load: () => import('./dispatch-pg2.ts'), compares: false },
  'api-send': { load: () => import('./api-send.ts'), compares: false },
  import: { load: () => import('./import.ts'), compares: false },
  services: { load: () => import('./services.ts'), compares: true },
  automation: { load: () => import('./automation.ts'), compares: false },
  links: { load: () => import('./links.ts'), compares: false },
  'smpp-server': { load: () => import('./smpp-server.ts'), compares: false },
  'code-check': { load: () => import('./code-check.ts'), compares: true },
};

const messages = Number(process.env.TIDINGS_BENCH_MESSAGES ?? 200_000);
/** Every result line printed so far in this run, by scenario (dispatch prints dispatch-pg before its own). */
const results = new Map<string, Record<string, unknown>>();
const only = process.env.TIDINGS_BENCH_SCENARIO;

/** Runs one scenario in a child process, echoing its lines; resolves with the last one (its result). */
async function inChild(name: string, reference: number | null, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '..', 'bin', 'bench.js')], {
    env: { ...process.env, ...extra, TIDINGS_BENCH_SCENARIO: name, ...(reference !== null && { TIDINGS_BENCH_REFERENCE: String(reference) }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last: Record<string, unknown> | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    process.stdout.write(`${line}\n`);
    if (line.startsWith('{')) {
      last = JSON.parse(line) as Record<string, unknown>;
      if (typeof last.scenario === 'string') results.set(last.scenario, last);
    }
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  if (code !== 0 || !last) throw new Error(`scenario ${name} failed (exit code ${code})`);
  return last;
}

if (only) {
  // a child: one scenario, against the reference the runner measured
  const ctx: BenchContext = { messages, reference: async () => Number(process.env.TIDINGS_BENCH_REFERENCE) };
  process.stdout.write(`${JSON.stringify(await (await scenarios[only].load()).run(ctx))}\n`);
  process.exit(0);
}

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((w) => !(w in scenarios));
if (unknown.length) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(scenarios);
const reference = names.some((n) => n === 'bare' || scenarios[n].compares) ? Number((await inChild('bare', null)).perSecond) : null;
// smpp-server reports its ratio to the dispatch scenario of the same run, dispatch its ratio to the floor, dispatch-pg2
// its ratio to one node (dispatch-pg) (when they ran before)
for (const name of names) {
  if (name === 'bare') continue;
  const dispatch = results.get('dispatch')?.perSecond;
  const floor = results.get('floor')?.perSecond;
  const dispatchPg = results.get('dispatch-pg')?.perSecond;
  results.set(name, await inChild(name, scenarios[name].compares ? reference : null, {
    ...(dispatch !== undefined && { TIDINGS_BENCH_DISPATCH: String(dispatch) }), ...(floor !== undefined && { TIDINGS_BENCH_FLOOR: String(floor) }),
    ...(dispatchPg !== undefined && { TIDINGS_BENCH_DISPATCH_PG: String(dispatchPg) }),
  }));
}
process.exit(0);
