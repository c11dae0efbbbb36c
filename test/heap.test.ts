import { describe, expect, it } from 'vitest';
import { tidings } from './support/node.ts';

describe('TIDINGS_HEAP_GROWING_PERCENT (bin/heap.js, read before anything loads)', () => {
  it('stops the command with a message naming the variable when the value is not a whole number from 0 to 400', async () => {
    for (const bad of ['abc', '-5', '401', '1.5']) {
      const err = await tidings({ ...process.env, TIDINGS_HEAP_GROWING_PERCENT: bad }, '--help').then(() => null, (e: { code: number; stderr: string }) => e);
      expect(err, bad).not.toBeNull();
      expect(err!.code).toBe(2);
      expect(err!.stderr).toContain(`TIDINGS_HEAP_GROWING_PERCENT must be a whole number from 0 to 400 (0 = V8's own factor), not ${JSON.stringify(bad)}`);
    }
  });

  it('runs the command with the default (unset or empty), a chosen factor and V8\'s own (0)', async () => {
    for (const value of [undefined, '', '50', '0']) {
      const env = { ...process.env, TIDINGS_HEAP_GROWING_PERCENT: value };
      if (value === undefined) delete env.TIDINGS_HEAP_GROWING_PERCENT;
      expect(await tidings(env, '--help')).toContain('start');
    }
  });
});
