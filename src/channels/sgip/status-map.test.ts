import { describe, expect, it } from 'vitest';
import { reportStatus, resultKind, sendErrorFor } from './status-map.ts';

describe('SGIP status map', () => {
  it('maps Results to what the caller should do, keeping the original code', () => {
    expect(resultKind(1)).toBe('config');
    expect(resultKind(11)).toBe('throttled');
    expect(resultKind(33)).toBe('throttled');
    expect(resultKind(32)).toBe('retryable');
    expect(resultKind(6)).toBe('permanent');
    expect(sendErrorFor(6, 'Submit refused')).toMatchObject({ kind: 'permanent', code: 'sgip:6', message: 'Submit refused: result 6 (illegal mobile number)' });
  });

  it('maps Report states (§5.4) to our statuses', () => {
    expect(reportStatus(0, 0)).toEqual({ status: 'delivered', stat: 'DELIVRD' });
    expect(reportStatus(1, 0)).toEqual({ status: 'submitted', stat: 'ENROUTE' });
    expect(reportStatus(2, 29)).toEqual({ status: 'undelivered', stat: 'UNDELIV' });
    expect(reportStatus(2, 26)).toEqual({ status: 'expired', stat: 'EXPIRED' });
    expect(reportStatus(2, 32)).toEqual({ status: 'failed', stat: 'UNKNOWN' });
  });
});
