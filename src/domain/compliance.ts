// Compliance rules that are pure functions of time: send windows and quiet hours in the recipient's time
// zone, per-recipient frequency caps, and recurring schedules (cron). The lead's dispatcher does the
// queries; these functions decide.
//
// Send windows are wall-clock ranges in the recipient's zone: [start, end) on the given ISO weekdays.
// A window whose end is not after its start runs over midnight (22:00–06:00 starts on the listed day and
// ends the next morning; 00:00–00:00 is the whole day); "24:00" may end a window. A set of windows is a
// union; `SendSchedule.and()` intersects sets (windows AND quiet hours). Around DST changes the rule is the
// wall clock: an instant is allowed when its local time falls in a window, so a window inside a skipped hour
// is empty that day, and a repeated hour is allowed both times.

import { IANAZone } from 'luxon';
import { Cron } from 'croner';
import { z } from 'zod';
import { DomainError } from './errors.ts';
import { categories, type Category } from './templates.ts';

/** A wall-clock window in the recipient's time zone. */
export interface SendWindow {
  /** ISO weekdays 1 = Monday … 7 = Sunday on which the window starts; default every day. */
  days?: number[];
  /** HH:MM, 00:00–23:59. */
  start: string;
  /** HH:MM, 00:00–24:00; not after start = over midnight. */
  end: string;
}

/** At most `max` messages (of `category`, or of any category) per recipient in any `days` days. */
export interface FrequencyCap { max: number; days: number; category?: Category }

/** Quiet hours applied to marketing when the tenant sets none: no marketing 21:00–08:00 local time. */
export const defaultMarketingQuietHours = { start: '21:00', end: '08:00' } as const;

const minutesPerDay = 1440;
const minutesPerWeek = 7 * minutesPerDay;
const msPerMinute = 60_000;
const msPerDay = 86_400_000;
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutesOf(hhmm: string): number {
  if (hhmm === '24:00') return minutesPerDay;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// ---- parsing ----

/** zod schema of one send window (also accepts "HH:MM-HH:MM"). */
export const sendWindowSchema = z.union([
  z.object({
    days: z.array(z.number().int().min(1).max(7)).min(1).optional().describe('ISO weekdays 1=Mon … 7=Sun; default all'),
    start: z.string().regex(timePattern, 'use HH:MM').refine((s) => s !== '24:00', 'a window cannot start at 24:00'),
    end: z.string().regex(timePattern, 'use HH:MM (24:00 allowed)'),
  }).strict(),
  z.string().regex(/^\s*\d\d:\d\d\s*[-–]\s*\d\d:\d\d\s*$/, 'use "HH:MM-HH:MM" or {start, end, days}'),
]);
/** zod schema of a list of send windows (empty = always). */
export const sendWindowsSchema = z.array(sendWindowSchema).max(50);
/** zod schema of quiet hours: no sending from start to end (over midnight when end ≤ start). */
export const quietHoursSchema = z.object({ start: z.string().regex(timePattern), end: z.string().regex(timePattern) }).strict();
/** zod schema of a frequency cap. */
export const frequencyCapSchema = z.object({
  max: z.number().int().min(0).max(10_000),
  days: z.number().positive().max(3660),
  category: z.enum(categories as [Category, ...Category[]]).optional(),
}).strict();

function invalid(error: z.ZodError, field: string): DomainError {
  const issue = error.issues[0];
  const where = [field, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/\.\[/g, '[');
  return new DomainError('invalid_request', `${where}: ${issue.message}`, { field: where });
}

function normalizeWindow(w: z.infer<typeof sendWindowSchema>, i: number, field: string): SendWindow {
  if (typeof w === 'string') {
    const [start, end] = w.split(/[-–]/).map((s) => s.trim());
    if (!timePattern.test(start) || start === '24:00' || !timePattern.test(end)) throw new DomainError('invalid_request', `${field}[${i}]: "${w}" is not HH:MM-HH:MM`, { field: `${field}[${i}]` });
    return { start, end };
  }
  return w.days ? { days: [...new Set(w.days)].sort((a, b) => a - b), start: w.start, end: w.end } : { start: w.start, end: w.end };
}

/** Parses and validates send windows (objects or "HH:MM-HH:MM" strings); errors name the field. */
export function parseSendWindows(input: unknown, field = 'sendWindows'): SendWindow[] {
  if (input === undefined || input === null) return [];
  const r = sendWindowsSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, field);
  return r.data.map((w, i) => normalizeWindow(w, i, field));
}

/** Parses and validates a frequency cap. */
export function parseFrequencyCap(input: unknown, field = 'frequencyCap'): FrequencyCap {
  const r = frequencyCapSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, field);
  return r.data;
}

/** Validates a time-zone name (IANA, e.g. Asia/Shanghai). */
export function parseTimezone(input: unknown, field = 'timezone'): string {
  if (typeof input !== 'string' || !IANAZone.isValidZone(input)) throw new DomainError('invalid_request', `${field}: "${String(input)}" is not an IANA time zone such as Asia/Shanghai`, { field });
  return input;
}

/** Validates a cron expression (5 fields, or 6 with seconds) and returns it trimmed. */
export function parseCron(input: unknown, field = 'cron'): string {
  if (typeof input !== 'string' || !input.trim()) throw new DomainError('invalid_request', `${field}: a cron expression such as "0 9 * * 1-5" is required`, { field });
  const expr = input.trim();
  try {
    new Cron(expr, { paused: true }).stop();
  } catch (e) {
    throw new DomainError('invalid_request', `${field}: ${(e as Error).message}`, { field });
  }
  return expr;
}

/** The next run of a cron expression strictly after `after`, in the given zone; null when there is none. */
export function nextCronTime(expr: string, after: Date, timezone = 'UTC'): Date | null {
  const job = new Cron(expr, { paused: true, timezone });
  try {
    return job.nextRun(after);
  } finally {
    job.stop();
  }
}

// ---- windows ----

/** The allowed windows that leave out quiet hours: quiet 21:00–08:00 → allowed 08:00–21:00. Equal = no quiet hours. */
export function quietHoursWindows(start: string, end: string): SendWindow[] {
  if (!timePattern.test(start) || !timePattern.test(end)) throw new DomainError('invalid_request', 'quiet hours use HH:MM', { field: 'quietHours' });
  const s = minutesOf(start) % minutesPerDay;
  const e = minutesOf(end) % minutesPerDay;
  if (s === e) return [];
  return [{ start: hhmm(e), end: hhmm(s) }];
}

function zoneOf(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new DomainError('invalid_request', `unknown time zone "${timezone}"`, { field: 'timezone' });
  return zone;
}

/** ISO weekday (1 = Monday) of a "local epoch" (wall clock expressed as if it were UTC) in ms. */
function isoDay(localMs: number): number {
  const d = new Date(localMs).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * A compiled set of send windows: a weekly minute mask, so checking an instant is one lookup. Build it once per
 * campaign; `next()` remembers its last answer per zone and minute, so a fan-out over a million recipients in
 * a few zones costs a few computations.
 */
export class SendSchedule {
  /** 1 where sending is allowed, indexed by (isoWeekday − 1) × 1440 + minute of day; null = always. */
  readonly #mask: Uint8Array | null;
  /** Minutes of the week where an allowed run starts, ascending. */
  readonly #starts: number[];
  readonly #memo = new Map<string, { minute: number; result: number }>();

  private constructor(mask: Uint8Array | null) {
    if (mask && mask.every((v) => v === 1)) mask = null;
    this.#mask = mask;
    this.#starts = [];
    if (mask) for (let m = 0; m < minutesPerWeek; m++) if (mask[m] && !mask[(m + minutesPerWeek - 1) % minutesPerWeek]) this.#starts.push(m);
  }

  /** A schedule from windows (their union); no windows = always allowed. */
  static of(windows: readonly SendWindow[]): SendSchedule {
    if (windows.length === 0) return new SendSchedule(null);
    const mask = new Uint8Array(minutesPerWeek);
    for (const w of windows) {
      const start = minutesOf(w.start);
      let end = minutesOf(w.end);
      if (end <= start) end += minutesPerDay;
      for (const day of w.days ?? [1, 2, 3, 4, 5, 6, 7]) {
        const base = (day - 1) * minutesPerDay;
        for (let m = start; m < end; m++) mask[(base + m) % minutesPerWeek] = 1;
      }
    }
    return new SendSchedule(mask);
  }

  /** Allowed only when both this and the other schedule allow (e.g. campaign windows and quiet hours). */
  and(other: SendSchedule | readonly SendWindow[]): SendSchedule {
    const o = other instanceof SendSchedule ? other : SendSchedule.of(other);
    if (!o.#mask) return this;
    if (!this.#mask) return o;
    const mask = new Uint8Array(minutesPerWeek);
    for (let m = 0; m < minutesPerWeek; m++) mask[m] = this.#mask[m] & o.#mask[m];
    return new SendSchedule(mask);
  }

  /** Whether sending is ever allowed. */
  get never(): boolean {
    return this.#mask !== null && this.#starts.length === 0;
  }

  /** Whether no window restricts sending. */
  get always(): boolean {
    return this.#mask === null;
  }

  #allowedAt(ms: number, zone: IANAZone): boolean {
    if (!this.#mask) return true;
    const local = ms + zone.offset(ms) * msPerMinute;
    const minute = Math.floor((((local % msPerDay) + msPerDay) % msPerDay) / msPerMinute);
    return this.#mask[(isoDay(local) - 1) * minutesPerDay + minute] === 1;
  }

  /** Whether sending is allowed at an instant in a time zone. */
  allows(at: Date, timezone: string): boolean {
    return this.#allowedAt(at.getTime(), zoneOf(timezone));
  }

  /** The earliest instant ≥ now at which sending is allowed in the zone. Throws if the windows never allow it. */
  next(now: Date, timezone: string): Date {
    const t = now.getTime();
    if (!this.#mask) return now;
    if (this.never) throw new DomainError('invalid_request', 'the send windows never allow sending', { field: 'sendWindows' });
    const zone = zoneOf(timezone);
    if (this.#allowedAt(t, zone)) return now;
    const minute = Math.floor(t / msPerMinute);
    const memo = this.#memo.get(timezone);
    if (memo && memo.minute === minute) return new Date(memo.result);
    const result = this.#search(t, zone);
    if (this.#memo.size > 1000) this.#memo.clear();
    this.#memo.set(timezone, { minute, result });
    return new Date(result);
  }

  /**
   * Not allowed at t: the allowed set is a union of right-open intervals whose left ends are instants where the
   * wall clock reaches a run start, or offset changes (DST). Collect those after t, day by day, and take the
   * first that is allowed.
   */
  #search(t: number, zone: IANAZone): number {
    const startsByDay: number[][] = [[], [], [], [], [], [], []];
    for (const s of this.#starts) startsByDay[Math.floor(s / minutesPerDay)].push(s % minutesPerDay);
    const firstLocal = t + zone.offset(t) * msPerMinute;
    const firstDay = Math.floor(firstLocal / msPerDay) - 1;
    let best = Infinity;
    let foundOn = Infinity;
    for (let k = 0; k <= 16 && k <= foundOn + 2; k++) {
      const dayStart = (firstDay + k) * msPerDay;
      const candidates: number[] = [];
      for (const m of startsByDay[isoDay(dayStart) - 1]) candidates.push(...instantsAtWallClock(dayStart + m * msPerMinute, zone));
      // Offset changes between this local midnight and the next (at most one a day in practice).
      const a = dayStart - zone.offset(dayStart) * msPerMinute;
      const b = a + msPerDay;
      if (zone.offset(a) !== zone.offset(b)) candidates.push(transitionBetween(a, b, zone));
      for (const c of candidates) {
        if (c > t && c < best && this.#allowedAt(c, zone)) { best = c; foundOn = Math.min(foundOn, k); }
      }
    }
    if (best === Infinity) throw new DomainError('invalid_request', 'the send windows never allow sending in this time zone', { field: 'sendWindows' });
    return best;
  }
}

/** The instants whose wall clock in the zone is exactly `local` (a local epoch in ms): none in a DST gap, two in a repeated hour. */
function instantsAtWallClock(local: number, zone: IANAZone): number[] {
  const out: number[] = [];
  for (const probe of [local - msPerDay, local + msPerDay]) {
    const offset = zone.offset(probe);
    const t = local - offset * msPerMinute;
    if (zone.offset(t) === offset && !out.includes(t)) out.push(t);
  }
  return out.sort((x, y) => x - y);
}

/** The first instant (to the minute) in (a, b] with the offset of b; offsets at a and b differ. */
function transitionBetween(a: number, b: number, zone: IANAZone): number {
  const target = zone.offset(b);
  let lo = Math.floor(a / msPerMinute);
  let hi = Math.ceil(b / msPerMinute);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid * msPerMinute) === target) hi = mid;
    else lo = mid;
  }
  return hi * msPerMinute;
}

/**
 * The earliest instant ≥ now when sending is allowed in the recipient's IANA time zone, given the windows
 * (none = always). For many recipients build a SendSchedule once and call `next()`.
 */
export function nextAllowedTime(now: Date, windows: readonly SendWindow[], timezone: string): Date {
  return SendSchedule.of(windows).next(now, timezone);
}

// ---- frequency caps ----

/** The start of the period a cap looks back over: previous messages at or after it count. */
export function capWindowStart(cap: FrequencyCap, now: Date): Date {
  return new Date(now.getTime() - cap.days * msPerDay);
}

/** Whether one more message is allowed, given the times of previous messages to the recipient (already filtered to the cap's category). */
export function capAllows(cap: FrequencyCap, previous: readonly Date[], now: Date): boolean {
  const from = now.getTime() - cap.days * msPerDay;
  const to = now.getTime();
  let n = 0;
  for (const p of previous) {
    const x = p.getTime();
    if (x > from && x <= to && ++n >= cap.max) return false;
  }
  return n < cap.max;
}

/** When the cap allows the next message: now if it already does, else when enough previous messages age out; null if max is 0. */
export function capNextAllowed(cap: FrequencyCap, previous: readonly Date[], now: Date): Date | null {
  if (cap.max <= 0) return null;
  const from = now.getTime() - cap.days * msPerDay;
  const inPeriod = previous.map((p) => p.getTime()).filter((x) => x > from && x <= now.getTime()).sort((x, y) => x - y);
  if (inPeriod.length < cap.max) return now;
  return new Date(inPeriod[inPeriod.length - cap.max] + cap.days * msPerDay);
}

/** The contact fields of channel preferences: false (or no / 否 / 0) means the contact does not want that category. */
export const preferenceFields = { marketing: 'receiveMarketing', notification: 'receiveNotifications' } as const;

const declined = new Set(['false', 'no', 'n', '否', '不', '0']);

/** Whether a contact's channel preferences refuse a category (verification codes, asked for by the recipient, never are). */
export function declinesCategory(fields: Record<string, unknown>, category: Category): boolean {
  if (category === 'verification') return false;
  const key = preferenceFields[category];
  if (!Object.hasOwn(fields, key)) return false;
  const v = fields[key];
  return v === false || v === 0 || (typeof v === 'string' && declined.has(v.trim().toLowerCase()));
}
