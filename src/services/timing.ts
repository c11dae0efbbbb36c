// The conversation rules a multi-step service's config carries: re-prompts, one reminder, expiry.
import { z } from 'zod';
import type { ConversationTiming } from './service.ts';

/** Config fields of a conversation's timing (minutes; 0 = no reminder). */
export const timingFields = {
  maxRetries: z.number().int().min(0).max(10).default(2).describe('Invalid answers re-prompted before the "other" branch is taken'),
  remindAfterMinutes: z.number().int().min(0).max(10_080).default(60).describe('One reminder after this silence (0 = none)'),
  expireAfterMinutes: z.number().int().min(1).max(43_200).default(1440).describe('The conversation expires after this silence'),
};

/** The timing of a config with the timing fields. */
export function timingOf(c: { maxRetries: number; remindAfterMinutes: number; expireAfterMinutes: number }): ConversationTiming {
  return { maxRetries: c.maxRetries, remindAfterMs: c.remindAfterMinutes * 60_000, expireAfterMs: c.expireAfterMinutes * 60_000 };
}
