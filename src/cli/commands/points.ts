import { Command, Option } from 'commander';
import { DomainError } from '../../domain/errors.ts';
import { client, columns, print, withClientOptions, type ClientOptions, type Client } from '../client.ts';

interface Entry { kind: string; points: number; expiresAt: string | null; source: { type: string; id: string }; note: string | null; createdAt: string }

/** The contact id of a number (any format) or an id given as is. */
async function contactOf(call: Client, who: string): Promise<string> {
  if (!/^[+\d][\d\s-]{5,}$/.test(who)) return who;
  const r = await call('GET', `/api/v1/contacts?phone=${encodeURIComponent(who)}`);
  const id = r.contacts[0]?.id as string | undefined;
  if (!id) throw new DomainError('not_found', `no contact with number ${who}`);
  return id;
}

/** `tidings points …`: a contact's balance and ledger, credits and debits, over the HTTP API. */
export function pointsCommand(): Command {
  const cmd = new Command('points').description('Points accounts and their ledger (talks to a server)');

  withClientOptions(cmd.command('show <contact>').description('Balance and ledger of a contact (its id or number)'))
    .option('--limit <n>', 'entries to show', '50')
    .action(async (who: string, o: ClientOptions & { limit: string }) => {
      const call = client(o);
      const id = await contactOf(call, who);
      const r = await call('GET', `/api/v1/points/${encodeURIComponent(id)}?limit=${encodeURIComponent(o.limit)}`);
      print(o, r, () => [`balance ${r.balance}`, ...columns(r.entries.map((e: Entry) => [e.createdAt, e.kind, e.points > 0 ? `+${e.points}` : e.points, `${e.source.type}:${e.source.id}`, e.expiresAt ? `expires ${e.expiresAt}` : '', e.note ?? '']))]);
    });

  for (const kind of ['credit', 'debit'] as const) {
    withClientOptions(cmd.command(`${kind} <contact>`).description(`${kind === 'credit' ? 'Credit' : 'Debit'} points (the key makes a retry one entry)`))
      .requiredOption('--points <n>', 'how many points')
      .requiredOption('--idempotency-key <k>', 'the entry\'s source id: the same key again changes nothing')
      .addOption(new Option('--source <type>', 'source type').choices(['api', 'manual']).default('api'))
      .option('--expires-at <iso>', 'a credit expires then (ISO 8601)').option('--note <text>', 'a note')
      .action(async (who: string, o: ClientOptions & { points: string; idempotencyKey: string; source: string; expiresAt?: string; note?: string }) => {
        const call = client(o);
        const id = await contactOf(call, who);
        const body = { kind, points: Number(o.points), source: o.source, note: o.note ?? null, ...(kind === 'credit' && o.expiresAt ? { expiresAt: o.expiresAt } : {}) };
        const r = await call('POST', `/api/v1/points/${encodeURIComponent(id)}/entries`, body, { headers: { 'idempotency-key': o.idempotencyKey } });
        print(o, r, () => [`${r.created ? kind : 'already recorded'}: ${r.entry.points > 0 ? '+' : ''}${r.entry.points}; balance ${r.balance}`]);
      });
  }

  withClientOptions(cmd.command('accounts').description('Accounts, highest balance first'))
    .option('--limit <n>', 'how many', '50')
    .action(async (o: ClientOptions & { limit: string }) => {
      const r = await client(o)('GET', `/api/v1/points?limit=${encodeURIComponent(o.limit)}`);
      print(o, r, () => columns(r.accounts.map((a: { phone: string; name: string | null; balance: number; updatedAt: string }) => [a.phone, a.name ?? '', a.balance, a.updatedAt])));
    });
  return cmd;
}
