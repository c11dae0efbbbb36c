// The SMPP ESME channel: binds (transceiver, or transmitters + receivers), submits long messages part by
// part with retries that keep each part's identity, turns deliver_sm into receipts and inbound messages.
import type { Channel, OutboundMessage } from '../channel.ts';
import type { SendError } from '../errors.ts';
import { BinaryChannel, type InboundMeta } from '../session/binary-channel.ts';
import { Connection, type ConnectionHandlers } from '../session/connection.ts';
import type { PduError } from '../session/pdu-error.ts';
import { Part as SessionPart } from '../session/submission.ts';
import type { SmppConfig } from './config.ts';
import { normaliseId, normaliseIdAt } from './ids.ts';
import { buildMessage, decodeText, readUserData, singleGsm7 } from './message.ts';
import { HEADER_LENGTH, readU32 } from './codec.ts';
import { Cmd, EsmClass, Status, type Pdu, type Tlv } from './pdus.ts';
import { describePdu, smppProtocol } from './protocol.ts';
import { receiptFromFrame, receiptFromPdu } from './receipt.ts';
import { sendErrorFor } from './status-map.ts';

type SmppBind = Connection<Pdu>;
/** One part of an SMPP submit (the session layer's Part over SMPP binds and PDUs). */
const Part = SessionPart<SmppBind, Pdu>;
type Part = SessionPart<SmppBind, Pdu>;
type BindKind = 'transceiver' | 'transmitter' | 'receiver';

const BIND_COMMAND: Record<BindKind, number> = {
  transceiver: Cmd.bind_transceiver,
  transmitter: Cmd.bind_transmitter,
  receiver: Cmd.bind_receiver,
};

/** The bind of a slot: every slot a transceiver, or a transmitter and a receiver in turn (more binds only add slots). */
function bindKind(config: SmppConfig, slot: number): BindKind {
  if (config.bindMode === 'transceiver') return 'transceiver';
  return slot % 2 === 0 ? 'transmitter' : 'receiver';
}

/** An SMPP 3.4 carrier connection implementing Channel. */
export class SmppChannel extends BinaryChannel<Pdu> implements Channel {
  readonly type = 'smpp';
  private ref = Math.floor(Math.random() * 0xffff);

  constructor(private readonly config: SmppConfig) {
    super({ ...config, slotsPerBind: config.bindMode === 'transceiver' ? 1 : 2, canSubmit: (slot) => bindKind(config, slot) !== 'receiver' });
  }

  /** The submit_sm of each part (the same reference and UDH for every attempt). */
  protected partPdus(msg: OutboundMessage): Pdu[] {
    const cfg = this.config;
    this.ref = (this.ref + 1) & 0xffff;
    const to = msg.to.charCodeAt(0) === 43 ? msg.to.slice(1) : msg.to; // '+'
    const from = msg.from || cfg.defaultSource;
    const registeredDelivery = msg.registeredDelivery === false ? 0 : 1;
    // the common case needs no WireMessage: short default-alphabet text is one part in data_coding 0, as buildMessage would make it
    const single = cfg.defaultDataCoding === 0 ? singleGsm7(msg.text) : null;
    if (single !== null) return [this.partPdu(from, to, registeredDelivery, 0, 0, single, undefined)];
    const wire = buildMessage(msg.text, { concat: cfg.concat, dataCoding: cfg.defaultDataCoding, ref: this.ref });
    return wire.parts.map((part) => this.partPdu(from, to, registeredDelivery, wire.dataCoding, part.esmClass, part.shortMessage, part.tlvs));
  }

  /** The submit_sm of one part (kept by its Part for every attempt; the sequence is set when it is sent). */
  private partPdu(from: string, to: string, registeredDelivery: number, dataCoding: number, esmClass: number, shortMessage: Buffer, tlvs: Tlv[] | undefined): Pdu {
    const cfg = this.config;
    return {
      commandId: Cmd.submit_sm, status: 0, sequence: 0,
      sourceAddrTon: cfg.sourceTon, sourceAddrNpi: cfg.sourceNpi, sourceAddr: from,
      destAddrTon: cfg.destTon, destAddrNpi: cfg.destNpi, destinationAddr: to,
      esmClass, registeredDelivery, dataCoding, shortMessage, tlvs,
    };
  }

  protected stamp(pdu: Pdu, conn: SmppBind): void {
    pdu.sequence = conn.nextSequence();
  }

  protected outcome(resp: Pdu): string | SendError {
    return resp.status === Status.ESME_ROK ? normaliseId(resp.messageId ?? '', this.config.idFormat.submit) : sendErrorFor(resp.status, 'submit_sm');
  }

  protected describe(pdu: Pdu): string {
    return describePdu(pdu);
  }

  /** Opens the bind of `slot` (its kind: transceiver, transmitter or receiver). */
  protected openBind(slot: number): Promise<SmppBind> {
    return this.bind(bindKind(this.config, slot));
  }

  /** Ends a bind with unbind (waiting a second for its answer), then closes it. */
  protected farewell(sequence: number): Pdu {
    return { commandId: Cmd.unbind, status: 0, sequence };
  }

  protected readonly farewellReason = 'unbound';

  private async bind(kind: BindKind): Promise<SmppBind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, smppProtocol, {
      window: this.sender.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: cfg.enquireLinkSeconds * 1000,
      eagerWrites: true,
    }, (c) => this.handlers(c));
    let resp: Pdu;
    try {
      resp = await conn.request((sequence) => ({
        commandId: BIND_COMMAND[kind], status: 0, sequence,
        systemId: cfg.systemId, password: cfg.password, systemType: cfg.systemType, interfaceVersion: 0x34,
      }), false);
    } catch (err) {
      conn.close('bind failed');
      throw err;
    }
    if (resp.status !== Status.ESME_ROK) {
      conn.close('bind refused');
      throw sendErrorFor(resp.status, `bind_${kind} as ${cfg.systemId}`);
    }
    return conn;
  }

  private handlers(conn: SmppBind): ConnectionHandlers<Pdu> {
    return {
      onRequest: (p) => this.onRequest(conn, p),
      onFrame: (buf, start, end) => this.onFrame(conn, buf, start, end),
      onBadPdu: (err: PduError) => conn.send({ commandId: Cmd.generic_nack, status: err.status ?? Status.ESME_RINVCMDLEN, sequence: err.sequence ?? 0 }),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    };
  }

  /**
   * The two PDUs of every message, read straight from their octets [start, end) of `buf`: a part's submit_sm_resp and
   * a delivery receipt (receiptFromFrame). False for any other frame (or when PDUs are being logged), decoded as usual.
   */
  private onFrame(conn: SmppBind, buf: Buffer, start: number, end: number): boolean {
    if (end - start <= HEADER_LENGTH) return false;
    const sequence = readU32(buf, start + 12);
    if (readU32(buf, start + 4) === Cmd.submit_sm_resp) return this.submitRespAt(conn, buf, start, end, sequence);
    const receipt = receiptFromFrame(buf, start, end, this.name, this.config.idFormat.receipt);
    if (receipt === undefined) return false;
    acknowledge(conn, Cmd.deliver_sm_resp, sequence, receipt ? this.onReceipt(receipt) : undefined);
    return true;
  }

  /** A submit_sm_resp whose body is just its message_id, answering a part: settled with no PDU and no raw id string. */
  private submitRespAt(conn: SmppBind, buf: Buffer, start: number, end: number, sequence: number): boolean {
    const part = conn.waiting(sequence);
    if (!(part instanceof Part) || buf[end - 1] !== 0 || this.listenerCount('log') > 0) return false;
    const idStart = start + HEADER_LENGTH;
    let idEnd = idStart;
    while (buf[idEnd] !== 0) idEnd++; // the frame ends in a NUL
    if (idEnd !== end - 1) return false;
    const status = readU32(buf, start + 8);
    const freed = conn.release(sequence);
    this.sender.settled(part, status === Status.ESME_ROK ? normaliseIdAt(buf, idStart, idEnd, this.config.idFormat.submit) : sendErrorFor(status, 'submit_sm'));
    if (freed) this.pool.wake();
    return true;
  }

  private onRequest(conn: SmppBind, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.deliver_sm:
        return acknowledge(conn, Cmd.deliver_sm_resp, p.sequence, this.onDeliver(p));
      case Cmd.data_sm:
        return acknowledge(conn, Cmd.data_sm_resp, p.sequence, this.onDeliver(p));
      case Cmd.enquire_link:
        return conn.send({ commandId: Cmd.enquire_link_resp, status: 0, sequence: p.sequence });
      case Cmd.unbind:
        conn.send({ commandId: Cmd.unbind_resp, status: 0, sequence: p.sequence });
        return conn.end('unbound by the SMSC');
      default:
        return conn.send({ commandId: Cmd.generic_nack, status: Status.ESME_RINVCMDID, sequence: p.sequence });
    }
  }

  /**
   * Turns a deliver_sm into a receipt (one without an id is only acknowledged) or an inbound message (or a part of a
   * long one); returns the sink's promise when the PDU must be stored before it is acknowledged.
   */
  private onDeliver(p: Pdu): Promise<void> | undefined {
    const esm = p.esmClass ?? 0;
    if (esm & (EsmClass.deliveryReceipt | EsmClass.intermediateNotification)) {
      const receipt = receiptFromPdu(p, this.name, this.config.idFormat.receipt);
      return receipt ? this.onReceipt(receipt) : undefined;
    }
    const { payload, concat } = readUserData(p);
    const meta: InboundMeta = { from: p.sourceAddr ?? '', to: p.destinationAddr ?? '', dataCoding: p.dataCoding ?? 0, receivedAt: new Date() };
    return this.onInbound(meta, decodeText(payload, meta.dataCoding), concat);
  }
}

/** Answers a deliver_sm / data_sm with `respId`: now, or once `stored` settles (a refusal asks the SMSC to try again later). */
function acknowledge(conn: SmppBind, respId: number, sequence: number, stored: Promise<void> | undefined): void {
  if (!stored) return answer(conn, respId, sequence, Status.ESME_ROK);
  stored.then(() => answer(conn, respId, sequence, Status.ESME_ROK), () => answer(conn, respId, sequence, Status.ESME_RX_T_APPN));
}

/** Sends a deliver_sm_resp / data_sm_resp (empty message_id). */
function answer(conn: SmppBind, commandId: number, sequence: number, status: number): void {
  conn.send({ commandId, status, sequence, messageId: '' });
}
