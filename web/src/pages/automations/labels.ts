// Display helpers shared by the automations pages: status colours and a one-line summary of a trigger.
import type { T } from '../../i18n/index.tsx';

/** Tag colours of automation and occurrence states. */
export const statusColor: Record<string, string> = {
  draft: 'default', on: 'green', paused: 'orange', pending: 'blue', planned: 'blue', sent: 'green', excluded: 'red', cancelled: 'default', skipped: 'default', missed: 'orange',
};

/** A trigger in a few words, e.g. "客户日期（生日、纪念日等） · birthday · 农历". */
export function triggerSummary(t: T, trigger: Record<string, unknown>): string {
  const type = String(trigger.type);
  const label = t(`automations.type.${type}` as 'automations.type.date');
  const detail = type === 'date' ? [trigger.field, trigger.calendarField ? `${t('automations.calendarField')}: ${String(trigger.calendarField)}` : t(`automations.calendar.${String(trigger.calendar)}` as 'automations.calendar.solar')]
    : type === 'holiday' ? [trigger.festival, trigger.shift === 'next_workday' ? t('automations.shift.next_workday') : null]
      : type === 'event' ? [trigger.eventType] : type === 'join' ? [trigger.group] : [];
  return [label, ...detail.filter(Boolean).map(String)].join(' · ');
}

/** An instant as a date and time in a zone (the recipient's), e.g. 2027-09-15 09:00. */
export function inZone(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
