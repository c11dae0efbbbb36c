// SMGP 3.0.3 (China Telecom) request ids, TLV tags and the PDU shape (spec §5.2, §6.1.2, §6.3.1).

/** RequestID values used between an SP and the SMGW. */
export const Req = {
  login: 0x00000001,
  login_resp: 0x80000001,
  submit: 0x00000002,
  submit_resp: 0x80000002,
  deliver: 0x00000003,
  deliver_resp: 0x80000003,
  active_test: 0x00000004,
  active_test_resp: 0x80000004,
  exit: 0x00000006,
  exit_resp: 0x80000006,
} as const;

/** Optional parameter tags (§6.3.1). */
export const Tag = {
  TP_pid: 0x0001,
  TP_udhi: 0x0002,
  LinkID: 0x0003,
  ChargeUserType: 0x0004,
  PkTotal: 0x0009,
  PkNumber: 0x000a,
  SubmitMsgType: 0x000b,
  MsgSrc: 0x0010,
  MServiceID: 0x0012,
} as const;

/** LoginMode (§6.2.3). */
export const LoginMode = { send: 0, receive: 1, transmit: 2 } as const;

/** An optional parameter. */
export interface SmgpTlv {
  tag: number;
  value: Buffer;
}

/** Any SMGP PDU: the header plus the fields of its request id (absent ones default to zero / empty). */
export interface SmgpPdu {
  requestId: number;
  sequence: number;
  // Login
  clientId?: string;
  authenticator?: Buffer;
  loginMode?: number;
  timestamp?: number;
  version?: number;
  // Login_Resp, Submit_Resp, Deliver_Resp
  status?: number;
  // Submit
  msgType?: number;
  needReport?: number;
  priority?: number;
  serviceId?: string;
  feeType?: string;
  feeCode?: string;
  fixedFee?: string;
  msgFormat?: number;
  validTime?: string;
  atTime?: string;
  srcTermId?: string;
  chargeTermId?: string;
  destTermIds?: string[];
  content?: Buffer;
  // Submit_Resp, Deliver, Deliver_Resp: 10 octets of BCD
  msgId?: Buffer;
  // Deliver
  isReport?: number;
  recvTime?: string;
  destTermId?: string;
  tlvs?: SmgpTlv[];
}

const NAMES = new Map<number, string>(Object.entries(Req).map(([name, id]) => [id, name]));

/** Name of a request id, or its hex. */
export function requestName(id: number): string {
  return NAMES.get(id) ?? `0x${id.toString(16).padStart(8, '0')}`;
}


/** A one-octet TLV. */
export function byteTlv(tag: number, value: number): SmgpTlv {
  return { tag, value: Buffer.from([value]) };
}

/** The value of the first TLV with `tag`. */
export function findTlv(p: SmgpPdu, tag: number): Buffer | undefined {
  const tlvs = p.tlvs;
  if (tlvs) for (const t of tlvs) if (t.tag === tag) return t.value;
  return undefined;
}
