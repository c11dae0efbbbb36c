// SGIP's message id: the 12-octet sequence number of the Submit (source node id, MMDDHHMMSS, counter: spec §3.4),
// which the SMG's Report names again. Kept losslessly as its three unsigned integers in decimal, "node-time-counter".

/** The three parts of an SGIP sequence number. */
export interface SgipSequence {
  node: number;
  time: number;
  sequence: number;
}

/** The canonical id string of a sequence number. */
export function sequenceId(s: SgipSequence): string {
  return `${s.node >>> 0}-${s.time >>> 0}-${s.sequence >>> 0}`;
}

/** The parts of a canonical id string; throws for anything else. */
export function parseSequenceId(id: string): SgipSequence {
  const m = /^(\d{1,10})-(\d{1,10})-(\d{1,10})$/.exec(id);
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || parts.some((n) => n > 0xffffffff)) throw new Error(`"${id}" is not an SGIP sequence id (node-time-counter)`);
  return { node: parts[0], time: parts[1], sequence: parts[2] };
}
