// The reassembly of long inbound messages moved to the session layer (every protocol joins parts the same way).
export { Reassembler, type Assembled } from '../session/reassembly.ts';
