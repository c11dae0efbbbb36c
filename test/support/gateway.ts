import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the gateway does with one request: pass it on, or answer `status` itself (after forwarding when `lose`). */
export type GatewayPlan = (req: { method: string; path: string; n: number }) => { status: number; headers?: Record<string, string>; lose?: boolean } | null;

/** A reverse proxy on loopback in front of a real server, as a load balancer in front of API nodes is. */
export interface Gateway {
  url: string;
  /** Every request that reached the gateway, in order. */
  seen: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP gateway that forwards to `target`, except where `plan` says to answer a status itself — either
 * without forwarding, or (`lose`) after forwarding and dropping the server's answer, as a gateway timing out does.
 */
export async function startGateway(target: string, plan: GatewayPlan): Promise<Gateway> {
  const seen: Gateway['seen'] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = seen.filter((x) => x.method === req.method && x.path.split('?')[0] === path.split('?')[0]).length + 1;
      const decision = plan({ method: req.method ?? 'GET', path, n });
      const own = (status: number, headers: Record<string, string> = {}) => {
        seen.push({ method: req.method ?? 'GET', path, status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { code: status === 429 ? 'rate_limited' : 'unavailable', message: `gateway answered ${status}` } }));
      };
      if (decision && !decision.lose) return own(decision.status, decision.headers);
      const headers = { ...req.headers, host: upstream.host };
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (up) => {
        const body: Buffer[] = [];
        up.on('data', (c: Buffer) => body.push(c));
        up.on('end', () => {
          if (decision?.lose) return own(decision.status, decision.headers);
          seen.push({ method: req.method ?? 'GET', path, status: up.statusCode ?? 0 });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(body));
        });
      });
      forward.on('error', () => own(502));
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
