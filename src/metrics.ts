import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry of one process and the metrics every layer shares. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'tidings_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({ name: 'tidings_http_request_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [this.registry] });
  readonly channelState = new Gauge({ name: 'tidings_channel_up', help: '1 when the channel has at least one bind up', labelNames: ['channel'], registers: [this.registry] });
  readonly messages = new Counter({ name: 'tidings_messages_total', help: 'Messages by status reached (submitted, delivered, undelivered, failed…)', labelNames: ['status'], registers: [this.registry] });
  readonly channelCounter = new Gauge({ name: 'tidings_channel_events', help: 'Channel counters (submitted, receipts, inbound, throttled, reconnects, inFlight)', labelNames: ['channel', 'counter'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tidings_' });
  }
}
