// How far V8 lets the old generation grow past what the last full collection kept, set for every Tidings process
// (`tidings …`, `npm start`, `npm run bench`). V8's own factor reaches 4× on a small heap: a server taking batches of
// 10,000 events (megabytes per request that live until the response) then sits on ~4× its live heap in garbage.
// 100 (2×) keeps the automation bench's peak RSS under 400 MB; TIDINGS_HEAP_GROWING_PERCENT overrides it (unset or empty: 100), 0 = V8's own.
import v8 from 'node:v8';

const raw = process.env.TIDINGS_HEAP_GROWING_PERCENT || '100';
const percent = Number(raw);
if (!/^\d+$/.test(raw) || percent > 400) {
  process.stderr.write(`TIDINGS_HEAP_GROWING_PERCENT must be a whole number from 0 to 400 (0 = V8's own factor), not ${JSON.stringify(raw)}\n`);
  process.exit(2);
}
if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
