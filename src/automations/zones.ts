// Which time zone a recipient is in: the event's own zone, the zone of a country (a roaming customer), the contact's, the default.
import { getExampleNumber, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import { lookupTimezones } from '../domain/prefix-tables.ts';
import { zoneSchema } from '../domain/tenants.ts';

const byCountry = new Map<string, string | null>();

/** The main time zone of a country (ISO 3166 alpha-2), from the zone data of its example mobile number; null when unknown. */
export function zoneOfCountry(country: string): string | null {
  const code = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) return null;
  let zone = byCountry.get(code);
  if (zone === undefined) {
    const example = getExampleNumber(code as CountryCode, examples);
    zone = example ? lookupTimezones(example.number.slice(1))?.[0] ?? null : null;
    byCountry.set(code, zone);
  }
  return zone;
}

/** The zone of an event's recipient: data.timezone when valid, else data.country's zone, else the fallback. */
export function eventZone(data: Record<string, unknown>, fallback: string): string {
  const tz = Object.hasOwn(data, 'timezone') ? data.timezone : undefined;
  if (typeof tz === 'string' && zoneSchema.safeParse(tz).success) return tz;
  const country = Object.hasOwn(data, 'country') ? data.country : undefined;
  return (typeof country === 'string' && zoneOfCountry(country)) || fallback;
}
