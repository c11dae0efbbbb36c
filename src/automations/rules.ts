// What an automation is (trigger → conditions → steps) and when its occurrences fall: pure, no I/O.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { categories, type Category } from '../domain/templates.ts';
import { frequencyCapSchema, sendWindowsSchema } from '../domain/compliance.ts';
import { zoneSchema } from '../domain/tenants.ts';
import { contactSources } from '../domain/contacts.ts';
import {
  addDays, defaultDateRules, findFestival, festivalDate, lunarDateProblem, lunarToSolar, solarInYear, type DateRules, type LunarDate, type Ymd,
} from './calendar/lunar.ts';
import type { WorkCalendar } from './calendar/holidays.ts';

/** Automation states: draft (not running), on, paused. */
export const automationStatuses = ['draft', 'on', 'paused'] as const;
/** One of the automation states. */
export type AutomationStatus = (typeof automationStatuses)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, e.g. 09:00');
const dataKey = z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _');

/** A yearly date of the contact: a date field, in the solar or lunar calendar (per rule, or per contact from a field). */
const dateTrigger = z.object({
  type: z.literal('date'),
  field: dataKey.describe('the contact field holding the date, e.g. birthday (YYYY-MM-DD or MM-DD; a lunar leap month as 1990-L05-10 or 1990-闰05-10)'),
  calendar: z.enum(['solar', 'lunar']).default('solar').describe('the calendar of the date unless calendarField says otherwise'),
  calendarField: dataKey.optional().describe('a contact field saying which calendar the date is in: lunar/农历/阴历 or solar/公历/阳历'),
  leapMonth: z.enum(['leap_if_present', 'regular']).default(defaultDateRules.leapMonth).describe('a date in a leap month: in the same leap month when the year has one (else the regular month), or always the regular month'),
  day30: z.enum(['day29', 'next_day']).default(defaultDateRules.day30).describe('lunar day 30 in a year whose month has 29 days: day 29, or the next day'),
  feb29: z.enum(['feb28', 'mar1']).default(defaultDateRules.feb29).describe('Feb 29 in a common year: Feb 28 or Mar 1'),
}).strict();
/** A festival each year (春节, 中秋, national_day…), optionally shifted to the next working day of the official calendar. */
const holidayTrigger = z.object({
  type: z.literal('holiday'),
  festival: z.string().min(1).max(40).refine((k) => !!findFestival(k), 'an unknown festival key; see GET /api/v1/automations/festivals'),
  shift: z.enum(['none', 'next_workday']).default('none').describe('next_workday: a festival on a day off is greeted on the next working day (needs the year in the holiday calendar)'),
}).strict();
/** An event an enterprise system posts to /api/v1/events. */
const eventTrigger = z.object({
  type: z.literal('event'),
  eventType: z.string().min(1).max(64),
  ttlHours: z.number().positive().max(24 * 366).optional().describe('an event older than this when it arrives is dropped and counted'),
  suppress: z.object({ key: dataKey.describe('an event data field, e.g. country'), days: z.number().positive().max(366) }).strict().optional()
    .describe('at most one occurrence per contact and value of the key in this many days'),
  anchor: dataKey.optional().describe('an event data field holding a date (e.g. endsOn) that step offsets count from; default occurredAt'),
  cancelOn: z.array(z.string().min(1).max(64)).max(20).default([]).describe('event types that cancel this automation\'s pending steps for the contact, e.g. renewed'),
  createContact: z.boolean().default(false).describe('an event for an unknown phone creates the contact'),
}).strict();
/** Joining a group or a subscription list (once per contact). */
const joinTrigger = z.object({
  type: z.literal('join'),
  group: z.string().min(1).max(200).optional().describe('a group, by id or name'),
  subscription: z.string().min(1).max(200).optional().describe('a subscription service (list mode), by id or name: a member joining by its keyword'),
}).strict().refine((t) => !!t.group !== !!t.subscription, 'give exactly one of group or subscription');
/** A contact created after the automation was turned on (once per contact), optionally only from one source or import. */
const createdTrigger = z.object({
  type: z.literal('created'),
  source: z.enum(contactSources).optional().describe('only contacts created through the API (a key), the console, an import, an event or an inbound SMS'),
  importId: z.string().min(1).max(64).optional().describe('only contacts created by this import (implies source import)'),
  importName: z.string().min(1).max(200).optional().describe('only contacts created by imports whose file name matches this pattern (* = any text, case-insensitive; implies source import)'),
}).strict().refine((t) => !(t.importId || t.importName) || !t.source || t.source === 'import', 'importId and importName select imported contacts: leave source out or set it to import')
  .refine((t) => !(t.importId && t.importName), 'give importId or importName, not both');

/** The trigger of an automation. */
export const triggerSchema = z.discriminatedUnion('type', [dateTrigger, holidayTrigger, eventTrigger, joinTrigger, createdTrigger]);
/** A validated trigger. */
export type Trigger = z.output<typeof triggerSchema>;

/** One message of an automation: when (days from the trigger's date, at a local time, or minutes after), and what. */
export const stepSchema = z.object({
  offsetDays: z.number().int().min(-366).max(366).default(0).describe('days from the date (negative = before)'),
  at: hhmm.optional().describe('local time in the contact\'s zone (else the tenant\'s); without it the step is due delayMinutes after the trigger'),
  delayMinutes: z.number().int().min(0).max(60 * 24 * 366).default(0),
  text: z.string().min(1).max(2000).optional(),
  templateId: z.string().min(1).optional(),
}).strict().refine((s) => !!s.text !== !!s.templateId, 'give exactly one of text or templateId');
/** A validated step. */
export type Step = z.output<typeof stepSchema>;

/** Who an automation may reach: groups or a segment (all contacts when empty). */
export const conditionsSchema = z.object({
  groups: z.array(z.string().min(1)).max(100).optional(),
  segment: z.string().min(1).optional(),
  filter: z.string().min(1).max(4000).optional(),
}).strict();

/** The body of an automation create or replace. */
export const automationInputSchema = z.object({
  name: z.string().min(1).max(200),
  category: z.enum(categories as [Category, ...Category[]]).default('marketing'),
  trigger: triggerSchema,
  conditions: conditionsSchema.default({}),
  steps: z.array(stepSchema).min(1).max(10),
  channel: z.string().min(1).optional(),
  timezone: zoneSchema.optional().describe('zone of contacts without one (default the tenant zone)'),
  horizonDays: z.number().int().min(1).max(366).default(30).describe('how far ahead date and holiday occurrences are materialised'),
  sendWindows: sendWindowsSchema.optional(),
  frequencyCap: frequencyCapSchema.optional(),
}).strict();
/** A validated automation definition. */
export type AutomationInput = z.output<typeof automationInputSchema>;

/** A contact date field's value: an optional birth year, month and day, and for lunar dates the leap flag. */
export interface DateValue { year: number | null; month: number; day: number; leap: boolean }

/** Parses a date field value (YYYY-MM-DD, YYYY/MM/DD, MM-DD, ISO date-time; L or 闰 before a lunar leap month); null when it is not one. */
export function parseDateValue(raw: unknown): DateValue | null {
  if (typeof raw !== 'string') return null;
  const m = /^\s*(?:(\d{4})[-/.年])?(L|闰)?(\d{1,2})[-/.月](\d{1,2})日?(?:[T ].*)?\s*$/i.exec(raw);
  if (!m) return null;
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year: m[1] ? Number(m[1]) : null, month, day, leap: !!m[2] };
}

const lunarWords = new Set(['lunar', '农历', '阴历', '农', 'l']);

/** The calendar a contact's date is in: the contact's calendar field when it names one, else the rule's. */
export function calendarOf(trigger: Extract<Trigger, { type: 'date' }>, fields: Record<string, unknown>): 'solar' | 'lunar' {
  if (!trigger.calendarField || !Object.hasOwn(fields, trigger.calendarField)) return trigger.calendar;
  const v = String(fields[trigger.calendarField] ?? '').trim().toLowerCase();
  if (!v) return trigger.calendar;
  return lunarWords.has(v) ? 'lunar' : 'solar';
}

/** Why a date value cannot be used in this calendar, or null. */
export function dateValueProblem(v: DateValue, calendar: 'solar' | 'lunar'): string | null {
  if (calendar === 'lunar') return lunarDateProblem({ month: v.month, day: v.day, leap: v.leap }, v.year ?? undefined);
  if (v.leap) return 'a leap month exists only in the lunar calendar';
  const probe = new Date(Date.UTC(v.year ?? 2000, v.month - 1, v.day));
  if (probe.getUTCMonth() !== v.month - 1) return `${v.month}-${v.day} is not a date${v.year ? ` in ${v.year}` : ''}`;
  return null;
}

/** The date a contact's yearly date falls on in `year` (the lunar year for lunar dates). */
export function anniversary(v: DateValue, calendar: 'solar' | 'lunar', year: number, rules: DateRules): Ymd {
  if (calendar === 'lunar') return lunarToSolar(year, { month: v.month, day: v.day, leap: v.leap } satisfies LunarDate, rules);
  return solarInYear(year, v.month, v.day, rules);
}

/**
 * The moment a step is due: with `at`, that local time in `zone` on the date (or the instant's local date) plus
 * offsetDays — a time DST skips moves forward by the gap; without it, the instant (or the date's midnight) plus
 * offsetDays and delayMinutes.
 */
export function dueAt(step: Step, date: Ymd | null, instant: Date | null, zone: string): Date {
  if (step.at) {
    const d = addDays(date ?? localDate(instant!, zone), step.offsetDays);
    return new Date(localTime(d.year, d.month, d.day, step.at, zone));
  }
  const base = instant ?? DateTime.fromObject({ year: date!.year, month: date!.month, day: date!.day }, { zone }).toJSDate();
  return new Date(base.getTime() + step.offsetDays * 86_400_000 + step.delayMinutes * 60_000);
}

const localTimes = new Map<string, number>();

/** The instant (ms) of a local date and HH:MM in a zone, cached (a run asks the same few hundred dates per zone). */
function localTime(year: number, month: number, day: number, at: string, zone: string): number {
  const key = `${zone}|${year}|${month}|${day}|${at}`;
  let ms = localTimes.get(key);
  if (ms === undefined) {
    if (localTimes.size > 200_000) localTimes.clear();
    const [hour, minute] = at.split(':').map(Number);
    localTimes.set(key, ms = DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toMillis());
  }
  return ms;
}

/** The date of a holiday trigger's festival in `year`, shifted to a working day when asked; null when the calendar lacks the year. */
export function holidayDate(trigger: Extract<Trigger, { type: 'holiday' }>, year: number, work: WorkCalendar): Ymd | null {
  const date = festivalDate(findFestival(trigger.festival)!, year);
  return trigger.shift === 'next_workday' ? work.nextWorkday(date) : date;
}

const quarterMs = 900_000;
/** A zone's UTC offset (minutes) over each quarter hour asked, NaN when it changes within it (zone transitions fall on quarter hours). */
const quarterOffsets = new Map<string, number>();

/** The calendar date of an instant in a zone (the zone's offset looked up once per quarter hour, not per instant). */
export function localDate(at: Date, zone: string): Ymd {
  const ms = at.getTime();
  const start = Math.floor(ms / quarterMs) * quarterMs;
  const key = `${zone}|${start}`;
  let offset = quarterOffsets.get(key);
  if (offset === undefined) {
    if (quarterOffsets.size > 100_000) quarterOffsets.clear();
    const first = DateTime.fromMillis(start, { zone }).offset;
    offset = first === DateTime.fromMillis(start + quarterMs - 1, { zone }).offset ? first : Number.NaN;
    quarterOffsets.set(key, offset);
  }
  if (Number.isNaN(offset)) {
    const d = DateTime.fromJSDate(at, { zone });
    return { year: d.year, month: d.month, day: d.day };
  }
  const local = new Date(ms + offset * 60_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}
