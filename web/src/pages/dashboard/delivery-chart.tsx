// The dashboard's chart of recent days. Loaded lazily, like the campaign monitor, so ECharts stays out of
// the first download of the console.
import { useMemo } from 'react';
import type { Response } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Chart, type ChartOption } from '../../ui/chart.tsx';

/** One day of the stats overview (`day` is a date in the tenant's time zone, e.g. 2026-11-23). */
export type Day = Response<'GET /api/v1/stats/overview'>['days'][number];

/** Sent, delivered and failed bars and a replies line, oldest day on the left. */
export function DeliveryChart({ days }: { days: Day[] }) {
  const { t, lang } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const ordered = [...days].reverse();
    // The day is already the tenant's calendar date: format it as such, without shifting it by a time zone.
    const label = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const series = (name: string, key: 'sent' | 'delivered' | 'failed' | 'replies', color: string, type: 'bar' | 'line') => ({
      name, type, data: ordered.map((d) => d[key]), itemStyle: { color },
      ...(type === 'line' ? { smooth: true, symbolSize: 6 } : { barMaxWidth: 18 }),
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: 'category', data: ordered.map((d) => label.format(new Date(`${d.day}T00:00:00Z`))) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        series(t('dashboard.sent'), 'sent', '#1677ff', 'bar'),
        series(t('dashboard.delivered'), 'delivered', '#52c41a', 'bar'),
        series(t('dashboard.failed'), 'failed', '#ff4d4f', 'bar'),
        series(t('dashboard.replies'), 'replies', '#722ed1', 'line'),
      ],
    };
  }, [days, t, lang]);
  return <Chart option={option} height={300} />;
}
