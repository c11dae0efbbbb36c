import { createReadStream, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { DomainError } from '../../domain/errors.ts';
import { ApiError, client, print, sdk, sleep, viaSdk, withClientOptions, type ClientOptions } from '../client.ts';

interface ImportCliOptions extends ClientOptions {
  group?: string; tags?: string; country?: string; existing: 'update' | 'skip'; phoneColumn?: string; nameColumn?: string;
  report?: string; wait: boolean;
}

interface ImportView { id: string; status: string; total: number; imported: number; updated: number; duplicates: number; invalid: number; error: string | null }

/** Counts the lines of a text file by streaming it: the progress bar's total (rows plus the header). */
async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
    last = buf[buf.length - 1];
  }
  return last === 10 ? n : n + 1;
}

/** Uploads the file as multipart (streamed from disk, through the SDK) and answers the import id. */
async function upload(o: ImportCliOptions, file: string): Promise<string> {
  const t = sdk(o);
  const fields = { group: o.group, tags: o.tags, defaultCountry: o.country, existing: o.existing, phoneColumn: o.phoneColumn, nameColumn: o.nameColumn };
  const r = await viaSdk(t, (x) => x.imports.start(file, fields));
  if (!r?.id) throw new ApiError('internal', 202, 'the server answered no import id');
  return r.id;
}

/** `tidings import <file>`: uploads a CSV/XLSX of contacts, follows the job with a progress bar, and saves the rejected rows. */
export function importCommand(): Command {
  return withClientOptions(new Command('import').argument('<file>', 'CSV or XLSX file (UTF-8, UTF-16 or GBK; header optional)')
    .description('Import contacts from a CSV or XLSX file into the server (talks to a server)'))
    .option('--group <name>', 'put every imported contact in this group (created if missing)')
    .option('--tags <a,b>', 'tags for every imported contact, comma-separated')
    .option('--country <CC>', 'default country for national numbers (default: the tenant setting, else CN)')
    .addOption(new Option('--existing <mode>', 'numbers already in the phonebook').choices(['update', 'skip']).default('update'))
    .option('--phone-column <header|index>', 'the phone column, when the guess is wrong')
    .option('--name-column <header|index>', 'the name column, when the guess is wrong')
    .option('--report <file>', 'write the rejected rows (line, reason, detail, row) to this CSV')
    .option('--no-wait', 'print the import id and return at once')
    .action(async (file: string, o: ImportCliOptions) => {
      const call = client(o);
      const id = await upload(o, file);
      if (!o.wait) return print(o, { id }, () => [id]);
      const isXlsx = /\.xlsx$/i.test(file);
      const lines = isXlsx ? 0 : await countLines(file);
      const bar = o.json || !process.stderr.isTTY ? null : new cliProgress.SingleBar({
        format: `${basename(file)} [{bar}] {percentage}% | {value}/{total} rows | imported {imported} updated {updated} duplicates {duplicates} invalid {invalid}`,
        stream: process.stderr, hideCursor: true,
      }, cliProgress.Presets.shades_classic);
      bar?.start(Math.max(lines - 1, 1), 0, { imported: 0, updated: 0, duplicates: 0, invalid: 0 });
      let job: ImportView;
      while (true) {
        job = await call('GET', `/api/v1/imports/${encodeURIComponent(id)}`) as ImportView;
        if (bar && job.total > bar.getTotal()) bar.setTotal(job.total);
        bar?.update(job.total, { imported: job.imported, updated: job.updated, duplicates: job.duplicates, invalid: job.invalid });
        if (job.status === 'done' || job.status === 'failed') break;
        await sleep(500);
      }
      bar?.stop();
      if (o.report && job.invalid > 0) writeFileSync(o.report, await call('GET', `/api/v1/imports/${encodeURIComponent(id)}/report`, undefined, { raw: true }) as Buffer);
      if (job.status === 'failed') throw new DomainError('invalid_request', `import ${id} failed: ${job.error}`);
      print(o, job, () => [
        `import ${id} done: ${job.total} rows, ${job.imported} imported, ${job.updated} updated, ${job.duplicates} duplicates, ${job.invalid} invalid`,
        ...(job.invalid > 0 ? [o.report ? `rejected rows written to ${o.report}` : `rejected rows: tidings contacts report ${id} --out rejected.csv`] : []),
      ]);
    });
}
