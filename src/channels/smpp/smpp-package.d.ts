// Minimal typing of the `smpp` npm package (devDependency), used by the tests as an independent SMPP peer.
declare module 'smpp' {
  /** A PDU as the package represents it: snake_case fields, decoded short_message. */
  export type PeerPdu = Record<string, any> & { command: string; command_status: number; sequence_number: number; response(fields?: Record<string, unknown>): PeerPdu };
  /** One SMPP session (either side). */
  export interface PeerSession {
    on(event: string, fn: (pdu: PeerPdu) => void): this;
    send(pdu: PeerPdu): void;
    close(cb?: () => void): void;
    destroy(cb?: () => void): void;
    [command: string]: any;
  }
  /** An SMPP server accepting sessions. */
  export interface PeerServer {
    listen(port: number, host: string, cb?: () => void): void;
    address(): { port: number };
    close(cb?: () => void): void;
    sessions: PeerSession[];
  }
  const smpp: {
    createServer(listener: (session: PeerSession) => void): PeerServer;
    connect(options: { url: string; auto_enquire_link_period?: number }, listener?: () => void): PeerSession;
  };
  export default smpp;
}
