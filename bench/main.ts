import type { BenchContext } from './support/context.ts';

/** Every scenario: its name and the module exporting `run(ctx)`. A new scenario is one more line. */
const scenarios: Record<string, () => Promise<{ run(ctx: BenchContext): Promise<Record<string, unknown>> }>> = {
  bare: () => import('./bare.ts'),
  smpp: () => import('./smpp.ts'),
  dispatch: () => import('./dispatch.ts'),
  'api-send': () => import('./api-send.ts'),
  import: () => import('./import.ts'),
};

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((w) => !(w in scenarios));
if (unknown.length) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`);
  process.exit(2);
}

let reference: Promise<number> | undefined;
const ctx: BenchContext = {
  messages: Number(process.env.TIDINGS_BENCH_MESSAGES ?? 200_000),
  reference() {
    reference ??= scenarios.bare().then((m) => m.run(ctx)).then((r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return r.perSecond as number;
    });
    return reference;
  },
};

for (const name of wanted.length ? wanted : Object.keys(scenarios)) {
  if (name === 'bare') { await ctx.reference(); continue; }
  const result = await (await scenarios[name]()).run(ctx);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
process.exit(0);
