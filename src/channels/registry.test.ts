import { describe, expect, it } from 'vitest';
import { partCounter } from './registry.ts';

const configs = {
  smpp: { name: 'a', type: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'x', password: 'y' },
  cmpp: { name: 'a', type: 'cmpp', host: '127.0.0.1', port: 7890, spId: '901234', sharedSecret: 's', serviceId: 'MJS001', serviceNumber: '10655001' },
  sgip: { name: 'a', type: 'sgip', host: '127.0.0.1', port: 8801, loginName: 'sp1', password: 'p', nodeId: 3010012345, listenPort: 0, listenLoginName: 'u', sharedSecret: 'b' },
  smgp: { name: 'a', type: 'smgp', host: '127.0.0.1', port: 8890, clientId: 'SP0001', secret: 's' },
} as const;

const ascii = (n: number) => 'a'.repeat(n);

describe('part counters (segments billed = parts sent)', () => {
  it.each([
    // type, text, parts
    ['smpp', ascii(160), 1], ['smpp', ascii(161), 2],
    ['cmpp', ascii(160), 1], ['cmpp', ascii(161), 2],
    // SGIP and SMGP carry ASCII as 8-bit: 140 octets in one part, 134 per part of a long one
    ['sgip', ascii(140), 1], ['sgip', ascii(141), 2], ['sgip', ascii(268), 2], ['sgip', ascii(269), 3],
    ['smgp', ascii(140), 1], ['smgp', ascii(150), 2], ['smgp', ascii(160), 2],
    ['sgip', '好'.repeat(70), 1], ['sgip', '好'.repeat(71), 2], ['smgp', '好'.repeat(70), 1], ['smgp', '好'.repeat(71), 2],
  ] as const)('%s: %#', (type, text, parts) => {
    expect(partCounter(type, configs[type])(text)).toBe(parts);
  });

  it('falls back to the SMPP count for a config that does not parse', () => {
    expect(partCounter('sgip', { port: 'x' })(ascii(150))).toBe(1);
  });
});
