// CMPP 2.0 / 3.0 (China Mobile, QB-GF-028-2003) command ids, result codes and the PDU shape of the SP ↔ ISMG messages.

/** Command_Id values of the SP ↔ ISMG interface; responses have the top bit set. */
export const Cmd = {
  connect: 0x00000001,
  connect_resp: 0x80000001,
  terminate: 0x00000002,
  terminate_resp: 0x80000002,
  submit: 0x00000004,
  submit_resp: 0x80000004,
  deliver: 0x00000005,
  deliver_resp: 0x80000005,
  query: 0x00000006,
  query_resp: 0x80000006,
  cancel: 0x00000007,
  cancel_resp: 0x80000007,
  active_test: 0x00000008,
  active_test_resp: 0x80000008,
} as const;

/** Protocol versions: the high nibble is the major version. */
export const Version = { v20: 0x20, v30: 0x30 } as const;

/** A CMPP version a channel speaks. */
export type CmppVersion = (typeof Version)[keyof typeof Version];

/** Result of CMPP_SUBMIT_RESP / CMPP_DELIVER_RESP (8.4.3.2, 8.4.5.2). */
export const Result = {
  ok: 0,
  badStructure: 1,
  badCommand: 2,
  duplicateSequence: 3,
  badLength: 4,
  badFee: 5,
  tooLong: 6,
  badServiceId: 7,
  flowControl: 8,
  notServed: 9,
  badSrcId: 10,
  badMsgSrc: 11,
  badFeeTerminal: 12,
  badDestTerminal: 13,
} as const;

/** Status of CMPP_CONNECT_RESP (8.4.1.2). */
export const ConnectStatus = { ok: 0, badStructure: 1, badSource: 2, authentication: 3, versionTooHigh: 4 } as const;

/** Octets of the message header (Total_Length, Command_Id, Sequence_Id). */
export const HEADER_LENGTH = 12;

const NAMES = new Map<number, string>(Object.entries(Cmd).map(([name, id]) => [id, `CMPP_${name.toUpperCase()}`]));

/** Readable command name (hex for unknown ids). */
export function commandName(id: number): string {
  return NAMES.get(id) ?? `0x${id.toString(16).padStart(8, '0')}`;
}

/** Whether a Command_Id is a response. */
export function isResponseId(id: number): boolean {
  return (id & 0x80000000) !== 0;
}

const RESULT_NAMES = new Map<number, string>(Object.entries(Result).map(([name, code]) => [code, name]));

/** Readable result, e.g. "8 (flowControl)". */
export function resultName(result: number): string {
  const name = RESULT_NAMES.get(result);
  return name ? `${result} (${name})` : String(result);
}

const CONNECT_NAMES: Record<number, string> = { 0: 'ok', 1: 'message structure', 2: 'illegal source address', 3: 'authentication', 4: 'version too high' };

/** Readable connect status, e.g. "3 (authentication)". */
export function connectStatusName(status: number): string {
  return `${status} (${CONNECT_NAMES[status] ?? 'other error'})`;
}

/** A status report's content inside CMPP_DELIVER (Registered_Delivery = 1). */
export interface StatusReport {
  /** The Msg_Id of the submit it reports on, as the decimal of its 64 bits. */
  msgId: string;
  /** DELIVRD, EXPIRED, UNDELIV, REJECTD, MA:0001 …: 7 octets. */
  stat: string;
  /** YYMMDDHHMM. */
  submitTime: string;
  doneTime: string;
  destTerminalId: string;
  smscSequence: number;
}

/**
 * One CMPP PDU: the header plus the fields of its command (only those of its command are set). Msg_Id values are
 * the decimal of their 64 bits (never a JS number).
 */
export interface Pdu {
  commandId: number;
  sequence: number;
  // CMPP_CONNECT
  sourceAddr?: string;
  authenticatorSource?: Buffer;
  version?: number;
  timestamp?: number;
  // CMPP_CONNECT_RESP (status), CMPP_SUBMIT_RESP / CMPP_DELIVER_RESP (result)
  status?: number;
  authenticatorIsmg?: Buffer;
  result?: number;
  // CMPP_SUBMIT / CMPP_DELIVER
  msgId?: string;
  /** The Msg_Id's 8 octets as read from the wire, written instead of msgId (a response echoing an id needs no conversion). */
  msgIdOctets?: Buffer;
  pkTotal?: number;
  pkNumber?: number;
  registeredDelivery?: number;
  msgLevel?: number;
  serviceId?: string;
  feeUserType?: number;
  feeTerminalId?: string;
  feeTerminalType?: number;
  tpPid?: number;
  tpUdhi?: number;
  msgFmt?: number;
  msgSrc?: string;
  feeType?: string;
  feeCode?: string;
  validTime?: string;
  atTime?: string;
  srcId?: string;
  destTerminalIds?: string[];
  destTerminalType?: number;
  msgContent?: Buffer;
  linkId?: string;
  // CMPP_DELIVER
  destId?: string;
  srcTerminalId?: string;
  srcTerminalType?: number;
  /** Decoded content of a status report (registeredDelivery 1). */
  report?: StatusReport;
}
