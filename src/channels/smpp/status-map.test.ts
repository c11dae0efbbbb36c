import { describe, expect, it } from 'vitest';
import { MessageState, Status } from './pdus.ts';
import { sendErrorFor, stateStat, statState, statStatus, statusKind } from './status-map.ts';

describe('status map', () => {
  it.each([
    ['DELIVRD', 'delivered'], ['delivrd', 'delivered'], ['UNDELIV', 'undelivered'], ['EXPIRED', 'expired'], ['REJECTD', 'rejected'],
    ['DELETED', 'failed'], ['UNKNOWN', 'failed'], ['ACCEPTD', 'submitted'], ['ENROUTE', 'submitted'], ['WHATEVER', 'failed'],
  ])('stat %s → %s', (stat, status) => {
    expect(statStatus(stat)).toBe(status);
  });

  it('maps message_state both ways', () => {
    expect(stateStat(MessageState.DELIVERED)).toBe('DELIVRD');
    expect(stateStat(MessageState.REJECTED)).toBe('REJECTD');
    expect(stateStat(42)).toBeUndefined();
    expect(statState('UNDELIV')).toBe(MessageState.UNDELIVERABLE);
  });

  it.each([
    [Status.ESME_RTHROTTLED, 'throttled'], [Status.ESME_RMSGQFUL, 'throttled'], [Status.ESME_RSYSERR, 'retryable'],
    [Status.ESME_RINVPASWD, 'config'], [Status.ESME_RINVSYSID, 'config'], [Status.ESME_RBINDFAIL, 'config'],
    [Status.ESME_RINVDSTADR, 'permanent'], [Status.ESME_RINVMSGLEN, 'permanent'], [0x401, 'permanent'],
  ])('command_status 0x%s → %s', (status, kind) => {
    expect(statusKind(status)).toBe(kind);
  });

  it('names the status in the SendError', () => {
    expect(sendErrorFor(0x58, 'submit_sm')).toMatchObject({ kind: 'throttled', code: 'ESME_RTHROTTLED (0x58)', message: 'submit_sm refused: ESME_RTHROTTLED (0x58)' });
  });
});
