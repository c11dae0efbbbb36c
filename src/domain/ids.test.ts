import { describe, expect, it } from 'vitest';
import { idFloor, newId } from './ids.ts';

describe('newId', () => {
  it('makes unique UUIDv7-shaped ids that sort by creation time', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newId(1_000) < newId(2_000)).toBe(true);
    expect(newId(Date.UTC(2030, 0, 1)) > ids[0]).toBe(true);
  });
});

describe('idFloor', () => {
  it('bounds the ids made from a given time on', () => {
    const t = Date.UTC(2026, 10, 23, 12);
    expect(idFloor(t) <= newId(t)).toBe(true);
    expect(idFloor(t + 1) > newId(t)).toBe(true);
  });
});
