import { openAsBlob, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { DomainError } from '../../domain/errors.ts';
import { client, columns, print, withClientOptions, type ClientOptions } from '../client.ts';

interface SignatureView { id: string; text: string; companyName: string; status: string; demo: boolean; isDefault: boolean; reviewNote: string | null; tenantSlug?: string; submittedAt: string }

const line = (s: SignatureView) => [s.id, s.text, s.status + (s.demo ? ' (demo)' : '') + (s.isDefault ? ' *default' : ''), s.tenantSlug ?? s.companyName, s.reviewNote ?? ''];

/** `tidings signature …`: apply for signatures (签名报备) with proof, choose the default, and the platform's review, over the HTTP API. */
export function signatureCommand(): Command {
  const cmd = new Command('signature').description('Signatures (签名) and their review by the platform (talks to a server)');

  withClientOptions(cmd.command('list').description('Your signatures and their review state'))
    .action(async (o: ClientOptions) => {
      const r = await client(o)('GET', '/api/v1/signatures');
      print(o, r, () => (r.signatures.length ? columns(r.signatures.map(line)) : ['no signatures yet: apply with `tidings signature apply`']));
    });

  withClientOptions(cmd.command('apply <text>').description('Apply for a signature such as 【好药房】 with the company and the business licence'))
    .requiredOption('--company <name>', 'the company, as on its business licence')
    .requiredOption('--licence <number>', '统一社会信用代码 (18 characters) or another registration number')
    .requiredOption('--proof <file>', 'the business licence as PDF, PNG or JPEG (at most 5 MB)')
    .action(async (text: string, o: ClientOptions & { company: string; licence: string; proof: string }) => {
      const form = new FormData();
      form.append('text', text);
      form.append('companyName', o.company);
      form.append('licenceNumber', o.licence);
      let file: Blob;
      try { file = await openAsBlob(o.proof); } catch (e) {
        throw new DomainError('invalid_request', `cannot read ${o.proof}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      form.append('proof', file, basename(o.proof));
      const r = await client(o)('POST', '/api/v1/signatures', form);
      print(o, r, () => [`${r.id} ${r.text} ${r.status}: the platform reviews it`]);
    });

  withClientOptions(cmd.command('default <id>').description('Place this approved signature on every message'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('POST', `/api/v1/signatures/${encodeURIComponent(id)}/default`);
      print(o, r, () => [`${r.text} is the default signature`]);
    });

  withClientOptions(cmd.command('delete <id>').description('Delete a signature (not the default one)'))
    .action(async (id: string, o: ClientOptions) => {
      await client(o)('DELETE', `/api/v1/signatures/${encodeURIComponent(id)}`);
      print(o, { deleted: id }, () => [`${id} deleted`]);
    });

  withClientOptions(cmd.command('proof <id>').description('Download the proof file of a signature (with a platform key: of any tenant)'))
    .requiredOption('--out <file>', 'file to write').option('--platform', 'as the platform (review)')
    .action(async (id: string, o: ClientOptions & { out: string; platform?: boolean }) => {
      const data = await client(o)('GET', `/api/v1/${o.platform ? 'admin/' : ''}signatures/${encodeURIComponent(id)}/proof`, undefined, { raw: true }) as Buffer;
      writeFileSync(o.out, data);
      print(o, { file: o.out, bytes: data.length }, () => [`${o.out} (${data.length} bytes)`]);
    });

  withClientOptions(cmd.command('review').description('Platform: signatures of every tenant waiting for review (or in another state)'))
    .addOption(new Option('--status <status>').choices(['pending', 'approved', 'rejected']).default('pending'))
    .action(async (o: ClientOptions & { status: string }) => {
      const r = await client(o)('GET', `/api/v1/admin/signatures?status=${o.status}`);
      print(o, r, () => (r.signatures.length ? columns(r.signatures.map(line)) : [`no ${o.status} signatures`]));
    });

  for (const action of ['approve', 'reject'] as const) {
    const c = withClientOptions(cmd.command(`${action} <id>`).description(action === 'approve' ? 'Platform: approve a pending signature' : 'Platform: reject a pending signature, saying why'));
    (action === 'approve' ? c.option('--note <text>', 'a note for the tenant') : c.requiredOption('--note <text>', 'why: the tenant sees it'))
      .action(async (id: string, o: ClientOptions & { note?: string }) => {
        const r = await client(o)('POST', `/api/v1/admin/signatures/${encodeURIComponent(id)}/${action}`, o.note ? { note: o.note } : {});
        print(o, r, () => [`${r.text} ${r.status}${r.isDefault ? ' (now the tenant\'s default)' : ''}`]);
      });
  }
  return cmd;
}
