import { z } from 'zod';
import { DomainError } from './errors.ts';
import { zoneSchema } from './tenants.ts';
import { categories, type Category } from './templates.ts';
import { frequencyCapSchema, sendWindowsSchema } from './compliance.ts';
import { autoPauseBounds, defaultAutoPause } from './auto-pause.ts';

/** Campaign states: draft → scheduled → running ⇄ paused → completed | cancelled. */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

const transitions: Record<string, CampaignStatus[]> = {
  start: ['draft'],
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
};

/** Throws a conflict unless the action is allowed in the current state. */
export function assertTransition(action: keyof typeof transitions, status: string): void {
  if (!transitions[action].includes(status as CampaignStatus)) {
    throw new DomainError('conflict', `cannot ${action} a campaign that is ${status}`, { status });
  }
}

/** A recipient given inline: a number, or a number with extra columns that feed the template. */
export const audienceNumberSchema = z.union([z.string().min(1).max(64), z.object({ phone: z.string().min(1).max(64) }).catchall(z.unknown())]);

/** Who a campaign goes to: groups (ids or names), a saved segment (id) or a filter, and numbers. */
export const audienceSchema = z.object({
  groups: z.array(z.string().min(1)).max(1000).optional(),
  segment: z.string().min(1).optional().describe('id of a saved segment'),
  filter: z.string().min(1).max(4000).optional().describe('a segment filter, e.g. city = "北京" and tag:vip'),
  numbers: z.array(audienceNumberSchema).max(1_000_000).optional(),
  lists: z.array(z.string().min(1)).max(100).optional().describe('subscription lists (service id or name): their active members (joined, not left, not expired)'),
}).strict().refine((a) => !!(a.groups?.length || a.segment || a.filter || a.numbers?.length || a.lists?.length), 'give at least one of groups, segment, filter, numbers, lists');

/** How a campaign is paced and protected. */
export const campaignOptionsSchema = z.object({
  sendWindows: sendWindowsSchema.optional(),
  frequencyCap: frequencyCapSchema.optional(),
  perMinute: z.number().int().min(1).max(10_000_000).optional().describe('throughput cap: messages per minute'),
  spreadHours: z.number().positive().max(24 * 30).optional().describe('spread the campaign evenly over this many hours'),
  autoPause: z.object({
    failureRate: z.number().min(autoPauseBounds.failureRate.min).max(autoPauseBounds.failureRate.max),
    minSample: z.number().int().min(autoPauseBounds.minSample.min).max(autoPauseBounds.minSample.max),
  }).strict().optional().describe(`pause when this share of at least minSample finished messages failed (default ${JSON.stringify(defaultAutoPause)})`),
}).strict();

/** The body of a campaign create or update. */
export const campaignInputSchema = z.object({
  name: z.string().min(1).max(200),
  audience: audienceSchema,
  text: z.string().min(1).max(2000).optional(),
  templateId: z.string().min(1).optional(),
  category: z.enum(categories as [Category, ...Category[]]).optional().describe('default: the template\'s, else marketing'),
  channel: z.string().min(1).optional(),
  scheduleAt: z.string().datetime({ offset: true }).optional(),
  cron: z.string().min(1).max(120).optional().describe('recurring schedule, e.g. "0 10 * * 1" (every Monday 10:00)'),
  timezone: zoneSchema.optional().describe('zone of the cron schedule (default the tenant zone)'),
  options: campaignOptionsSchema.default({}),
}).strict().refine((c) => !!c.text !== !!c.templateId, 'give exactly one of text or templateId');

/** A validated campaign input. */
export type CampaignInput = z.output<typeof campaignInputSchema>;
/** A validated audience. */
export type Audience = z.output<typeof audienceSchema>;
/** Validated campaign options. */
export type CampaignOptions = z.output<typeof campaignOptionsSchema>;

/** Where materialisation stands: the index into the inline numbers, then the last contact id done; and the pacing. */
export interface Cursor {
  numbers: number; after: string | null; done: boolean; queued: number; intervalMs: number;
  /** Second messages to a number, left out as duplicates: they have no message row, so they are counted here. */
  duplicates?: number;
}

/** Final statuses that count as failures for auto-pause. */
export const failedStatuses: ReadonlySet<string> = new Set(['failed', 'rejected', 'undelivered', 'expired']);
