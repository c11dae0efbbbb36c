// Which protocol the virtual carrier speaks on a port: SMPP (the SMSC), SGIP (a Unicom SMG) or SMGP (a Telecom SMGW).
import type { SimulatorConfig } from './config.ts';
import { SgipSimulator, type SgipSimulatorConfig } from './sgip.ts';
import { Simulator } from './simulator.ts';
import { SmgpSimulator } from './smgp.ts';

/** The protocols the virtual carrier speaks. */
export type CarrierProtocol = 'smpp' | 'sgip' | 'smgp';

/** Whether a name is one of the protocols. */
export function isCarrierProtocol(name: string): name is CarrierProtocol {
  return name === 'smpp' || name === 'sgip' || name === 'smgp';
}

/** A virtual carrier of any protocol (the same control surface: stats, MO, configure, handsets). */
export type VirtualCarrier = Simulator | SgipSimulator | SmgpSimulator;

/** Builds the virtual carrier for a protocol (SGIP reads `callback` from the config: where the SP listens). */
export function createVirtualCarrier(protocol: CarrierProtocol, config: Partial<SgipSimulatorConfig> = {}): VirtualCarrier {
  if (protocol === 'sgip') return new SgipSimulator(config);
  if (protocol === 'smgp') return new SmgpSimulator(config as Partial<SimulatorConfig>);
  return new Simulator(config);
}
