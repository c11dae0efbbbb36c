// The embedded virtual carrier as one: its SMPP, CMPP, SGIP and SMGP sides behind one handsets view, each message
// marked with the protocol that carried it, and MO sent back over the protocol the handset was last reached by.
import type { HandsetMessage } from './handsets.ts';
import type { MoMessage } from './simulator.ts';

/** The protocols of the virtual carrier's sides. */
export type SideProtocol = 'smpp' | 'cmpp' | 'sgip' | 'smgp';

/** What a side of the virtual carrier offers the handsets page. */
export interface CarrierSide {
  handsets(): string[];
  inbox(number: string): HandsetMessage[];
  sendMo(mo: MoMessage): number;
}

/** A handset's message with the protocol that carried it. */
export type CarriedMessage = HandsetMessage & { protocol: SideProtocol };

/** An MO, optionally over a given protocol. */
export type CarriedMo = MoMessage & { protocol?: SideProtocol };

/** The handsets of every side of the virtual carrier. */
export class VirtualCarriers {
  constructor(private readonly sides: ReadonlyArray<{ protocol: SideProtocol; side: CarrierSide }>) {}

  /** Numbers that received something on any side (a national mobile number, as CMPP sends them, in its 86 form). */
  handsets(): string[] {
    const international = (n: string) => (/^1\d{10}$/.test(n) ? `86${n}` : n);
    return [...new Set(this.sides.flatMap((s) => s.side.handsets().map(international)))];
  }

  /** A handset's messages from every side, oldest first, each with its protocol. */
  inbox(number: string): CarriedMessage[] {
    return this.sides.flatMap((s) => s.side.inbox(number).map((m) => ({ ...m, protocol: s.protocol })))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /**
   * Sends an MO over `mo.protocol`, or else over the protocol that last brought the handset a message from that
   * number (SMPP when none did); returns the part count. Throws when no client of that side is logged in.
   */
  sendMo(mo: CarriedMo): number {
    const protocol = mo.protocol ?? this.lastProtocol(mo.from, mo.to);
    const side = this.sides.find((s) => s.protocol === protocol);
    if (!side) throw new Error(`the virtual carrier has no ${protocol} side`);
    return side.side.sendMo({ from: mo.from, to: mo.to, text: mo.text, systemId: mo.systemId });
  }

  /** The protocol of the last message the handset got from `to`, else of its last message, else SMPP. */
  private lastProtocol(handset: string, to: string): SideProtocol {
    const received = this.inbox(handset);
    const from = (m: CarriedMessage) => m.from.replace(/^\+/, '');
    const bare = to.replace(/^\+/, '');
    return (received.findLast((m) => from(m) === bare) ?? received.at(-1))?.protocol ?? 'smpp';
  }
}
