// The SMGP 3.0.3 SP channel (China Telecom SMGW): Login with the MD5 authenticators and a login mode, Submit with the
// carrier's fields and TP_udhi / PkTotal / PkNumber for long messages, Deliver as reports (IsReport) and MO,
// Active_Test both ways, Exit.
import type { Channel, OutboundMessage } from '../channel.ts';
import { configError, retryable, type SendError } from '../errors.ts';
import { beijingStamp, concatHeader, decodeGatewayText, encodeGatewayText, readFixed, splitUdh, writeFixed } from '../session/china-gateway.ts';
import { Connection } from '../session/connection.ts';
import type { PduError } from '../session/pdu-error.ts';
import { acknowledgeAfter, BinaryChannel, type InboundMeta } from '../session/binary-channel.ts';
import { knownRequest } from './codec.ts';
import { slotMode, type SmgpConfig } from './config.ts';
import { msgIdString } from './ids.ts';
import { clientAuthenticator, serverAuthenticator, SMGP_VERSION } from './login.ts';
import { byteTlv, findTlv, LoginMode, Req, Tag, type SmgpPdu, type SmgpTlv } from './pdus.ts';
import { describePdu, smgpProtocol } from './protocol.ts';
import { receiptFromReport } from './receipt.ts';
import { sendErrorFor } from './status-map.ts';

type Bind = Connection<SmgpPdu>;

/** An SMGP carrier connection implementing Channel. */
export class SmgpChannel extends BinaryChannel<SmgpPdu> implements Channel {
  readonly type = 'smgp';
  private ref = Math.floor(Math.random() * 0xff);
  /** Reports naming a MsgID we could not read, and PDUs we do not handle (logged, counted). */
  unreadable = 0;

  /** The TLVs every Submit carries (MsgSrc, MServiceID when configured), made once. */
  private readonly commonTlvs: SmgpTlv[] = [];

  constructor(private readonly config: SmgpConfig) {
    super({ ...config, slotsPerBind: config.loginMode === 'send+receive' ? 2 : 1, canSubmit: (slot) => slotMode(config, slot) !== LoginMode.receive });
    if (config.msgSrc) this.commonTlvs.push({ tag: Tag.MsgSrc, value: fixedValue(config.msgSrc, 8, 'MsgSrc') });
    if (config.mServiceId) this.commonTlvs.push({ tag: Tag.MServiceID, value: fixedValue(config.mServiceId, 21, 'MServiceID') });
  }

  protected partPdus(msg: OutboundMessage): SmgpPdu[] {
    const cfg = this.config;
    let to = msg.to.charCodeAt(0) === 43 ? msg.to.slice(1) : msg.to;
    if (cfg.destNumbers === 'national' && to.startsWith('86')) to = to.slice(2);
    const encoded = encodeGatewayText(msg.text, cfg.chineseFormat, 'gb18030');
    const total = encoded.parts.length;
    this.ref = (this.ref + 1) & 0xff;
    const common = this.commonTlvs;
    const linkId = msg.linkId ? { tag: Tag.LinkID, value: fixedValue(msg.linkId, LINK_ID_LENGTH, 'LinkID') } : null;
    return encoded.parts.map((body, i): SmgpPdu => {
      // the TLVs are only read when the PDU is encoded: a single part shares the channel's array
      let tlvs = linkId ? [...common, linkId] : common;
      let content = body;
      if (total > 1) {
        content = Buffer.concat([concatHeader(this.ref, total, i + 1), body]);
        tlvs = [...tlvs, byteTlv(Tag.TP_udhi, 1), byteTlv(Tag.PkTotal, total), byteTlv(Tag.PkNumber, i + 1)];
      }
      return {
        requestId: Req.submit, sequence: 0,
        msgType: 6, needReport: msg.registeredDelivery === false ? 0 : 1, priority: cfg.priority,
        serviceId: cfg.serviceId, feeType: cfg.feeType, feeCode: cfg.feeCode, fixedFee: cfg.fixedFee,
        msgFormat: encoded.msgFmt, validTime: '', atTime: '',
        srcTermId: msg.from || cfg.spNumber, chargeTermId: cfg.chargeTermId, destTermIds: [to],
        content, tlvs,
      };
    });
  }

  protected stamp(pdu: SmgpPdu, conn: Bind): void {
    pdu.sequence = conn.nextSequence();
  }

  protected outcome(resp: SmgpPdu): string | SendError {
    const status = resp.status ?? 0;
    if (status !== 0) return sendErrorFor(status, 'Submit refused');
    return msgIdString(resp.msgId ?? Buffer.alloc(10));
  }

  protected describe(pdu: SmgpPdu): string {
    return describePdu(pdu);
  }

  protected farewell(sequence: number): SmgpPdu {
    return { requestId: Req.exit, sequence };
  }

  protected readonly farewellReason = 'exit';

  protected async openBind(slot: number): Promise<Bind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, smgpProtocol, {
      window: this.sender.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: cfg.activeTestSeconds * 1000,
      eagerWrites: true,
    }, (c) => this.handlers(c));
    const stamp = beijingStamp(new Date());
    const authenticator = clientAuthenticator(cfg.clientId, cfg.secret, stamp);
    let resp: SmgpPdu;
    try {
      resp = await conn.request((sequence) => ({
        requestId: Req.login, sequence, clientId: cfg.clientId, authenticator,
        loginMode: slotMode(this.config, slot), timestamp: Number(stamp), version: SMGP_VERSION,
      }), false);
    } catch (err) {
      conn.close('login failed');
      throw err;
    }
    const refusal = this.loginRefusal(resp, authenticator);
    if (refusal) {
      conn.close('login refused');
      throw refusal;
    }
    return conn;
  }

  /** Why a Login_Resp does not let us in, or null. */
  private loginRefusal(resp: SmgpPdu, authenticator: Buffer): SendError | null {
    const status = resp.status ?? 0;
    const cfg = this.config;
    if (resp.requestId !== Req.login_resp) return retryable(`the gateway answered the login with 0x${resp.requestId.toString(16)}`, 'login');
    if (status !== 0) {
      const err = sendErrorFor(status, 'the gateway refused the login');
      // busy or full: try again later; anything else is about us (credentials, address, version)
      return err.temporary ? retryable(err.message, err.code) : configError(err.message, err.code);
    }
    if ((resp.version ?? 0) >> 4 !== SMGP_VERSION >> 4) {
      const v = resp.version ?? 0;
      return configError(`the gateway speaks SMGP ${v >> 4}.${v & 0xf}; this channel speaks 3.0`, 'version');
    }
    if (cfg.verifyServer && !serverAuthenticator(status, authenticator, cfg.secret).equals(resp.authenticator ?? Buffer.alloc(0))) {
      return configError('the gateway\'s AuthenticatorServer does not match our shared secret: is the secret right?', 'authenticator');
    }
    return null;
  }

  private handlers(conn: Bind) {
    return {
      onRequest: (p: SmgpPdu) => this.onRequest(conn, p),
      onBadPdu: (err: PduError) => this.onBadPdu(conn, err),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    };
  }

  private onBadPdu(conn: Bind, err: PduError): void {
    this.unreadable++;
    this.emit('log', { messageId: '', at: new Date(), direction: 'in', summary: `unreadable PDU: ${err.message}` });
    // a Deliver we cannot read is answered "bad message structure", so the gateway does not offer it for ever
    if (err.sequence !== undefined) conn.send({ requestId: Req.deliver_resp, sequence: err.sequence, msgId: Buffer.alloc(10), status: err.status ?? 10 });
  }

  private onRequest(conn: Bind, p: SmgpPdu): void {
    switch (p.requestId) {
      case Req.deliver:
        return acknowledgeAfter(this.onDeliver(p), (ok) => conn.send({ requestId: Req.deliver_resp, sequence: p.sequence, msgId: p.msgId, status: ok ? 0 : 1 }));
      case Req.active_test:
        return conn.send({ requestId: Req.active_test_resp, sequence: p.sequence });
      case Req.exit:
        conn.send({ requestId: Req.exit_resp, sequence: p.sequence });
        return conn.end('exit by the gateway');
      default:
        // no generic negative answer in SMGP: an unknown request is logged and left unanswered
        this.unreadable++;
        this.emit('log', { messageId: '', at: new Date(), direction: 'in', summary: `unhandled ${knownRequest(p.requestId) ? 'request' : 'unknown request id'} ${describePdu(p)}` });
    }
  }

  /** A report (IsReport = 1) or an MO; returns the sink's promise when it must be stored before the Deliver_Resp. */
  private onDeliver(p: SmgpPdu): Promise<void> | undefined {
    const content = p.content ?? Buffer.alloc(0);
    if (p.isReport === 1) {
      const receipt = receiptFromReport(content, this.name);
      if (!receipt) {
        this.unreadable++;
        this.emit('log', { messageId: '', at: new Date(), direction: 'in', summary: `report without a readable id: ${content.toString('latin1')}` });
        return undefined;
      }
      return this.onReceipt(receipt);
    }
    const udhi = (findTlv(p, Tag.TP_udhi)?.[0] ?? 0) & 1;
    const { payload, concat } = udhi ? splitUdh(content) : { payload: content, concat: null };
    const decoded = decodeGatewayText(payload, p.msgFormat ?? 0, 'gb18030');
    const meta: InboundMeta = { from: p.srcTermId ?? '', to: p.destTermId ?? '', dataCoding: p.msgFormat ?? 0, receivedAt: new Date() };
    const linkId = findTlv(p, Tag.LinkID);
    if (linkId) meta.linkId = readFixed(linkId, 0, linkId.length);
    if (decoded.lossy) {
      meta.raw = payload.toString('hex');
      this.note('', 'in', `MO from ${meta.from} is not valid in MsgFormat ${meta.dataCoding}; stored as received (hex) beside a text with U+FFFD where it did not decode`);
    }
    return this.onInbound(meta, decoded.text, concat, payload);
  }
}

/** Octets of the LinkID TLV (§6.3.1). */
const LINK_ID_LENGTH = 20;

/** A TLV value of fixed width, NUL-padded; throws a PduError naming the TLV when the text does not fit. */
function fixedValue(text: string, len: number, name: string): Buffer {
  const b = Buffer.alloc(len);
  writeFixed(b, 0, text, len, name);
  return b;
}

