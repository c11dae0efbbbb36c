import { Command, Option } from 'commander';
import { loadConfig } from '../../config.ts';
import { startNode } from '../../server.ts';

/** `tidings start [--role all|api|worker] [--port N]`: runs a node until SIGINT/SIGTERM. */
export function startCommand(): Command {
  return new Command('start')
    .description('start a node: API + console + worker + virtual carrier (role all), or only api / worker')
    .addOption(new Option('--role <role>', 'what this node runs').choices(['all', 'api', 'worker']))
    .option('--port <port>', 'HTTP port (default PORT or 3000)')
    .action(async (opts: { role?: string; port?: string }) => {
      const config = loadConfig(process.env, { role: opts.role, port: opts.port });
      const node = await startNode(config);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        node.deps.log.info({ signal }, 'stopping');
        await node.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
