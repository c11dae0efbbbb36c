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

/** An ISO time as `yyyy-MM-dd HH:mm` in an IANA zone ('' for a time that does not parse). */
export function localMinute(at: string, zone: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of format(zone).formatToParts(t)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
