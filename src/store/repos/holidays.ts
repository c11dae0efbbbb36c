import type { Db } from '../database.ts';
import { WorkCalendar, type HolidayDay } from '../../automations/calendar/holidays.ts';

/** A year of the holiday calendar: where its data came from and how many days it lists. */
export interface HolidayYear { year: number; source: string; updatedAt: string; holidays: number; workdays: number }

/** Adds the seed's years the table does not cover yet (never overwriting a year it has); returns the years added. */
export async function seedHolidayYears(db: Db, seed: Map<number, HolidayDay[]>, now: string): Promise<number[]> {
  const have = new Set((await db.selectFrom('holiday_years').select('year').execute()).map((r) => Number(r.year)));
  const added: number[] = [];
  for (const [year, days] of seed) {
    if (have.has(year)) continue;
    await db.transaction().execute(async (trx) => {
      const r = await trx.insertInto('holiday_years').values({ year, source: 'library', updated_at: now }).onConflict((oc) => oc.column('year').doNothing()).executeTakeFirst();
      if (!Number(r.numInsertedOrUpdatedRows ?? 0)) return;
      if (days.length) await trx.insertInto('holidays').values(days.map((d) => ({ date: d.date, year, name: d.name, kind: d.kind, target: d.target, updated_at: now }))).onConflict((oc) => oc.column('date').doNothing()).execute();
      added.push(year);
    });
  }
  return added;
}

/** The years the calendar covers, with counts. */
export async function listHolidayYears(db: Db): Promise<HolidayYear[]> {
  const [years, counts] = await Promise.all([
    db.selectFrom('holiday_years').selectAll().orderBy('year').execute(),
    db.selectFrom('holidays').select(['year', 'kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['year', 'kind']).execute(),
  ]);
  const n = (year: number, kind: string) => Number(counts.find((c) => Number(c.year) === year && c.kind === kind)?.n ?? 0);
  return years.map((y) => ({ year: Number(y.year), source: y.source, updatedAt: y.updated_at, holidays: n(Number(y.year), 'holiday'), workdays: n(Number(y.year), 'workday') }));
}

/** The days of one year, in date order; undefined when the calendar does not cover the year. */
export async function holidaysOf(db: Db, year: number): Promise<HolidayDay[] | undefined> {
  if (!await db.selectFrom('holiday_years').select('year').where('year', '=', year).executeTakeFirst()) return undefined;
  const rows = await db.selectFrom('holidays').selectAll().where('year', '=', year).orderBy('date').execute();
  return rows.map((r) => ({ date: r.date, name: r.name, kind: r.kind as HolidayDay['kind'], target: r.target ?? r.date }));
}

/** Replaces a year's days (the platform admin's edit); the year is then covered, with source "admin". */
export async function replaceHolidayYear(db: Db, year: number, days: HolidayDay[], now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('holidays').where('year', '=', year).execute();
    if (days.length) await trx.insertInto('holidays').values(days.map((d) => ({ date: d.date, year, name: d.name, kind: d.kind, target: d.target, updated_at: now }))).execute();
    await trx.insertInto('holiday_years').values({ year, source: 'admin', updated_at: now }).onConflict((oc) => oc.column('year').doUpdateSet({ source: 'admin', updated_at: now })).execute();
  });
}

/** Removes a year: it is no longer covered (shifts to working days in it wait). */
export async function deleteHolidayYear(db: Db, year: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('holidays').where('year', '=', year).execute();
    const r = await trx.deleteFrom('holiday_years').where('year', '=', year).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

/** The working-day calendar over the given years (those the table covers). */
export async function workCalendar(db: Db, years: number[]): Promise<WorkCalendar> {
  const covered = (await db.selectFrom('holiday_years').select('year').where('year', 'in', years).execute()).map((r) => Number(r.year));
  const rows = covered.length ? await db.selectFrom('holidays').select(['date', 'name', 'kind', 'target']).where('year', 'in', covered).execute() : [];
  return new WorkCalendar(new Set(covered), rows.map((r) => ({ date: r.date, name: r.name, kind: r.kind as HolidayDay['kind'], target: r.target ?? r.date })));
}

/** Every year the table covers. */
export async function coveredHolidayYears(db: Db): Promise<Set<number>> {
  return new Set((await db.selectFrom('holiday_years').select('year').execute()).map((r) => Number(r.year)));
}
