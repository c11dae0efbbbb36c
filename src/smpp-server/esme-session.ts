// One ESME connected to Tidings' SMPP server: bind, submits (window, TPS, long messages), receipts out, keepalive.
import type net from 'node:net';
import { Connection } from '../channels/session/connection.ts';
import type { PduError } from '../channels/session/pdu-error.ts';
import { encodePdu } from '../channels/smpp/codec.ts';
import { Cmd, Status, Tag, statusName, type DestAddress, type Pdu, type UnsuccessSme } from '../channels/smpp/pdus.ts';
import { smppProtocol } from '../channels/smpp/protocol.ts';
import { Reassembler } from '../channels/smpp/reassembly.ts';
import { uintTlv } from '../channels/smpp/tlv.ts';
import type { BindType, SmppAccount } from '../store/repos/smpp-accounts.ts';
import { newId } from '../domain/ids.ts';
import { readSubmit, type SubmitPart } from './submit.ts';
import { refusalOf, SubmitRefused } from './refusal.ts';

/** The ids of a stored submit: the long message's id given to all its parts, or the submit_multi id its receipts carry. */
export interface SubmitIds { submitId?: string; reportedId?: string }

/** What a session needs from its server (shared by every session of the node). */
export interface SessionHost {
  /** Checks a bind and records the session; the account, or the command_status refusing it and why. */
  authenticate(bind: { systemId: string; password: string; bindType: BindType; address: string; sessionId: string }): Promise<{ account: SmppAccount } | { status: number; reason: string }>;
  /** Whether the account may take one more submit this second (its TPS across this node's sessions). */
  takeRate(account: SmppAccount): boolean;
  /** Stores a whole message through the send path; resolves with the id of its submit, or rejects with a refusal. */
  store(account: SmppAccount, part: SubmitPart, text: string, ids?: SubmitIds): Promise<string>;
  /** A session bound or ended (receipts may be owed to it). */
  bound(session: EsmeSession): void;
  ended(session: EsmeSession): void;
  /** A refused submit, for the log and the account's last error. */
  refused(account: SmppAccount, reason: string, expected: boolean): void;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const BIND_TYPES = new Map<number, BindType>([
  [Cmd.bind_transmitter, 'transmitter'], [Cmd.bind_receiver, 'receiver'], [Cmd.bind_transceiver, 'transceiver'],
]);

/** How long the parts of a long message are waited for. */
const REASSEMBLY_MS = 60_000;

/** Options of the connection: deliver_sm in flight, answer timeout, enquire_link after this much silence. */
const CONNECTION = { window: 100, responseTimeoutMs: 10_000, keepaliveMs: 30_000 };

/** The remote address without the IPv4-mapped prefix. */
function addressOf(socket: net.Socket): string {
  const a = socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** An ESME's session: open → binding → bound → closed. */
export class EsmeSession {
  readonly id: string;
  readonly address: string;
  readonly conn: Connection<Pdu>;
  account: SmppAccount | null = null;
  bindType: BindType | null = null;
  private binding = false;
  private inflight = 0;
  private readonly parts: Reassembler<SubmitPart & { submitId: string }>;
  /** The id given to every part of a long message still being collected, by its key. */
  private readonly longIds = new Map<string, { id: string; at: number }>();

  constructor(socket: net.Socket, id: string, private readonly host: SessionHost) {
    this.id = id;
    this.address = addressOf(socket);
    this.parts = new Reassembler<SubmitPart & { submitId: string }>(REASSEMBLY_MS, async (m) => {
      if (m.incomplete) {
        const reason = `long message ${m.meta.submitId} incomplete: ${m.parts} of ${m.total} parts arrived in ${REASSEMBLY_MS / 1000} s; not sent`;
        this.host.refused(this.account!, reason, true);
        throw new SubmitRefused(Status.ESME_RSUBMITFAIL, reason);
      }
      await this.host.store(this.account!, m.meta, m.text, { submitId: m.meta.submitId });
    });
    this.conn = new Connection<Pdu>(socket, smppProtocol, CONNECTION, () => ({
      onRequest: (p) => this.onRequest(p),
      onBadPdu: (err: PduError) => this.reply(Cmd.generic_nack, err.sequence ?? 0, err.status ?? Status.ESME_RINVCMDLEN),
      onFatalPdu: (err: PduError) => {
        this.host.log.warn({ session: this.id, address: this.address, err: err.message }, 'SMPP server: unreadable bytes from an ESME, closing its session');
        this.conn.writeRaw(encodePdu({ commandId: Cmd.generic_nack, status: Status.ESME_RINVCMDLEN, sequence: err.sequence ?? 0 }));
      },
      onFree: () => undefined,
      onClose: (reason) => {
        this.host.log.info({ session: this.id, systemId: this.account?.systemId, reason }, 'SMPP server: session ended');
        this.host.ended(this);
      },
    }));
  }

  /** Whether receipts and MO may be delivered to this session. */
  get receives(): boolean {
    return !this.conn.isClosed && (this.bindType === 'receiver' || this.bindType === 'transceiver');
  }

  /** Sends a deliver_sm; true once the ESME acknowledged it with ESME_ROK. */
  async deliver(pdu: Pdu): Promise<boolean> {
    try {
      const resp = await this.conn.request((sequence) => ({ ...pdu, sequence }), false);
      return resp.status === Status.ESME_ROK;
    } catch {
      return false;
    }
  }

  /** Gives up on long messages whose parts stopped coming. */
  sweep(now = Date.now()): void {
    this.parts.sweep(now);
    for (const [key, v] of this.longIds) if (now - v.at > REASSEMBLY_MS) this.longIds.delete(key);
  }

  /** Asks the ESME to unbind, then closes (server stop). */
  async unbind(): Promise<void> {
    if (this.conn.isClosed) return;
    if (this.account) await this.conn.request((sequence) => ({ commandId: Cmd.unbind, status: 0, sequence }), false).catch(() => undefined);
    this.conn.end('server stopping');
  }

  private reply(commandId: number, sequence: number, status: number, fields?: Partial<Pdu>): void {
    this.conn.send({ commandId, status, sequence, ...fields });
  }

  private onRequest(p: Pdu): void {
    try {
      switch (p.commandId) {
        case Cmd.submit_sm:
        case Cmd.data_sm:
          void this.submit(p);
          return;
        case Cmd.submit_multi:
          void this.submitMulti(p);
          return;
        case Cmd.enquire_link:
          return this.reply(Cmd.enquire_link_resp, p.sequence, 0);
        case Cmd.unbind:
          this.reply(Cmd.unbind_resp, p.sequence, 0);
          this.conn.end('unbound by the ESME');
          return;
        case Cmd.bind_transmitter:
        case Cmd.bind_receiver:
        case Cmd.bind_transceiver:
          void this.bind(p);
          return;
        default:
          return this.reply(Cmd.generic_nack, p.sequence, Status.ESME_RINVCMDID);
      }
    } catch (err) {
      this.host.log.warn({ session: this.id, err: (err as Error).message }, 'SMPP server: request could not be handled');
      this.reply(Cmd.generic_nack, p.sequence, Status.ESME_RSYSERR);
    }
  }

  private async bind(p: Pdu): Promise<void> {
    const respId = (p.commandId | 0x80000000) >>> 0;
    if (this.account || this.binding) return this.reply(respId, p.sequence, Status.ESME_RALYBND);
    this.binding = true;
    const bindType = BIND_TYPES.get(p.commandId)!;
    const systemId = p.systemId ?? '';
    const result = await this.host.authenticate({ systemId, password: p.password ?? '', bindType, address: this.address, sessionId: this.id })
      .catch((err: unknown) => ({ status: Status.ESME_RSYSERR, reason: (err as Error).message }));
    this.binding = false;
    if ('status' in result) {
      this.host.log.warn({ session: this.id, systemId, address: this.address, status: statusName(result.status), reason: result.reason }, 'SMPP server: bind refused');
      this.reply(respId, p.sequence, result.status);
      this.conn.end(`bind refused: ${result.reason}`);
      return;
    }
    this.account = result.account;
    this.bindType = bindType;
    // the ESME hung up while the bind was checked: its recorded session goes again
    if (this.conn.isClosed) return this.host.ended(this);
    this.reply(respId, p.sequence, 0, { systemId: 'TIDINGS', tlvs: [uintTlv(Tag.sc_interface_version, 0x34, 1)] });
    this.host.log.info({ session: this.id, systemId, bindType, address: this.address }, 'SMPP server: ESME bound');
    this.host.bound(this);
  }

  private async submit(p: Pdu): Promise<void> {
    const respId = p.commandId === Cmd.data_sm ? Cmd.data_sm_resp : Cmd.submit_sm_resp;
    const account = this.account;
    if (!account || this.bindType === 'receiver') return this.reply(respId, p.sequence, Status.ESME_RINVBNDSTS);
    if (this.inflight >= account.window) return this.reply(respId, p.sequence, Status.ESME_RMSGQFUL);
    if (!this.host.takeRate(account)) return this.reply(respId, p.sequence, Status.ESME_RTHROTTLED);
    const part = readSubmit(p, account);
    if ('status' in part) {
      this.host.refused(account, part.reason, true);
      return this.reply(respId, p.sequence, part.status);
    }
    this.inflight++;
    try {
      const c = part.concat;
      const id = c && c.total > 1 ? await this.longPart(part, c) : await this.host.store(account, part, part.text);
      this.reply(respId, p.sequence, 0, { messageId: id });
    } catch (err) {
      const r = refusalOf(err);
      this.host.refused(account, r.reason, r.expected);
      this.reply(respId, p.sequence, r.status);
    } finally {
      this.inflight--;
    }
  }

  /**
   * A submit_multi: each SME address becomes its own message (the checks of a submit_sm each, the TPS counted per
   * destination), all answered with one id that their receipts carry; a distribution list name (not offered) and a
   * destination refused go to unsuccess_sme with the status a submit_sm would have got. Refused as a whole only when
   * no destination was accepted. Long messages come in message_payload (parts spread over several submit_multi are refused).
   */
  private async submitMulti(p: Pdu): Promise<void> {
    const account = this.account;
    const answer = (status: number, fields?: Partial<Pdu>) => this.reply(Cmd.submit_multi_resp, p.sequence, status, fields);
    if (!account || this.bindType === 'receiver') return answer(Status.ESME_RINVBNDSTS);
    const dests = p.destAddresses ?? [];
    if (dests.length === 0) {
      this.host.refused(account, 'submit_multi with number_of_dests 0', true);
      return answer(Status.ESME_RINVNUMDESTS);
    }
    if (this.inflight >= account.window) return answer(Status.ESME_RMSGQFUL);
    this.inflight++;
    try {
      const id = newId();
      const refusals = await Promise.all(dests.map((d) => this.multiDestination(account, p, d, id)));
      const unsuccessSme = refusals.filter((u) => u !== null);
      const status = unsuccessSme.length < dests.length ? Status.ESME_ROK
        : unsuccessSme.every((u) => u.errorStatusCode === unsuccessSme[0].errorStatusCode) ? unsuccessSme[0].errorStatusCode : Status.ESME_RSUBMITFAIL;
      answer(status, { messageId: status === Status.ESME_ROK ? id : '', unsuccessSme });
    } finally {
      this.inflight--;
    }
  }

  /** Stores one destination of a submit_multi; null when accepted, else its unsuccess_sme entry. */
  private async multiDestination(account: SmppAccount, p: Pdu, d: DestAddress, reportedId: string): Promise<UnsuccessSme | null> {
    const refuse = (errorStatusCode: number, reason: string, expected = true): UnsuccessSme => {
      this.host.refused(account, reason, expected);
      return d.flag === 1 ? { ton: d.ton, npi: d.npi, address: d.address, errorStatusCode } : { ton: 0, npi: 0, address: d.dlName, errorStatusCode };
    };
    if (d.flag === 2) return refuse(Status.ESME_RINVDLNAME, `distribution list ${JSON.stringify(d.dlName)}: distribution lists are not offered; give SME addresses`);
    if (!this.host.takeRate(account)) return refuse(Status.ESME_RTHROTTLED, `${d.address}: over the account's ${account.tps} TPS`);
    const part = readSubmit({ ...p, destAddrTon: d.ton, destAddrNpi: d.npi, destinationAddr: d.address }, account);
    if ('status' in part) return refuse(part.status, part.reason);
    if (part.concat && part.concat.total > 1) return refuse(Status.ESME_RSUBMITFAIL, 'a long message split over several submit_multi is not accepted; send it whole in message_payload');
    try {
      await this.host.store(account, part, part.text, { reportedId });
      return null;
    } catch (err) {
      const r = refusalOf(err);
      return refuse(r.status, r.reason, r.expected);
    }
  }

  /**
   * A part of a long message: every part is answered with the id of the whole message; a part that does not complete
   * it is answered at once (ESMEs often wait for each answer before the next part), the completing part once the
   * message is stored (or with the refusal of the whole message).
   */
  private async longPart(part: SubmitPart, c: { ref: number; total: number; seq: number }): Promise<string> {
    const key = `${part.source}\u0000${part.destination}\u0000${c.ref}\u0000${c.total}`;
    let long = this.longIds.get(key);
    if (!long) this.longIds.set(key, (long = { id: newId(), at: Date.now() }));
    const before = this.parts.size;
    const stored = this.parts.add(key, c.total, c.seq, part.text, { ...part, submitId: long.id });
    if (this.parts.size >= before) {
      stored.catch(() => undefined);
      return long.id;
    }
    this.longIds.delete(key);
    await stored;
    return long.id;
  }
}
