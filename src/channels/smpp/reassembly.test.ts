import { describe, expect, it } from 'vitest';
import { Cmd, EsmClass, type Pdu } from './pdus.ts';
import { buildMessage, decodeText, readUserData } from './message.ts';
import { Reassembler, type Assembled } from './reassembly.ts';

function reassemble(pdus: Pdu[], timeoutMs = 1000): Assembled<null>[] {
  const out: Assembled<null>[] = [];
  const r = new Reassembler<null>(timeoutMs, (m) => void out.push(m));
  for (const p of pdus) {
    const { payload, concat } = readUserData(p);
    const text = decodeText(payload, p.dataCoding ?? 0);
    if (concat) r.add('k', concat.total, concat.seq, text, null, 0);
    else out.push({ text, parts: 1, total: 1, incomplete: false, meta: null });
  }
  r.sweep(timeoutMs + 1);
  return out;
}

function pdus(text: string, concat: 'udh8' | 'udh16' | 'sar'): Pdu[] {
  const m = buildMessage(text, { concat, dataCoding: 0, ref: 0x1234 });
  return m.parts.map((part, i) => ({ commandId: Cmd.deliver_sm, status: 0, sequence: i + 1, dataCoding: m.dataCoding, ...part }));
}

const gsmLong = 'Tidings {reassembly} test with € and [brackets] that cost two septets each. '.repeat(5);
const ucs2Long = '短信群发平台，重新组装测试 😀 emoji stays whole. '.repeat(6);

describe('reassembly', () => {
  it.each(['udh8', 'udh16', 'sar'] as const)('puts %s parts back together, GSM and UCS-2', (mode) => {
    for (const text of [gsmLong, ucs2Long]) {
      const parts = pdus(text, mode);
      expect(parts.length).toBeGreaterThan(2);
      expect(reassemble(parts)).toMatchObject([{ text, parts: parts.length, incomplete: false }]);
    }
  });

  it('uses a 16-bit reference and never both UDH and SAR', () => {
    const udh16 = pdus(gsmLong, 'udh16');
    expect(udh16[0].esmClass).toBe(EsmClass.udhi);
    expect(readUserData(udh16[0]).concat).toEqual({ ref: 0x1234, total: udh16.length, seq: 1 });
    const sar = pdus(gsmLong, 'sar');
    expect(sar[0].esmClass).toBe(0);
    expect(readUserData(sar[1]).concat).toEqual({ ref: 0x1234, total: sar.length, seq: 2 });
  });

  it('accepts parts out of order and ignores duplicates', () => {
    const parts = pdus(ucs2Long, 'udh8');
    const shuffled = [parts[2], parts[0], parts[0], parts[1], ...parts.slice(3), parts[1]];
    expect(reassemble(shuffled)).toMatchObject([{ text: ucs2Long, parts: parts.length, incomplete: false }]);
  });

  it('delivers what arrived after the timeout, marked incomplete', () => {
    const parts = pdus(gsmLong, 'udh8');
    const [got] = reassemble([parts[0], parts[2]]);
    expect(got).toMatchObject({ parts: 2, total: parts.length, incomplete: true });
    expect(got.text.startsWith(decodeText(readUserData(parts[0]).payload, 0))).toBe(true);
  });

  it('keeps concurrent messages with different keys apart', () => {
    const out: string[] = [];
    const r = new Reassembler<null>(1000, (m) => void out.push(m.text));
    r.add('a', 2, 1, 'A1', null);
    r.add('b', 2, 2, 'B2', null);
    r.add('b', 2, 1, 'B1', null);
    r.add('a', 2, 2, 'A2', null);
    expect(out).toEqual(['B1B2', 'A1A2']);
    expect(r.size).toBe(0);
  });

  it('tells every part, duplicates included, when the message holding it is stored', async () => {
    let store!: () => void;
    const r = new Reassembler<null>(1000, () => new Promise<void>((resolve) => (store = resolve)));
    const settled: string[] = [];
    const first = r.add('k', 2, 1, 'A', null).then(() => settled.push('1'));
    const again = r.add('k', 2, 1, 'A', null).then(() => settled.push('1 again'));
    const last = r.add('k', 2, 2, 'B', null).then(() => settled.push('2'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toEqual([]);
    store();
    await Promise.all([first, again, last]);
    const late = await r.add('k', 2, 2, 'B', null).then(() => 'late duplicate settled');
    expect(late).toBe('late duplicate settled');
    expect(settled.sort()).toEqual(['1', '1 again', '2']);
  });

  it('rejects the parts when storing fails, and takes them as a new message when offered again', async () => {
    const texts: string[] = [];
    let fail = true;
    const r = new Reassembler<null>(1000, (m) => (texts.push(m.text), fail ? Promise.reject(new Error('db down')) : Promise.resolve()));
    const parts = [r.add('k', 2, 1, 'A', null), r.add('k', 2, 2, 'B', null)];
    for (const p of parts) await expect(p).rejects.toThrow('db down');
    fail = false;
    await Promise.all([r.add('k', 2, 1, 'A', null), r.add('k', 2, 2, 'B', null)]);
    expect(texts).toEqual(['AB', 'AB']);
  });

  it('treats a short message without concatenation as one part', () => {
    expect(reassemble(pdus('hello', 'udh8'))).toMatchObject([{ text: 'hello', parts: 1 }]);
  });
});
