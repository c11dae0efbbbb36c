import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { DomainError } from '../../domain/errors.ts';
import { tenantOf } from '../plugins/auth.ts';
import type { FastifyRequest } from 'fastify';
import type { CarriedMessage } from '../../channels/simulator/carriers.ts';

const protocols = ['smpp', 'cmpp', 'sgip', 'smgp'] as const;
const messageSchema = z.object({ from: z.string(), text: z.string(), receivedAt: z.string(), parts: z.number(), protocol: z.enum(protocols) });

/**
 * The virtual carrier's handsets (embedded mode): what each phone received, and sending a reply as a phone.
 * The handsets are shared by every tenant, so a tenant sees only numbers it messaged and only its own texts.
 */
export function simulatorRoutes(app: App, deps: Deps): void {
  const db = deps.store.db;
  /** The tenant's texts per number (null for platform admins, who see everything). */
  async function ownTexts(request: FastifyRequest, phone?: string): Promise<Map<string, Set<string>> | null> {
    if (request.auth!.role === 'platform' && !request.auth!.tenantId) return null;
    const rows = await db.selectFrom('messages').select(['phone', 'text']).where('tenant_id', '=', tenantOf(request))
      .where('status', '<>', 'excluded').$if(!!phone, (q) => q.where('phone', '=', phone!)).orderBy('id', 'desc').limit(5000).execute();
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const key = r.phone.replace(/^\+/, '');
      if (!out.has(key)) out.set(key, new Set());
      out.get(key)!.add(r.text);
    }
    return out;
  }
  const sim = () => {
    if (!deps.simulator) throw new DomainError('unavailable', 'the virtual carrier runs only in embedded mode (role all with TIDINGS_SIMULATOR=true)');
    return deps.simulator;
  };
  app.get('/api/v1/simulator/handsets', {
    schema: { tags: ['simulator'], summary: 'Numbers of virtual handsets that received messages', response: { 200: z.object({ handsets: z.array(z.string()) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const own = await ownTexts(request);
    return { handsets: sim().handsets().filter((n) => !own || own.has(n.replace(/^\+/, ''))) };
  });

  app.get('/api/v1/simulator/handsets/:number', {
    schema: { tags: ['simulator'], summary: 'What a virtual handset received (long messages reassembled)', params: z.object({ number: z.string() }), response: { 200: z.object({ number: z.string(), messages: z.array(messageSchema) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const number = request.params.number.replace(/^\+/, '');
    const own = await ownTexts(request, `+${number}`);
    const texts = own?.get(number);
    return {
      number: request.params.number,
      messages: sim().inbox(number).filter((m) => !own || texts?.has(m.text)).map((m) => ({ from: m.from, text: m.text, receivedAt: m.at.toISOString(), parts: m.parts, protocol: (m as Partial<CarriedMessage>).protocol ?? 'smpp' })),
    };
  });

  app.post('/api/v1/simulator/mo', {
    schema: { tags: ['simulator'], summary: 'Send a text from a virtual handset to a service number (an MO message)', body: z.object({ from: z.string().min(3).max(32), to: z.string().min(1).max(32), text: z.string().max(2000), protocol: z.enum(protocols).optional() }).strict(), response: { 202: z.object({ parts: z.number() }) } },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const b = request.body;
    if (request.auth!.role !== 'platform') {
      // A tenant may only reply as a handset it messaged, to the address its message came from.
      const phone = `+${b.from.replace(/\D/g, '')}`;
      const sent = await db.selectFrom('messages').select('sender').distinct().where('tenant_id', '=', tenantOf(request)).where('phone', '=', phone).where('status', '<>', 'excluded').execute();
      if (!sent.length) throw new DomainError('forbidden', `you have not messaged ${b.from}; a tenant can reply only as its own recipients`, { field: 'from' });
      if (!sent.some((r) => r.sender === null || r.sender === b.to)) throw new DomainError('forbidden', `${b.to} is not an address you messaged ${b.from} from`, { field: 'to' });
    }
    try {
      return reply.status(202).send({ parts: sim().sendMo(b) });
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw new DomainError('unavailable', (e as Error).message);
    }
  });
}
