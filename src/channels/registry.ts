// The explicit list of channel types: one line per protocol, no side-effect registration.
import type { Channel } from './channel.ts';
import { CmppChannel } from './cmpp/client.ts';
import { parseCmppConfig } from './cmpp/config.ts';
import { SmppChannel } from './smpp/client.ts';
import { parseSmppConfig } from './smpp/config.ts';
import { SgipChannel } from './sgip/client.ts';
import { parseSgipConfig } from './sgip/config.ts';
import { SmgpChannel } from './smgp/client.ts';
import { parseSmgpConfig } from './smgp/config.ts';

/** Builds a channel from its (unvalidated) configuration; throws a ZodError naming the bad field. */
export type ChannelFactory = (config: unknown) => Channel;

/** Channel type → factory. CMPP / SGIP / SMGP are added here, one line each. */
export const channelTypes: Readonly<Record<string, ChannelFactory>> = {
  smpp: (config) => new SmppChannel(parseSmppConfig(config)),
  cmpp: (config) => new CmppChannel(parseCmppConfig(config)),
  sgip: (config) => new SgipChannel(parseSgipConfig(config)),
  smgp: (config) => new SmgpChannel(parseSmgpConfig(config)),
};

/** Creates a channel of the type named in its config; throws for an unknown type. */
export function createChannel(config: { type: string } & Record<string, unknown>): Channel {
  const factory = channelTypes[config.type];
  if (!factory) throw new Error(`unknown channel type "${config.type}" (known: ${Object.keys(channelTypes).join(', ')})`);
  return factory(config);
}
