import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DomainError } from '../../domain/errors.ts';
import { runSimulatorProcess } from '../../channels/simulator/process.ts';
import { isCarrierProtocol } from '../../channels/simulator/protocols.ts';
import { DEFAULT_SIMULATOR_CONFIG, type SimulatorConfig } from '../../channels/simulator/config.ts';
import { jsonOption } from '../client.ts';

function port(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new DomainError('invalid_request', `${option} must be a port number 0–65535 (0 = any free port)`);
  return n;
}

/** --config: JSON text, or @file with JSON in it. */
function configOf(value: string | undefined): Partial<SimulatorConfig> | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (e) {
      throw new DomainError('invalid_request', `cannot read ${value.slice(1)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const config = jsonOption('--config', text);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new DomainError('invalid_request', '--config must be a JSON object');
  return config as Partial<SimulatorConfig>;
}

/** `tidings simulator --port N [--host H] [--control-port M] [--config JSON]`: the virtual carrier in the foreground until SIGINT/SIGTERM. */
export function simulatorCommand(): Command {
  return new Command('simulator')
    .description('Run the virtual carrier (an SMPP 3.4 SMSC with virtual handsets) in the foreground until Ctrl-C')
    .option('--port <port>', 'SMPP port (0 = any free port)', '2775')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--control-port <port>', 'also serve the HTTP control API here: GET /stats, POST /mo, POST /config (0 = any free port)')
    .option('--protocol <protocol>', 'smpp (an SMSC), sgip (a China Unicom SMG; set "callback" in --config) or smgp (a China Telecom SMGW)', 'smpp')
    .option('--config <json>', 'settings as JSON (or @file.json), e.g. \'{"outcomes":{"delivered":0.97,"undelivered":0.03},"receiptDelayMs":500}\'')
    .action(async (o: { port: string; host: string; controlPort?: string; config?: string; protocol: string }) => {
      const config = configOf(o.config);
      if (!isCarrierProtocol(o.protocol)) throw new DomainError('invalid_request', `--protocol must be smpp, sgip or smgp (not "${o.protocol}")`);
      const protocol = o.protocol;
      const opts = { port: port('--port', o.port), host: o.host, controlPort: o.controlPort === undefined ? undefined : port('--control-port', o.controlPort), config, protocol };
      let running: Awaited<ReturnType<typeof runSimulatorProcess>>;
      try {
        running = await runSimulatorProcess(opts);
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
        if (err.code) throw new DomainError('unavailable', `cannot listen on ${err.address ?? o.host}:${err.port ?? '?'}: ${err.code}`);
        throw e;
      }
      const accounts = config?.accounts ?? DEFAULT_SIMULATOR_CONFIG.accounts;
      const who = accounts.length ? accounts.map((a) => `system_id ${a.systemId}, password ${a.password}`).join('; ') : 'any system_id and password';
      const lines = [`virtual carrier: ${protocol.toUpperCase()} port ${running.port} on ${o.host} (${who})`];
      if (running.controlPort !== null) lines.push(`control port ${running.controlPort}: http://${o.host}:${running.controlPort} (GET /stats, POST /mo, POST /config)`);
      lines.push('stop with Ctrl-C');
      process.stdout.write(`${lines.join('\n')}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${signal}: stopping\n`);
        running.stop().then(() => process.exit(0), (err: unknown) => {
          process.stderr.write(`tidings: stopping the simulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
