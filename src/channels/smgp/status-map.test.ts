import { describe, expect, it } from 'vitest';
import { receiptStatus, sendErrorFor, statusKind } from './status-map.ts';

describe('SMGP status map', () => {
  it('maps Status values to what the caller should do, keeping the original code', () => {
    expect(statusKind(1)).toBe('throttled');
    expect(statusKind(21)).toBe('config');
    expect(statusKind(47)).toBe('permanent');
    expect(statusKind(200)).toBe('permanent');
    expect(sendErrorFor(200, 'Submit refused')).toMatchObject({ code: 'smgp:200', message: 'Submit refused: status 200 (vendor-defined)' });
  });

  it('maps report stat words (§6.2.63.1) to our statuses', () => {
    expect(receiptStatus('DELIVRD', '000')).toBe('delivered');
    expect(receiptStatus('UNDELIV', '004')).toBe('undelivered');
    expect(receiptStatus('expired', '001')).toBe('expired');
    expect(receiptStatus('REJECTD', '009')).toBe('rejected');
    expect(receiptStatus('UNKNOWN', '999')).toBe('failed');
  });
});
