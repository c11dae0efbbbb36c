import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { client, print, withClientOptions, type ClientOptions } from '../client.ts';
import { verifyAudit, type DrawAudit } from '../../services/lottery/rules.ts';

/** `tidings lottery …`: verify a draw's audit offline; fetch an audit or run a draw over the HTTP API. */
export function lotteryCommand(): Command {
  const cmd = new Command('lottery').description('SMS lottery: verify a draw from its audit (offline), fetch audits, run draws');

  cmd.command('verify <audit.json>').description('Recompute a draw from its audit file: seed against its hash, entry list against its hash, the winners (exit 1 on a mismatch)')
    .action((file: string) => {
      let audit: DrawAudit;
      try {
        audit = JSON.parse(readFileSync(file, 'utf8')) as DrawAudit;
      } catch (e) {
        process.stderr.write(`tidings: ${file} is not a readable audit JSON file: ${(e as Error).message}\n`);
        process.exit(2);
      }
      if (!audit || typeof audit !== 'object' || !Array.isArray(audit.entries) || !Array.isArray(audit.prizes) || !Array.isArray(audit.winners)) {
        process.stderr.write(`tidings: ${file} is not a draw audit (it needs entries, prizes and winners)\n`);
        process.exit(2);
      }
      const r = verifyAudit(audit);
      if (r.ok) {
        process.stdout.write(`OK: ${audit.algorithm}; seed matches its published hash; ${audit.entries.length} entries hash to ${audit.entriesHash}; ${r.winners.length} winner(s) recomputed identically${audit.allWin ? ' (fewer entries than prizes: every entry won)' : ''}\n`);
        for (const w of r.winners) process.stdout.write(`  ${w.prize}\t${w.entryId}\t${w.phone}\n`);
        return;
      }
      for (const p of r.problems) process.stdout.write(`${p}\n`);
      process.exit(1);
    });

  withClientOptions(cmd.command('audit <serviceId> <drawId>').description('Fetch the audit of a draw (write it with --out for `tidings lottery verify`)'))
    .addOption(new Option('--out <file>', 'write the audit JSON to this file'))
    .action(async (serviceId: string, drawId: string, o: ClientOptions & { out?: string }) => {
      const r = await client(o)('GET', `/api/v1/services/${encodeURIComponent(serviceId)}/draws/${encodeURIComponent(drawId)}/audit`);
      if (o.out) writeFileSync(o.out, `${JSON.stringify(r, null, 2)}\n`);
      print(o, r, () => [`${r.drawId} ${r.status} ${r.algorithm} seedHash ${r.seedHash} entries ${r.entryCount} winners ${r.winners.length}${o.out ? ` → ${o.out}` : ''}`]);
    });

  withClientOptions(cmd.command('draw <serviceId> <drawId>').description('Run a draw now (after its entry window closed)'))
    .action(async (serviceId: string, drawId: string, o: ClientOptions) => {
      const r = await client(o)('POST', `/api/v1/services/${encodeURIComponent(serviceId)}/draws/${encodeURIComponent(drawId)}/run`);
      print(o, r, () => [`${r.drawId} drawn: ${r.winners.length} winner(s) among ${r.entryCount} entries${r.allWin ? ' (every entry won)' : ''}`]);
    });
  return cmd;
}
