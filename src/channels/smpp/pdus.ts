// SMPP 3.4 vocabulary: command ids, command_status codes, TLV tags and the PDU shape.

/** command_id values (SMPP 3.4 §5.1.2.1). */
export const Cmd = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

/** Name of an SMPP command. */
export type CommandName = keyof typeof Cmd;

const COMMAND_NAMES = new Map<number, CommandName>(Object.entries(Cmd).map(([k, v]) => [v, k as CommandName]));

/** The command's name, or hex for an unknown id. */
export function commandName(id: number): string {
  return COMMAND_NAMES.get(id) ?? `0x${id.toString(16).padStart(8, '0')}`;
}

/** True for response command ids (high bit set). */
export function isResponseId(id: number): boolean {
  return id >= 0x80000000;
}

/** command_status values (SMPP 3.4 §5.1.3). */
export const Status = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RCANCELFAIL: 0x11,
  ESME_RREPLACEFAIL: 0x13,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVNUMDESTS: 0x33,
  ESME_RINVDLNAME: 0x34,
  ESME_RINVDESTFLAG: 0x40,
  ESME_RINVSUBREP: 0x42,
  ESME_RINVESMCLASS: 0x43,
  ESME_RCNTSUBDL: 0x44,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RINVREPFLAG: 0x54,
  ESME_RINVNUMMSGS: 0x55,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RINVDFTMSGID: 0x63,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RINVOPTPARSTREAM: 0xc0,
  ESME_ROPTPARNOTALLWD: 0xc1,
  ESME_RINVPARLEN: 0xc2,
  ESME_RMISSINGOPTPARAM: 0xc3,
  ESME_RINVOPTPARAMVAL: 0xc4,
  ESME_RDELIVERYFAILURE: 0xfe,
  ESME_RUNKNOWNERR: 0xff,
} as const;

const STATUS_NAMES = new Map<number, string>(Object.entries(Status).map(([k, v]) => [v, k]));

/** `ESME_RTHROTTLED (0x58)`-style label for a command_status. */
export function statusName(status: number): string {
  const hex = `0x${status.toString(16).padStart(2, '0')}`;
  const name = STATUS_NAMES.get(status);
  return name ? `${name} (${hex})` : hex;
}

/** Optional parameter tags (SMPP 3.4 §5.3.2) that we read or write. */
export const Tag = {
  dest_addr_subunit: 0x0005,
  payload_type: 0x0019,
  additional_status_info_text: 0x001d,
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  callback_num: 0x0381,
  ms_availability_status: 0x0422,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
} as const;

/** message_state values (SMPP 3.4 §5.2.28). */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

/** esm_class bits we use. */
export const EsmClass = { deliveryReceipt: 0x04, intermediateNotification: 0x20, udhi: 0x40 } as const;

/** One optional parameter, value kept as raw bytes. */
export interface Tlv {
  tag: number;
  value: Buffer;
}

/** One destination of a submit_multi (SMPP 3.4 §5.2.25): an SME address (dest_flag 1) or a distribution list name (2). */
export type DestAddress = { flag: 1; ton: number; npi: number; address: string } | { flag: 2; dlName: string };

/** A destination a submit_multi_resp reports as not accepted, with why (a command_status). */
export interface UnsuccessSme { ton: number; npi: number; address: string; errorStatusCode: number }

/** Any SMPP PDU: header plus whichever mandatory fields its command has (camelCase of the spec names). */
export interface Pdu {
  commandId: number;
  status: number;
  sequence: number;
  systemId?: string;
  password?: string;
  systemType?: string;
  interfaceVersion?: number;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  serviceType?: string;
  sourceAddrTon?: number;
  sourceAddrNpi?: number;
  sourceAddr?: string;
  destAddrTon?: number;
  destAddrNpi?: number;
  destinationAddr?: string;
  esmClass?: number;
  protocolId?: number;
  priorityFlag?: number;
  scheduleDeliveryTime?: string;
  validityPeriod?: string;
  registeredDelivery?: number;
  replaceIfPresentFlag?: number;
  dataCoding?: number;
  smDefaultMsgId?: number;
  shortMessage?: Buffer;
  messageId?: string;
  finalDate?: string;
  messageState?: number;
  errorCode?: number;
  esmeAddrTon?: number;
  esmeAddrNpi?: number;
  esmeAddr?: string;
  /** submit_multi: number_of_dests and its dest_address list. */
  destAddresses?: DestAddress[];
  /** submit_multi_resp: no_unsuccess and its unsuccess_sme list. */
  unsuccessSme?: UnsuccessSme[];
  tlvs?: Tlv[];
}
