// The benchmark's ESME as a process of its own (see esme.ts): binds to Tidings' SMPP server as a transceiver, keeps
// `inFlight` submit_sm outstanding until `messages` were sent, answers every deliver_sm and counts the receipts (and
// any seen twice). Told over IPC when to start; reports when every submit has its receipt or was refused.
import { Connection } from '../../src/channels/session/connection.ts';
import { smppProtocol } from '../../src/channels/smpp/protocol.ts';
import { Cmd, EsmClass, Tag, type Pdu } from '../../src/channels/smpp/pdus.ts';
import { tlvString } from '../../src/channels/smpp/tlv.ts';
import { benchNumber, benchText } from './smsc.ts';
import type { EsmeBlast, EsmeReport } from './esme.ts';

const send = (m: EsmeReport) => process.send!(m);

process.once('message', (blast: EsmeBlast) => {
  void run(blast).catch((err: unknown) => { send({ type: 'failed', message: String((err as Error)?.stack ?? err) }); process.exit(1); });
});

async function run(blast: EsmeBlast): Promise<void> {
  const n = blast.messages;
  const receipts = new Set<string>();
  let duplicates = 0;
  let refused = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const conn = await Connection.open<Pdu>('127.0.0.1', blast.port, smppProtocol, { window: blast.inFlight, responseTimeoutMs: 60_000, keepaliveMs: 0 }, (c) => ({
    onRequest: (p) => {
      if (p.commandId !== Cmd.deliver_sm) return;
      c.send({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: p.sequence, messageId: '' });
      if (!((p.esmClass ?? 0) & EsmClass.deliveryReceipt)) return;
      const id = tlvString(p, Tag.receipted_message_id) ?? '';
      if (receipts.has(id)) duplicates++;
      else receipts.add(id);
      if (receipts.size + refused >= n) resolveDone();
    },
    onBadPdu: () => undefined,
    onFree: () => undefined,
    onClose: () => undefined,
  }));
  const bound = await conn.request((sequence) => ({ commandId: Cmd.bind_transceiver, status: 0, sequence, systemId: blast.systemId, password: blast.password, systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' }));
  if (bound.status !== 0) throw new Error(`bind refused: ${bound.status}`);
  await new Promise<void>((go) => { process.once('message', () => go()); send({ type: 'bound' }); });
  let next = 0;
  const pump = async () => {
    while (next < n) {
      const i = next++;
      const resp = await conn.request((sequence) => ({
        commandId: Cmd.submit_sm, status: 0, sequence, sourceAddr: '10690', destAddrTon: 1, destinationAddr: benchNumber(i), registeredDelivery: 1,
        dataCoding: 0, shortMessage: Buffer.from(benchText(i), 'latin1'),
      }));
      if (resp.status !== 0) refused++;
    }
  };
  await Promise.all(Array.from({ length: blast.inFlight }, pump));
  if (receipts.size + refused < n) await done;
  send({ type: 'done', receipts: receipts.size, duplicates, refused });
  conn.close('bench done');
  setTimeout(() => process.exit(0), 100);
}
