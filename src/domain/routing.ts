/** A routing rule: traffic matching every non-null criterion goes to the channel at the price per segment. */
export interface RouteRule {
  id: string;
  /** null = every tenant; a tenant's own rules come before the platform's. */
  tenantId: string | null;
  position: number;
  /** Original carrier of the number, e.g. 'China Mobile'. */
  carrier: string | null;
  /** ISO country of the number. */
  country: string | null;
  /** E.164 prefix without '+', e.g. '86138'. */
  prefix: string | null;
  category: string | null;
  channelId: string;
  /** Price per segment in minor units. */
  price: bigint;
  enabled: boolean;
}

/** What routing knows about one message. */
export interface Destination { tenantId: string; phone: string; country: string | null; carrier: string | null; category: string }

/** The rules that match a destination, best first: the tenant's own before the platform's, then by position. */
export function matchingRoutes(rules: readonly RouteRule[], d: Destination): RouteRule[] {
  const digits = d.phone.startsWith('+') ? d.phone.slice(1) : d.phone;
  return rules
    .filter((r) => r.enabled
      && (r.tenantId === null || r.tenantId === d.tenantId)
      && (r.carrier === null || r.carrier === d.carrier)
      && (r.country === null || r.country === d.country)
      && (r.prefix === null || digits.startsWith(r.prefix))
      && (r.category === null || r.category === d.category))
    .sort((a, b) => (a.tenantId === null ? 1 : 0) - (b.tenantId === null ? 1 : 0) || a.position - b.position);
}

/**
 * Picks the route for a destination: the first matching rule whose channel is up (failover), or the first
 * matching rule when none is up (the message waits for it). With `pinned`, only rules to that channel count,
 * so a tenant can pin only a channel its routes allow.
 */
export function pickRoute(rules: readonly RouteRule[], d: Destination, isUp: (channelId: string) => boolean, pinned?: string | null): RouteRule | undefined {
  const candidates = matchingRoutes(rules, d).filter((r) => !pinned || r.channelId === pinned);
  return candidates.find((r) => isUp(r.channelId)) ?? candidates[0];
}
