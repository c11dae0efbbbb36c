import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { statement } from './hot.ts';

describe('the prepared-statement cache', () => {
  it('keeps a statement in use while many one-off texts pass through, and drops the least recently used', () => {
    const db = new SQLite(':memory:');
    try {
      const hot = statement(db, 'select 1');
      const first = statement(db, 'select 2');
      for (let n = 0; n < 1000; n++) {
        statement(db, `select ${n + 10}`);
        expect(statement(db, 'select 1')).toBe(hot);
      }
      expect(statement(db, 'select 2')).not.toBe(first);
    } finally {
      db.close();
    }
  });
});
