// Virtual handsets: every destination number gets an inbox of reassembled messages.
import { decodeText, readUserData } from '../smpp/message.ts';
import type { Pdu } from '../smpp/pdus.ts';
import { Reassembler } from '../session/reassembly.ts';
import type { ConcatInfo } from '../session/udh.ts';

/** One message as the handset shows it. */
export interface HandsetMessage {
  from: string;
  text: string;
  at: Date;
  parts: number;
  incomplete: boolean;
  dataCoding: number;
  /** The LinkID its submit carried (CMPP 3.0, SMGP), when it carried one. */
  linkId?: string;
}

interface Meta {
  from: string;
  to: string;
  dataCoding: number;
  at: Date;
  linkId?: string;
}

/** Strips a leading '+' so '+8613…' and '8613…' are the same handset. */
function bare(number: string): string {
  return number.startsWith('+') ? number.slice(1) : number;
}

/** Inboxes of the virtual handsets, with concatenated messages reassembled. */
export class Handsets {
  private readonly inboxes = new Map<string, HandsetMessage[]>();
  private readonly reassembler: Reassembler<Meta>;

  constructor(timeoutMs: number) {
    this.reassembler = new Reassembler<Meta>(timeoutMs, (m) => this.deliver(m.meta, m.text, m.parts, m.incomplete));
  }

  /** Takes one submitted SMPP part. */
  receive(p: Pdu): void {
    const { payload, concat } = readUserData(p);
    const dataCoding = p.dataCoding ?? 0;
    this.receiveText(p.sourceAddr ?? '', p.destinationAddr ?? '', dataCoding, decodeText(payload, dataCoding), concat);
  }

  /** Takes one part already decoded, of any protocol (`dataCoding` as that protocol numbers it). */
  receiveText(from: string, to: string, dataCoding: number, text: string, concat: ConcatInfo | null, linkId?: string): void {
    const meta: Meta = { from, to: bare(to), dataCoding, at: new Date() };
    if (linkId) meta.linkId = linkId;
    if (!concat || concat.total === 1) this.deliver(meta, text, 1, false);
    else this.reassembler.add(`${meta.to}\u0000${meta.from}\u0000${concat.ref}`, concat.total, concat.seq, text, meta);
  }

  /** Delivers timed-out partial messages. */
  sweep(): void {
    this.reassembler.sweep();
  }

  /** Numbers that received something. */
  numbers(): string[] {
    return [...this.inboxes.keys()];
  }

  /** A handset's messages, oldest first; a +86 number also finds what was sent to its national form (CMPP's usual). */
  inbox(number: string): HandsetMessage[] {
    const n = bare(number);
    const own = this.inboxes.get(n) ?? [];
    const national = n.length === 13 && n.startsWith('86') ? this.inboxes.get(n.slice(2)) : undefined;
    return national ? [...own, ...national].sort((a, b) => a.at.getTime() - b.at.getTime()) : own;
  }

  private deliver(meta: Meta, text: string, parts: number, incomplete: boolean): void {
    let box = this.inboxes.get(meta.to);
    if (!box) this.inboxes.set(meta.to, (box = []));
    const message: HandsetMessage = { from: meta.from, text, at: meta.at, parts, incomplete, dataCoding: meta.dataCoding };
    if (meta.linkId) message.linkId = meta.linkId;
    box.push(message);
  }
}
