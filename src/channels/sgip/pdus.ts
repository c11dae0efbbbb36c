// SGIP 1.2 (China Unicom) command ids and the PDU shape (spec §4.2, §5.1).

/** Command ids used between an SP and the SMG. */
export const Cmd = {
  bind: 0x1,
  bind_resp: 0x80000001,
  unbind: 0x2,
  unbind_resp: 0x80000002,
  submit: 0x3,
  submit_resp: 0x80000003,
  deliver: 0x4,
  deliver_resp: 0x80000004,
  report: 0x5,
  report_resp: 0x80000005,
  userrpt: 0x11,
  userrpt_resp: 0x80000011,
} as const;

/** Bind login types (§4.2.3.1.1): 1 = SP → SMG (submits), 2 = SMG → SP (MO and reports). */
export const LoginType = { spToSmg: 1, smgToSp: 2 } as const;

/** Any SGIP PDU: the header (length, command, the 12-octet sequence) plus the fields of its command. */
export interface SgipPdu {
  commandId: number;
  /** The sequence number's three parts: source node id, MMDDHHMMSS, and the counter the session layer matches on. */
  node: number;
  time: number;
  sequence: number;
  // Bind
  loginType?: number;
  loginName?: string;
  loginPassword?: string;
  // every response
  result?: number;
  // Submit, Deliver, UserRpt
  spNumber?: string;
  chargeNumber?: string;
  userNumbers?: string[];
  corpId?: string;
  serviceType?: string;
  feeType?: number;
  feeValue?: string;
  givenValue?: string;
  agentFlag?: number;
  moRelated?: number;
  priority?: number;
  expireTime?: string;
  scheduleTime?: string;
  reportFlag?: number;
  tpPid?: number;
  tpUdhi?: number;
  messageCoding?: number;
  messageType?: number;
  content?: Buffer;
  userNumber?: string;
  // Report: the Submit's sequence number, and its state
  submitNode?: number;
  submitTime?: number;
  submitSequence?: number;
  reportType?: number;
  state?: number;
  errorCode?: number;
  // UserRpt
  userCondition?: number;
}

const NAMES = new Map<number, string>(Object.entries(Cmd).map(([name, id]) => [id, name]));

/** Name of a command id, or its hex. */
export function commandName(id: number): string {
  return NAMES.get(id) ?? `0x${id.toString(16).padStart(8, '0')}`;
}
