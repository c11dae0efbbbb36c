// Entry point of the simulator as a separate process: `node --import tsx src/channels/simulator/main.ts --port 2775`.
import { parseArgs } from 'node:util';
import { runSimulatorProcess } from './process.ts';
import { isCarrierProtocol } from './protocols.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'control-port': { type: 'string' },
    config: { type: 'string' },
    'cmpp-port': { type: 'string' },
    protocol: { type: 'string', default: 'smpp' },
  },
});

if (!isCarrierProtocol(values.protocol)) {
  console.error(`unknown --protocol "${values.protocol}" (smpp, sgip or smgp)`);
  process.exit(2);
}
const running = await runSimulatorProcess({
  port: Number(values.port),
  host: values.host,
  controlPort: values['control-port'] === undefined ? undefined : Number(values['control-port']),
  config: values.config ? JSON.parse(values.config) : undefined,
  cmppPort: values['cmpp-port'] === undefined ? undefined : Number(values['cmpp-port']),
  protocol: values.protocol,
});
if (!process.send) {
  const control = running.controlPort === null ? '' : `, control http://${values.host}:${running.controlPort}`;
  const cmpp = running.cmppPort === null ? '' : `, CMPP on ${values.host}:${running.cmppPort}`;
  console.log(`simulator listening on ${values.host}:${running.port}${control}${cmpp}`);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void running.stop().then(() => process.exit(0)));
}
