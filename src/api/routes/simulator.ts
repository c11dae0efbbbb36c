import { z } from 'zod';
import type { App } from '../app.ts';
import type { Deps } from '../../deps.ts';
import { DomainError } from '../../domain/errors.ts';
import { tenantOf } from '../plugins/auth.ts';
import type { FastifyRequest } from 'fastify';
import { randomInt } from 'node:crypto';
import { resolveDestination } from '../../domain/inbound.ts';
import { loadAttributionTables, senderFor } from '../../store/repos/service-numbers.ts';
import { createHandset, numberUnused, ownsHandset, tenantHandsets } from '../../store/repos/handsets.ts';
import { moFrom } from '../../store/repos/inbound.ts';

/** How many virtual handsets one tenant may create. */
const maxHandsets = 20;
import type { CarriedMessage } from '../../channels/simulator/carriers.ts';

const protocols = ['smpp', 'cmpp', 'sgip', 'smgp'] as const;
const messageSchema = z.object({
  direction: z.enum(['received', 'sent']).describe('received by the handset, or sent by it (an MO as the platform stored it)'),
  from: z.string(), to: z.string().describe('the handset for a received message; the address an MO went to'),
  text: z.string(), receivedAt: z.string(), parts: z.number(), protocol: z.enum(protocols),
});
const protocolOf = (type: string | null | undefined) => (protocols as readonly string[]).includes(type ?? '') ? type as typeof protocols[number] : 'smpp';

/**
 * The virtual carrier's handsets (embedded mode): what each phone received, and sending a reply as a phone.
 * The handsets are shared by every tenant, so a tenant sees only numbers it messaged (or created) and only its own
 * texts. A tenant's user may create a handset of its own: the server picks a number no tenant knows (no contact,
 * message or MO anywhere; never one the user names, so nobody can pose as another tenant's customer or probe which
 * numbers others use), its MO belong to this tenant (attributed to it on a shared number) and it may never text another tenant's address.
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
  /** Whether an address is another tenant's (its dedicated number or its extension of a shared one). */
  async function othersAddress(tenantId: string, to: string): Promise<boolean> {
    const tables = await loadAttributionTables(db);
    const dest = resolveDestination(to, null, tables.numbers.map((n) => ({ ...n, channelId: null })), tables.tenantCodes, () => []);
    return (dest.kind === 'dedicated' || dest.kind === 'extension') && dest.tenantId !== tenantId;
  }
  app.get('/api/v1/simulator/handsets', {
    schema: { tags: ['simulator'], summary: 'Numbers of virtual handsets that received messages (and the tenant\'s own handsets)', response: { 200: z.object({ handsets: z.array(z.string()) }) } },
    config: { permission: 'read' },
  }, async (request) => {
    const own = await ownTexts(request);
    const created = own ? (await tenantHandsets(db, tenantOf(request))).map((n) => n.replace(/^\+/, '')) : [];
    const received = sim().handsets().filter((n) => !own || own.has(n.replace(/^\+/, '')));
    return { handsets: [...new Set([...created, ...received])] };
  });

  app.post('/api/v1/simulator/handsets', {
    schema: {
      tags: ['simulator'], summary: 'Create a virtual handset of this tenant (a number no tenant knows) to text the tenant\'s keywords from',
      response: { 201: z.object({ number: z.string(), to: z.string().nullable() }) },
    },
    config: { permission: 'send' },
  }, async (request, reply) => {
    sim();
    if (!request.auth!.tenantId) throw new DomainError('invalid_request', 'a virtual handset belongs to a tenant: use a tenant\'s key or log in as its user');
    const tenantId = tenantOf(request);
    if ((await tenantHandsets(db, tenantId)).length >= maxHandsets) throw new DomainError('invalid_request', `a tenant may create at most ${maxHandsets} virtual handsets`);
    for (let attempt = 0; attempt < 20; attempt++) {
      const phone = `+861390${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
      if (await numberUnused(db, phone) && await createHandset(db, tenantId, phone, deps.now().toISOString())) {
        return reply.status(201).send({ number: phone.slice(1), to: await senderFor(db, tenantId) });
      }
    }
    throw new DomainError('unavailable', 'no free number for a virtual handset was found; try again');
  });

  app.get('/api/v1/simulator/handsets/:number', {
    schema: {
      tags: ['simulator'], summary: 'What a virtual handset received (long messages reassembled) and what it sent (its MO to this tenant), oldest first',
      params: z.object({ number: z.string() }), response: { 200: z.object({ number: z.string(), messages: z.array(messageSchema) }) },
    },
    config: { permission: 'read' },
  }, async (request) => {
    const number = request.params.number.replace(/^\+/, '');
    const own = await ownTexts(request, `+${number}`);
    const texts = own?.get(number);
    const received = sim().inbox(number).filter((m) => !own || texts?.has(m.text)).map((m) => ({
      direction: 'received' as const, from: m.from, to: number, text: m.text, receivedAt: m.at.toISOString(), parts: m.parts, protocol: (m as Partial<CarriedMessage>).protocol ?? 'smpp',
    }));
    const sent = (await moFrom(db, `+${number}`, own ? tenantOf(request) : null)).map((m) => ({
      direction: 'sent' as const, from: number, to: m.to, text: m.text, receivedAt: m.receivedAt, parts: m.parts, protocol: protocolOf(m.channelType),
    }));
    return { number: request.params.number, messages: [...received, ...sent].sort((x, y) => x.receivedAt.localeCompare(y.receivedAt)) };
  });

  app.post('/api/v1/simulator/mo', {
    schema: { tags: ['simulator'], summary: 'Send a text from a virtual handset to a service number (an MO message)', body: z.object({ from: z.string().min(3).max(32), to: z.string().min(1).max(32), text: z.string().max(2000), protocol: z.enum(protocols).optional() }).strict(), response: { 202: z.object({ parts: z.number() }) } },
    config: { permission: 'send' },
  }, async (request, reply) => {
    const b = request.body;
    if (request.auth!.role !== 'platform') {
      const phone = `+${b.from.replace(/\D/g, '')}`;
      // A tenant's own handset never texts another tenant's address; else a tenant may only reply as a handset it
      // messaged, to the address its message came from.
      if (await ownsHandset(db, tenantOf(request), phone)) {
        if (await othersAddress(tenantOf(request), b.to)) throw new DomainError('forbidden', `${b.to} is another tenant's number: your virtual handset can text only your own addresses`, { field: 'to' });
      } else {
        const sent = await db.selectFrom('messages').select('sender').distinct().where('tenant_id', '=', tenantOf(request)).where('phone', '=', phone).where('status', '<>', 'excluded').execute();
        if (!sent.length) throw new DomainError('forbidden', `you have not messaged ${b.from}; a tenant can reply only as its own recipients (or create a virtual handset of its own)`, { field: 'from' });
        if (!sent.some((r) => r.sender === null || r.sender === b.to)) throw new DomainError('forbidden', `${b.to} is not an address you messaged ${b.from} from`, { field: 'to' });
      }
    }
    try {
      return reply.status(202).send({ parts: sim().sendMo(b) });
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw new DomainError('unavailable', (e as Error).message);
    }
  });
}
