import { Command, Option } from 'commander';
import { client, columns, print, withClientOptions, type ClientOptions } from '../client.ts';

interface Counts { sent: number; optOuts: number; complaints: number; optOutRate: number | null; complaintRate: number | null; above: string[] }

const pct = (x: number | null) => (x === null ? '—' : `${Number((x * 100).toFixed(2))}%`);
const row = (label: string, c: Counts) => [label, c.sent, c.optOuts, pct(c.optOutRate), c.complaints, pct(c.complaintRate), c.above.length ? `ABOVE: ${c.above.join(', ')}` : ''];
const header = ['', 'sent', 'opt-outs', 'rate', 'complaints', 'rate', ''];

/** `tidings complaints …`: opt-out and complaint rates, the events, and the platform's watch list and marketing suspensions, over the HTTP API. */
export function complaintsCommand(): Command {
  const cmd = new Command('complaints').description('Opt-out and complaint monitoring (talks to a server)');

  withClientOptions(cmd.command('stats').description('Your opt-out and complaint rates in total, per channel and per campaign'))
    .option('--days <n>', 'window in days (default: the platform\'s)')
    .action(async (o: ClientOptions & { days?: string }) => {
      const r = await client(o)('GET', `/api/v1/complaints/stats${o.days ? `?days=${encodeURIComponent(o.days)}` : ''}`);
      print(o, r, () => [
        `last ${r.days} days; thresholds: opt-outs ${pct(r.thresholds.optOutRate)}, complaints ${pct(r.thresholds.complaintRate)}, after ${r.thresholds.minSample} sent`,
        ...(r.suspension ? [`MARKETING SUSPENDED since ${r.suspension.suspendedAt}: ${r.suspension.reason}`] : []),
        ...columns([header, row('total', r.total), ...r.byChannel.map((c: Counts & { channel: string | null }) => row(`channel ${c.channel ?? '—'}`, c)),
          ...r.byCampaign.map((c: Counts & { name: string; status: string }) => row(`campaign ${c.name} (${c.status})`, c))]),
      ]);
    });

  withClientOptions(cmd.command('list').description('Your recorded opt-outs and complaints, newest first'))
    .addOption(new Option('--kind <kind>').choices(['opt_out', 'complaint'])).option('--campaign <id>', 'of one campaign').option('--limit <n>', 'how many', '50')
    .action(async (o: ClientOptions & { kind?: string; campaign?: string; limit: string }) => {
      const qs = new URLSearchParams({ limit: o.limit });
      if (o.kind) qs.set('kind', o.kind);
      if (o.campaign) qs.set('campaignId', o.campaign);
      const r = await client(o)('GET', `/api/v1/complaints?${qs}`);
      print(o, r, () => columns(r.complaints.map((c: { at: string; kind: string; phone: string; keyword: string | null; text: string }) => [c.at, c.kind, c.phone, c.keyword ?? '', c.text.replace(/\s+/g, ' ').slice(0, 60)])));
    });

  withClientOptions(cmd.command('watch').description('Platform: tenants with opt-outs or complaints, against their thresholds'))
    .option('--above', 'only tenants above a threshold or suspended')
    .action(async (o: ClientOptions & { above?: boolean }) => {
      const r = await client(o)('GET', `/api/v1/admin/complaints${o.above ? '?above=true' : ''}`);
      print(o, r, () => columns([header, ...r.tenants.map((t: Counts & { slug: string; suspension: { reason: string } | null }) => [...row(t.slug, t), t.suspension ? `suspended: ${t.suspension.reason}` : ''])]));
    });

  withClientOptions(cmd.command('suspend <tenant>').description('Platform: suspend a tenant\'s marketing (its marketing campaigns pause)'))
    .requiredOption('--reason <text>', 'why: the tenant sees it')
    .action(async (tenant: string, o: ClientOptions & { reason: string }) => {
      const r = await client(o)('POST', `/api/v1/admin/complaints/tenants/${encodeURIComponent(tenant)}/suspend`, { reason: o.reason });
      print(o, r, () => [`marketing of ${tenant} suspended; ${r.pausedCampaigns.length} campaign(s) paused, ${r.heldMessages} queued message(s) held`]);
    });

  withClientOptions(cmd.command('lift <tenant>').description('Platform: lift the suspension of a tenant\'s marketing'))
    .option('--note <text>', 'a note for the audit log')
    .action(async (tenant: string, o: ClientOptions & { note?: string }) => {
      const r = await client(o)('POST', `/api/v1/admin/complaints/tenants/${encodeURIComponent(tenant)}/lift`, o.note ? { note: o.note } : {});
      print(o, r, () => [`marketing of ${tenant} may go out again`]);
    });

  withClientOptions(cmd.command('policy').description('Platform: show or change the thresholds and complaint words (of the platform, or of one tenant with --tenant)'))
    .option('--tenant <slug>', 'set this tenant\'s override (the options given replace its whole override; none removes it)')
    .option('--opt-out-rate <r>', 'e.g. 0.03 for 3 %').option('--complaint-rate <r>', 'e.g. 0.001 for 0.1 %')
    .option('--min-sample <n>', 'sent messages before rates count').option('--window-days <n>', 'days of the tenant window')
    .option('--keywords <a,b>', 'complaint words, comma-separated')
    .action(async (o: ClientOptions & { tenant?: string; optOutRate?: string; complaintRate?: string; minSample?: string; windowDays?: string; keywords?: string }) => {
      const body: Record<string, unknown> = {};
      if (o.optOutRate !== undefined) body.optOutRate = Number(o.optOutRate);
      if (o.complaintRate !== undefined) body.complaintRate = Number(o.complaintRate);
      if (o.minSample !== undefined) body.minSample = Number(o.minSample);
      if (o.windowDays !== undefined) body.windowDays = Number(o.windowDays);
      if (o.keywords !== undefined) body.keywords = o.keywords.split(',').map((k) => k.trim()).filter(Boolean);
      const call = client(o);
      const r = o.tenant
        ? await call('PUT', `/api/v1/admin/complaints/tenants/${encodeURIComponent(o.tenant)}/policy`, body)
        : Object.keys(body).length ? await call('PUT', '/api/v1/admin/complaints/policy', body) : await call('GET', '/api/v1/admin/complaints/policy');
      const p = o.tenant ? r.policy : r;
      print(o, r, () => [`opt-outs ${pct(p.optOutRate)}, complaints ${pct(p.complaintRate)}, after ${p.minSample} sent, over ${p.windowDays} days`, `words: ${p.keywords.join(', ')}`]);
    });
  return cmd;
}
