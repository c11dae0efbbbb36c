import { Command, Option } from 'commander';
import { client, collect, columns, print, withClientOptions, type ClientOptions } from '../client.ts';

interface AccountFlags extends ClientOptions {
  systemId?: string; password?: string; bind?: string[]; maxBinds?: string; tps?: string; window?: string; source?: string[]; ip?: string[];
  category?: string; mo?: string; enabled?: boolean; disabled?: boolean; gsm7Packed?: boolean; gsm7Unpacked?: boolean;
}

/** The API body from the flags given (only those given). */
function bodyOf(o: AccountFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (o.systemId !== undefined) body.systemId = o.systemId;
  if (o.password !== undefined) body.password = o.password;
  if (o.bind) body.bindTypes = o.bind;
  if (o.maxBinds !== undefined) body.maxBinds = Number(o.maxBinds);
  if (o.tps !== undefined) body.tps = Number(o.tps);
  if (o.window !== undefined) body.window = Number(o.window);
  if (o.source) body.sourceAddresses = o.source;
  if (o.ip) body.ipAllowlist = o.ip;
  if (o.category !== undefined) body.defaultCategory = o.category;
  if (o.mo !== undefined) body.moDelivery = o.mo;
  if (o.enabled) body.enabled = true;
  if (o.disabled) body.enabled = false;
  if (o.gsm7Packed) body.gsm7Packed = true;
  if (o.gsm7Unpacked) body.gsm7Packed = false;
  return body;
}

function accountFlags(c: Command): Command {
  return withClientOptions(c)
    .option('--password <password>', '8 characters (the SMPP maximum); stored hashed')
    .option('--bind <type>', 'allowed bind type (repeat): transmitter, receiver, transceiver', collect)
    .option('--max-binds <n>', 'sessions bound at once across all nodes').option('--tps <n>', 'submits per second (0 = unlimited)')
    .option('--window <n>', 'submits of one session awaiting their answer')
    .option('--source <addr>', 'a source_addr the ESME may use (repeat)', collect).option('--ip <addr>', 'an address or CIDR range allowed to bind (repeat)', collect)
    .addOption(new Option('--category <category>').choices(['verification', 'notification', 'marketing']))
    .addOption(new Option('--mo <delivery>', 'where replies go').choices(['smpp', 'webhook', 'both']))
    .option('--enabled', 'enable the account').option('--disabled', 'disable the account')
    .option('--gsm7-packed', 'data_coding 0 as GSM-7 packed septets, in submits and deliver_sm').option('--gsm7-unpacked', 'data_coding 0 one septet an octet (the default)');
}

/** `tidings smpp-accounts …`: the SMPP accounts applications and resellers bind with, over the HTTP API. */
export function smppAccountsCommand(): Command {
  const cmd = new Command('smpp-accounts').description('SMPP accounts for binding to the Tidings SMPP server (talks to a server)');

  withClientOptions(cmd.command('list').description('List the SMPP accounts'))
    .action(async (o: ClientOptions) => {
      const r = await client(o)('GET', '/api/v1/smpp-accounts');
      print(o, r, () => columns([['ID', 'SYSTEM_ID', 'BINDS', 'MAX', 'TPS', 'WINDOW', 'ENABLED', 'LAST ERROR'],
        ...r.accounts.map((a: any) => [a.id, a.systemId, a.bindTypes.join(','), a.maxBinds, a.tps, a.window, a.enabled ? 'yes' : 'no', a.lastError ?? ''])]));
    });

  accountFlags(cmd.command('create <systemId>').description('Create an SMPP account'))
    .action(async (systemId: string, o: AccountFlags) => {
      const r = await client(o)('POST', '/api/v1/smpp-accounts', bodyOf({ ...o, systemId }));
      print(o, r, () => [`${r.id}  ${r.systemId} created`]);
    });

  accountFlags(cmd.command('update <id>').description('Change an SMPP account').option('--system-id <systemId>', 'a new system_id'))
    .action(async (id: string, o: AccountFlags) => {
      const r = await client(o)('PATCH', `/api/v1/smpp-accounts/${encodeURIComponent(id)}`, bodyOf(o));
      print(o, r, () => [`${r.id}  ${r.systemId} updated`]);
    });

  withClientOptions(cmd.command('show <id>').description('Show an account and the sessions bound now'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('GET', `/api/v1/smpp-accounts/${encodeURIComponent(id)}`);
      print(o, r, () => [
        `${r.systemId}  binds ${r.bindTypes.join(',')}  max ${r.maxBinds}  tps ${r.tps}  window ${r.window}  ${r.enabled ? 'enabled' : 'disabled'}`,
        ...(r.lastError ? [`last refusal: ${r.lastError} (${r.lastErrorAt})`] : []),
        ...r.sessions.map((s: any) => `  ${s.bindType}  from ${s.address}  on ${s.node}  since ${s.boundAt}`),
      ]);
    });

  withClientOptions(cmd.command('delete <id>').description('Delete an SMPP account'))
    .action(async (id: string, o: ClientOptions) => {
      const r = await client(o)('DELETE', `/api/v1/smpp-accounts/${encodeURIComponent(id)}`);
      print(o, r, () => [`${r.id} deleted`]);
    });
  return cmd;
}
