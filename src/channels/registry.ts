// The explicit list of channel types: one line per protocol, no side-effect registration.
import { countSegments } from '../domain/text.ts';
import type { Channel } from './channel.ts';
import { buildCmppMessage } from './cmpp/message.ts';
import { encodeGatewayText } from './session/china-gateway.ts';
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
  const factory = Object.hasOwn(channelTypes, config.type) ? channelTypes[config.type] : undefined;
  if (!factory) throw new Error(`unknown channel type "${config.type}" (known: ${Object.keys(channelTypes).join(', ')})`);
  return factory(config);
}

/** How many parts (the segments billed) a text takes on a channel: what the channel's submit sends, not SMPP's count. */
export type PartCounter = (text: string) => number;

/**
 * Channel type → the part counter of a channel with that (stored) configuration. SGIP and SMGP carry ASCII as
 * 8-bit octets (140 in one part, 134 with a UDH) where SMPP and CMPP Msg_Fmt 0 carry 160 / 153; GBK and UCS-2 by
 * the channel's Chinese format.
 */
export const partCounters: Readonly<Record<string, (config: unknown) => PartCounter>> = {
  smpp: () => countSegments,
  cmpp: (config) => {
    const c = parseCmppConfig(config);
    return (text) => buildCmppMessage(text, { chinese: c.chineseFormat, ref: 0, ref16: c.concat === 'udh16' }).parts.length;
  },
  sgip: (config) => {
    const c = parseSgipConfig(config);
    return (text) => encodeGatewayText(text, c.chineseFormat, 'gbk').parts.length;
  },
  smgp: (config) => {
    const c = parseSmgpConfig(config);
    return (text) => encodeGatewayText(text, c.chineseFormat, 'gb18030').parts.length;
  },
};

/** The part counter of a stored channel; SMPP's segment count for an unknown type or a config that does not parse. */
export function partCounter(type: string, config: unknown): PartCounter {
  try {
    return (Object.hasOwn(partCounters, type) ? partCounters[type](config) : undefined) ?? countSegments;
  } catch {
    return countSegments;
  }
}
