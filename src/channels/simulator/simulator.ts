// The virtual carrier: an SMSC speaking SMPP 3.4 over real TCP (our codec), with virtual handsets,
// configurable receipts, rules and faults, and counters for benchmarks. Built for throughput: writes
// are batched per event-loop turn and receipts wait in one FIFO queue behind a single timer.
import type net from 'node:net';
import { Connection } from '../session/connection.ts';
import type { PduError } from '../session/pdu-error.ts';
import { buildMessage, readUserData } from '../smpp/message.ts';
import { Cmd, EsmClass, Status, type Pdu } from '../smpp/pdus.ts';
import { smppProtocol } from '../smpp/protocol.ts';
import { renderId, type SimulatorConfig } from './config.ts';
import { VirtualGateway, type GatewaySession } from './gateway.ts';
import { receiptPdu, type ReceiptFacts } from './receipt-pdu.ts';

/** Counters for tests and benchmarks. */
export interface SimulatorStats {
  /** submit_sm PDUs received (answered or not). */
  submits: number;
  /** Parts accepted (ESME_ROK). */
  parts: number;
  /** Distinct messages accepted (first or only part, not seen before). */
  uniqueMessages: number;
  /** Accepted parts already seen: same destination, same payload and concatenation reference. */
  duplicates: number;
  throttled: number;
  dropped: number;
  receiptsSent: number;
  receiptsAcked: number;
  moSent: number;
  bindAttempts: number;
  bindCount: number;
  /** Sessions bound now. */
  bound: number;
}

/** An MO message for a bound ESME. */
export interface MoMessage {
  from: string;
  to: string;
  text: string;
  /** Deliver to this account's binds (default: any bound receiver). */
  systemId?: string;
  /**
   * CMPP / SGIP / SMGP: send these octets in this coding instead of `text` encoded (e.g. GBK that does not decode): one
   * part, or the parts of a long message given as an array (each sent behind a concatenation UDH).
   */
  octets?: { coding: number; bytes: Buffer | Buffer[] };
  /** CMPP 3.0 / SMGP: the LinkID the gateway gives this MO (a reply to it must carry it back). */
  linkId?: string;
}

type BindMode = 'transmitter' | 'receiver' | 'transceiver';

const BIND_MODES = new Map<number, BindMode>([
  [Cmd.bind_transmitter, 'transmitter'],
  [Cmd.bind_receiver, 'receiver'],
  [Cmd.bind_transceiver, 'transceiver'],
]);

interface Session extends GatewaySession<Pdu> {
  systemId: string | null;
  mode: BindMode | null;
}

const SESSION_OPTIONS = { window: 1_000_000, responseTimeoutMs: 60_000, keepaliveMs: 0 };

/** An SMSC with virtual handsets on a TCP port. */
export class Simulator extends VirtualGateway<Pdu, Session, ReceiptFacts> {
  private nextId: number;
  private moRef = 0;

  constructor(config: Partial<SimulatorConfig> = {}) {
    super(config);
    this.nextId = this.config.firstId;
  }

  /** Sends an MO message from a handset to a bound ESME, split and concatenated when long; returns the part count. */
  sendMo(mo: MoMessage): number {
    const target = this.receiver(mo.systemId ?? null, null);
    if (!target) throw new Error(`no bound receiver${mo.systemId ? ` for ${mo.systemId}` : ''}`);
    const message = buildMessage(mo.text, { concat: this.config.moConcat, dataCoding: 0, ref: ++this.moRef & 0xffff });
    for (const part of message.parts) {
      this.deliver(target, {
        commandId: Cmd.deliver_sm, status: 0, sequence: 0,
        sourceAddrTon: 1, sourceAddrNpi: 1, sourceAddr: mo.from,
        destAddrTon: 0, destAddrNpi: 0, destinationAddr: mo.to,
        esmClass: part.esmClass, dataCoding: message.dataCoding, shortMessage: part.shortMessage, tlvs: part.tlvs,
      });
    }
    this.counters.moSent++;
    return message.parts.length;
  }

  protected accountOf(s: Session): string | null {
    return s.systemId;
  }

  protected canReceive(s: Session): boolean {
    return s.mode !== null && s.mode !== 'transmitter';
  }

  protected receiptPdu(facts: ReceiptFacts): Pdu {
    return receiptPdu(facts, this.config.receiptTlvs);
  }

  protected accept(socket: net.Socket): Session {
    const session: Session = { conn: null as unknown as Connection<Pdu>, systemId: null, mode: null, unacked: {} };
    session.conn = new Connection<Pdu>(socket, smppProtocol, SESSION_OPTIONS, () => ({
      onRequest: (p) => this.onRequest(session, p),
      onBadPdu: (err: PduError) => this.reply(session, Cmd.generic_nack, err.sequence ?? 0, err.status ?? Status.ESME_RINVCMDLEN),
      onFree: () => undefined,
      onClose: () => this.onClose(session),
      onUnmatchedResponse: (p) => {
        if (p.commandId === Cmd.deliver_sm_resp) this.acknowledged(session, p.sequence);
      },
    }));
    return session;
  }

  private reply(session: Session, commandId: number, sequence: number, status: number, fields?: Partial<Pdu>): void {
    session.conn.send({ commandId, status, sequence, ...fields });
  }

  private onRequest(s: Session, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.submit_sm:
        return this.onSubmit(s, p);
      case Cmd.enquire_link:
        return this.reply(s, Cmd.enquire_link_resp, p.sequence, 0);
      case Cmd.unbind:
        this.reply(s, Cmd.unbind_resp, p.sequence, 0);
        s.conn.end('unbound');
        return;
      case Cmd.bind_transmitter:
      case Cmd.bind_receiver:
      case Cmd.bind_transceiver:
        return this.onBind(s, p);
      default:
        return this.reply(s, Cmd.generic_nack, p.sequence, Status.ESME_RINVCMDID);
    }
  }

  private onBind(s: Session, p: Pdu): void {
    this.counters.bindAttempts++;
    const respId = p.commandId | 0x80000000;
    const systemId = p.systemId ?? '';
    let status: number = Status.ESME_ROK;
    const accounts = this.config.accounts;
    const account = accounts.find((a) => a.systemId === systemId);
    if (s.mode) status = Status.ESME_RALYBND;
    else if (accounts.length && !account) status = Status.ESME_RINVSYSID;
    else if (account && account.password !== p.password) status = Status.ESME_RINVPASWD;
    if (status !== Status.ESME_ROK) {
      this.reply(s, respId >>> 0, p.sequence, status);
      if (!s.mode) s.conn.end(`bind refused: ${status}`);
      return;
    }
    s.systemId = systemId;
    s.mode = BIND_MODES.get(p.commandId)!;
    this.counters.bindCount++;
    this.reply(s, respId >>> 0, p.sequence, 0, { systemId: 'TIDINGSIM' });
    if (s.mode !== 'transmitter') this.drainBacklog(systemId);
  }

  private onSubmit(s: Session, p: Pdu): void {
    const c = this.counters;
    c.submits++;
    const cfg = this.config;
    if (!s.mode || s.mode === 'receiver') return this.reply(s, Cmd.submit_sm_resp, p.sequence, Status.ESME_RINVBNDSTS);
    const fault = this.submitFault(s);
    if (fault === 'silent' || fault === 'dropped') return;
    if (fault === 'throttled') return this.reply(s, Cmd.submit_sm_resp, p.sequence, Status.ESME_RTHROTTLED);
    const dest = p.destinationAddr ?? '';
    const verdict = this.verdict(dest);
    if (typeof verdict === 'number') return this.reply(s, Cmd.submit_sm_resp, p.sequence, verdict);
    const id = this.nextId++;
    this.reply(s, Cmd.submit_sm_resp, p.sequence, 0, { messageId: renderId(id, cfg.idStyle) });
    this.account(p, dest);
    if (cfg.keepInbox) this.handsetStore.receive(p);
    if (((p.registeredDelivery ?? 0) & 0x03) === 0) return;
    const plain = !((p.esmClass ?? 0) & EsmClass.udhi) && p.dataCoding !== 8;
    this.schedule(s.systemId!, s, {
        id: renderId(id, cfg.receiptIdStyle ?? cfg.idStyle),
        handset: dest,
        sender: p.sourceAddr ?? '',
        outcome: verdict,
        submitAt: Date.now(),
        textStart: plain && p.shortMessage ? p.shortMessage.toString('latin1', 0, 10) : '',
    });
  }

  /** Counts a part as new or duplicate (same destination, same octets, same SAR reference). */
  private account(p: Pdu, dest: string): void {
    const { concat } = readUserData(p);
    const sar = concat && !((p.esmClass ?? 0) & EsmClass.udhi) ? `\u0000${concat.ref}/${concat.total}/${concat.seq}` : '';
    this.countPart(`${dest}\u0000${p.shortMessage ? p.shortMessage.toString('latin1') : ''}${sar}`, !concat || concat.seq === 1);
  }
}
