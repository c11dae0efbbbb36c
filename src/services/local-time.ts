// Times in replies as the tenant's zone reads them (`yyyy-MM-dd HH:mm`): one Intl formatter per zone, made once, since
// a reply on the MO hot path (a code check, a lottery entry) must not rebuild a zone for every time it names.
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    // a zone this runtime does not know reads as UTC (tenant zones are checked when they are set)
    try { f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: zone }); } catch { f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' }); }
    if (formats.size >= 500) formats.clear();
    formats.set(zone, f);
  }
  return f;
}

function formatted(t: number, zone: string): string {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of format(zone).formatToParts(t)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Since 1973 every zone's offsets and changes fall on whole minutes: a minute of UTC is one local minute there. */
const wholeMinutesSince = Date.UTC(1973, 0, 1);
/** Local minutes already formatted, by zone and UTC minute (formatToParts costs tens of µs). */
const minutes = new Map<string, string>();

/** An ISO time as `yyyy-MM-dd HH:mm` in an IANA zone ('' for a time that does not parse). */
export function localMinute(at: string, zone: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  if (t < wholeMinutesSince) return formatted(t, zone);
  const key = `${zone}|${Math.floor(t / 60_000)}`;
  let text = minutes.get(key);
  if (text === undefined) {
    if (minutes.size >= 10_000) minutes.clear();
    minutes.set(key, text = formatted(t, zone));
  }
  return text;
}
