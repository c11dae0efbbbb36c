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

