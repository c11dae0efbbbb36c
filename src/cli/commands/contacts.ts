import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { client, print, withClientOptions, type ClientOptions } from '../client.ts';

/** `tidings contacts …`: find by number, count a filter, export a group/segment/filter, an import's report, erase a number. */
export function contactsCommand(): Command {
  const cmd = new Command('contacts').description('Contacts: find, count, export, import reports, erase (talks to a server)');

  withClientOptions(cmd.command('find <phone>').description('Find a contact by number, in any format'))
    .action(async (phone: string, o: ClientOptions) => {
      const r = await client(o)('GET', `/api/v1/contacts?phone=${encodeURIComponent(phone)}`);
      const c = r.contacts[0];
      print(o, c ?? null, () => [c
        ? `${c.id}  ${c.phone}  ${c.name ?? ''}  ${[c.carrier, c.province, c.city].filter(Boolean).join(' ')}  tags: ${c.tags.join(',') || '-'}  groups: ${c.groups.join(',') || '-'}${c.optedOutAt ? '  OPTED OUT' : ''}`
        : `no contact with number ${phone}`]);
    });

  withClientOptions(cmd.command('count <filter...>').description('Count the contacts a segment filter matches, e.g. city = "北京" and tag:vip'))
    .action(async (words: string[], o: ClientOptions) => {
      const r = await client(o)('POST', '/api/v1/segments/count', { filter: words.join(' ') });
      print(o, r, () => [String(r.count)]);
    });

  withClientOptions(cmd.command('export').description('Export contacts (all, a group, a saved segment or a filter) as CSV or XLSX'))
    .addOption(new Option('--format <format>').choices(['csv', 'xlsx']).default('csv')).requiredOption('--out <file>', 'file to write')
    .option('--group <name>', 'a group by name').option('--segment <id>', 'a saved segment').option('--filter <filter>', 'an ad-hoc filter')
    .action(async (o: ClientOptions & { format: string; out: string; group?: string; segment?: string; filter?: string }) => {
      const qs = new URLSearchParams({ format: o.format });
      if (o.group) qs.set('group', o.group);
      if (o.filter) qs.set('filter', o.filter);
      const path = o.segment ? `/api/v1/segments/${encodeURIComponent(o.segment)}/export?${qs}` : `/api/v1/contacts/export?${qs}`;
      writeFileSync(o.out, await client(o)('GET', path, undefined, { raw: true }) as Buffer);
      print(o, { out: o.out }, () => [`written to ${o.out}`]);
    });

  withClientOptions(cmd.command('report <importId>').description('Save the rejected rows of an import as CSV'))
    .requiredOption('--out <file>', 'file to write')
    .action(async (id: string, o: ClientOptions & { out: string }) => {
      writeFileSync(o.out, await client(o)('GET', `/api/v1/imports/${encodeURIComponent(id)}/report`, undefined, { raw: true }) as Buffer);
      print(o, { out: o.out }, () => [`written to ${o.out}`]);
    });

  withClientOptions(cmd.command('erase <phone>').description('Erase a number for good (data-subject request): only a salted hash stays'))
    .action(async (phone: string, o: ClientOptions) => {
      const r = await client(o)('DELETE', `/api/v1/contacts/subject?phone=${encodeURIComponent(phone)}`);
      print(o, r, () => [r.erased ? `${phone} erased and suppressed` : `${phone} had no contact; suppressed from now on`]);
    });
  return cmd;
}
