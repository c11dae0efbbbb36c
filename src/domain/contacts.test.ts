import { describe, it, expect } from 'vitest';
import { coerceField, fieldKey, inferFieldType } from './contacts.ts';

describe('custom fields', () => {
  it('makes keys from headers', () => {
    expect(fieldKey(' Birth date ')).toBe('birth_date');
    expect(fieldKey('城市')).toBe('城市');
    expect(fieldKey('2024 score')).toBe('f_2024_score');
    expect(fieldKey('***')).toBe('field');
  });

  it('coerces values to their type, keeping misfits as text', () => {
    expect(coerceField('number', '1,234.5')).toBe(1234.5);
    expect(coerceField('number', 'n/a')).toBe('n/a');
    expect(coerceField('date', '1990年5月17日')).toBe('1990-05-17');
    expect(coerceField('date', '1990/02/30')).toBe('1990/02/30');
    expect(coerceField('boolean', '是')).toBe(true);
    expect(coerceField('boolean', 'нет')).toBe(false);
    expect(coerceField('text', 42)).toBe('42');
    expect(coerceField('text', '  ')).toBeNull();
  });

  it('infers types from samples', () => {
    expect(inferFieldType(['32', '45', '', null])).toBe('number');
    expect(inferFieldType(['0755', '010'])).toBe('text');
    expect(inferFieldType(['2024-01-02', '2023/12/31'])).toBe('date');
    expect(inferFieldType(['是', '否'])).toBe('boolean');
    expect(inferFieldType(['北京', '32'])).toBe('text');
    expect(inferFieldType([])).toBe('text');
  });
});
