// Complaint and opt-out monitoring on the inbound side: a routed MO that opted out or used a complaint word is
// recorded against the campaign and channel it answers, and a campaign whose rate passes its threshold pauses itself.
import type { Deps } from '../deps.ts';
import type { InboundMessagesTable } from '../store/database.ts';
import { newId } from '../domain/ids.ts';
import { breaches, ComplaintMatcher, describeBreach, type ComplaintPolicy } from '../domain/complaints.ts';
import { campaignFeedback, lastMessageTo, policyFor, recordComplaints } from '../store/repos/complaints.ts';
import { getCampaign } from '../store/repos/campaigns.ts';
import { pauseCampaign } from './scheduler.ts';
import { rootDeps } from './batch-deps.ts';
import { storeHeldTo } from './outbox.ts';

const cacheTtlMs = 5_000;
/** Texts whose complaint word is remembered per cached policy (answers repeat: 1, 2, 是, 很好…). */
const seenTexts = 2_000;

interface CachedPolicy {
  at: number; policy: ComplaintPolicy; matcher: ComplaintMatcher;
  /** The complaint word (or null) of texts matched already. */
  seen: Map<string, string | null>;
}

const policies = new WeakMap<Deps, Map<string, CachedPolicy>>();

/** The tenant's policy and complaint-word matcher, cached for a few seconds (an edit on another node shows after that). */
async function policyOf(deps: Deps, tenantId: string): Promise<CachedPolicy> {
  let cache = policies.get(rootDeps(deps));
  if (!cache) policies.set(rootDeps(deps), (cache = new Map()));
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < cacheTtlMs) return hit;
  const policy = await policyFor(deps.store.db, tenantId);
  const entry = { at: Date.now(), policy, matcher: new ComplaintMatcher(policy.keywords), seen: new Map<string, string | null>() };
  if (cache.size > 10_000) cache.clear();
  cache.set(tenantId, entry);
  return entry;
}

/** Forgets cached policies in this process (after the platform changed one). */
export function invalidateComplaintPolicies(deps: Deps): void {
  policies.delete(rootDeps(deps));
}

/** Records the opt-out and the complaint (if any) of a routed MO, then checks the campaign it answers. */
export async function recordFeedback(deps: Deps, row: InboundMessagesTable): Promise<void> {
  const tenantId = row.tenant_id;
  if (!tenantId) return;
  const cached = await policyOf(deps, tenantId);
  const keyword = complaintWord(cached, row.text);
  const { policy } = cached;
  const kinds = [...(row.action === 'opt_out' ? ['opt_out'] : []), ...(keyword ? ['complaint'] : [])];
  if (!kinds.length) return;
  await storeHeldTo(deps, row.phone);
  const last = await lastMessageTo(deps.store.db, tenantId, row.phone);
  const campaignId = row.campaign_id ?? last?.campaignId ?? null;
  const at = deps.now().toISOString();
  await recordComplaints(deps.store.db, kinds.map((kind) => ({
    id: newId(), tenant_id: tenantId, kind, inbound_id: row.id, campaign_id: campaignId, channel_id: last?.channelId ?? row.channel_id,
    message_id: last?.id ?? null, phone: row.phone, keyword: kind === 'complaint' ? keyword : row.keyword, text: row.text.slice(0, 1000), at,
  })));
  if (campaignId) await checkCampaign(deps, tenantId, campaignId, policy);
}

/** The complaint word in a text, through the policy's memory of texts seen. */
function complaintWord(cached: CachedPolicy, text: string): string | null {
  const hit = cached.seen.get(text);
  if (hit !== undefined) return hit;
  const word = cached.matcher.keywordIn(text);
  if (cached.seen.size >= seenTexts) cached.seen.clear();
  if (text.length <= 200) cached.seen.set(text, word);
  return word;
}

/** Pauses a running campaign whose opt-out or complaint rate passed the tenant's threshold; answers whether it did. */
export async function checkCampaign(deps: Deps, tenantId: string, campaignId: string, policy: ComplaintPolicy): Promise<boolean> {
  const c = await getCampaign(deps.store.db, tenantId, campaignId);
  if (!c || c.status !== 'running') return false;
  const [first] = breaches(await campaignFeedback(deps.store.db, campaignId), policy);
  return first ? pauseCampaign(deps, c, describeBreach(first)) : false;
}
