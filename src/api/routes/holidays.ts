import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { actorOf } from '../plugins/auth.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import { missingYearWarning, seedHolidays } from '../../automations/calendar/holidays.ts';
import { localDate } from '../../automations/rules.ts';
import { deleteHolidayYear, holidaysOf, listHolidayYears, replaceHolidayYear, seedHolidayYears, coveredHolidayYears } from '../../store/repos/holidays.ts';
import { audit } from '../../store/repos/audit.ts';

const yearParams = z.object({ year: z.coerce.number().int().min(1900).max(2100) });
const daySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  name: z.string().min(1).max(40).describe('the holiday it belongs to, e.g. 国庆节'),
  kind: z.enum(['holiday', 'workday']).describe('holiday: a day off; workday: an adjusted working day (调休上班)'),
  target: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('the festival date the day belongs to (default the date)'),
}).strict();
const yearSchema = z.object({ year: z.number(), source: z.string(), updatedAt: z.string(), holidays: z.number(), workdays: z.number() });

/** The platform's official holiday and adjusted-workday calendar (调休), seeded from lunar-typescript's data, edited by the platform admin. */
export function holidayRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  const tags = ['admin'];

  app.get('/api/v1/admin/holidays', {
    schema: { tags, summary: 'The years the holiday calendar covers, and a warning from 1 December when next year is missing', response: { 200: z.object({ years: z.array(yearSchema), warning: z.string().nullable() }) } },
    config: { permission: 'platform' },
  }, async () => ({ years: await listHolidayYears(db), warning: missingYearWarning(localDate(deps.now(), 'Asia/Shanghai'), await coveredHolidayYears(db)) }));

  app.get('/api/v1/admin/holidays/:year', {
    schema: { tags, summary: 'The days off and adjusted workdays of a year', params: yearParams, response: { 200: z.object({ year: z.number(), days: z.array(daySchema.required()) }) } },
    config: { permission: 'platform' },
  }, async (request) => {
    const days = await holidaysOf(db, request.params.year);
    if (!days) throw notFound(`holiday calendar of ${request.params.year}`);
    return { year: request.params.year, days };
  });

  app.put('/api/v1/admin/holidays/:year', {
    schema: { tags, summary: 'Replace a year\'s days off and adjusted workdays (the year is then covered)', params: yearParams, body: z.object({ days: z.array(daySchema).max(400) }).strict(), response: { 200: yearSchema } },
    config: { permission: 'platform' },
  }, async (request) => {
    const { year } = request.params;
    const seen = new Set<string>();
    request.body.days.forEach((d, i) => {
      const t = new Date(`${d.date}T00:00:00Z`);
      if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d.date) throw new DomainError('invalid_request', `${d.date} is not a date`, { field: `days.${i}.date` });
      if (!d.date.startsWith(`${year}-`)) throw new DomainError('invalid_request', `${d.date} is not in ${year}`, { field: `days.${i}.date` });
      if (seen.has(d.date)) throw new DomainError('invalid_request', `${d.date} is listed twice`, { field: `days.${i}.date` });
      seen.add(d.date);
    });
    await replaceHolidayYear(db, year, request.body.days.map((d) => ({ ...d, target: d.target ?? d.date })), deps.now().toISOString());
    await audit(db, null, actorOf(request), 'holidays.replace', String(year), { days: request.body.days.length });
    return (await listHolidayYears(db)).find((y) => y.year === year)!;
  });

  app.delete('/api/v1/admin/holidays/:year', {
    schema: { tags, summary: 'Remove a year (greetings shifted to working days in it wait until it is back)', params: yearParams, response: { 200: z.object({ year: z.number(), deleted: z.boolean() }) } },
    config: { permission: 'platform' },
  }, async (request) => {
    if (!await deleteHolidayYear(db, request.params.year)) throw notFound(`holiday calendar of ${request.params.year}`);
    await audit(db, null, actorOf(request), 'holidays.delete', String(request.params.year));
    return { year: request.params.year, deleted: true };
  });

  app.post('/api/v1/admin/holidays/seed', {
    schema: { tags, summary: 'Add the years of the library\'s data the calendar does not cover yet (never overwrites a year)', response: { 200: z.object({ added: z.array(z.number()) }) } },
    config: { permission: 'platform' },
  }, async (request) => {
    const added = await seedHolidayYears(db, seedHolidays(), deps.now().toISOString());
    await audit(db, null, actorOf(request), 'holidays.seed', null, { added });
    return { added };
  });
}
