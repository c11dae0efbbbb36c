import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { openStore } from '../src/store/dialect.ts';
import { migrate } from '../src/store/migrations/index.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { createContact, getContact } from '../src/store/repos/contacts.ts';
import { newId } from '../src/domain/ids.ts';
import { insertMessages, messageLog, recordOutcomes, takeMatchablePendingReceipts, type MessageEffect, type NewMessage, type Submitted } from '../src/store/repos/messages.ts';

function target(url: string) {
  return url.startsWith('sqlite:') ? { dialect: 'sqlite' as const, file: url.slice(7) } : { dialect: 'postgres' as const, url };
}

describe.each(testDatabases)('writing dispatch outcomes on $name', (database) => {
  it('writes a message reported before its submit was stored in one update, and matches a late report through its stored carrier id', async () => {
    const created = await database.create();
    const store = openStore(target(created.url));
    try {
      await migrate(store.db);
      const t = await createTenant(store.db, { slug: 'outcomes' });
      const now = new Date().toISOString();
      const message = (phone: string): NewMessage => ({
        id: newId(), tenantId: t.id, campaignId: 'c1', contactId: null, phone, sender: null, text: 'hi', category: 'notification', priority: 1, status: 'queued',
        reason: null, segments: 1, price: 5n, channelId: 'ch', routeId: null, carrier: null, region: null, notBefore: null, createdAt: now, lease: { owner: 'me', until: now },
      });
      const [early, late, twice, retry] = [message('+8613800000001'), message('+8613800000002'), message('+8613800000002'), message('+8613800000003')];
      const contact = await createContact(store.db, t.id, { phone: early.phone }, now);
      early.contactId = contact.id;
      const skipped = await store.db.transaction().execute((trx) => insertMessages(trx, store, [early, late, twice, retry]));
      expect([...skipped]).toEqual([twice.id]);
      const effect: MessageEffect = { id: early.id, tenantId: t.id, campaignId: 'c1', phone: early.phone, status: 'delivered', price: 5n, segments: 1, error: null, stat: 'DELIVRD', doneAt: now, final: true };
      const submit = (id: string, carrierId: string, done: boolean): Submitted => ({
        id, channelId: 'ch', carrierIds: [carrierId], at: now, contactId: id === early.id ? contact.id : null, status: done ? 'delivered' : 'submitted', partsDone: done ? 1 : 0, stat: done ? 'DELIVRD' : null,
        err: null, doneAt: done ? now : null, log: `${now} → submit_sm seq=1 password=***\n${now} ← submit_sm_resp seq=1 id=${carrierId}`, effect: done ? effect : null,
      });
      const report = { channelId: 'ch', carrierId: 'B', status: 'delivered', stat: 'DELIVRD', err: '000', doneAt: now, receivedAt: now };
      // the report of `late` comes before its carrier id is stored: it waits in pending_receipts
      expect(await recordOutcomes(store, { submitted: [submit(early.id, 'A', true)], requeued: [], finished: [], receipts: [report] })).toEqual([effect]);
      expect((await getContact(store.db, t.id, contact.id))?.lastMessagedAt).toBe(now);
      expect(await recordOutcomes(store, { submitted: [submit(late.id, 'B', false)], requeued: [], finished: [], receipts: [] })).toEqual([]);
      const ready = await takeMatchablePendingReceipts(store);
      expect(ready).toHaveLength(1);
      const [lateEffect] = await recordOutcomes(store, { submitted: [], requeued: [], finished: [], receipts: ready });
      expect(lateEffect).toMatchObject({ id: late.id, status: 'delivered', final: true, price: 5n });
      const rows = await store.db.selectFrom('messages').select(['id', 'status', 'parts_done', 'done_at', 'carrier_ids', 'lease_owner', 'submitted_by']).where('id', '<>', retry.id).orderBy('phone').execute();
      // the lease owner that wrote the submit is kept as the node that sent it
      expect(rows.map((r) => [r.status, r.parts_done, r.carrier_ids, r.lease_owner, r.submitted_by, !!r.done_at])).toEqual([['delivered', 1, 'A', null, 'me', true], ['delivered', 1, 'B', null, 'me', true]]);
      // a message finished in its first write needs no stored carrier id; one finished later keeps it
      expect((await store.db.selectFrom('carrier_ids').select('carrier_id').execute()).map((r) => r.carrier_id)).toEqual(['B']);
      // a repeated report changes nothing
      expect(await recordOutcomes(store, { submitted: [], requeued: [], finished: [], receipts: [report] })).toEqual([]);
      expect(await messageLog(store.db, early.id)).toEqual([
        { at: now, direction: 'out', summary: 'submit_sm seq=1 password=***' },
        { at: now, direction: 'in', summary: 'submit_sm_resp seq=1 id=A' },
      ]);
      // each attempt appends its lines to the log written before
      for (const n of [1, 2]) await recordOutcomes(store, { submitted: [], requeued: [{ id: retry.id, notBefore: now, error: 'throttled', log: `${now} ← submit_sm_resp seq=${n} status=ESME_RTHROTTLED` }], finished: [], receipts: [] });
      expect((await messageLog(store.db, retry.id)).map((e) => e.summary)).toEqual(['submit_sm_resp seq=1 status=ESME_RTHROTTLED', 'submit_sm_resp seq=2 status=ESME_RTHROTTLED']);
      expect(await store.db.selectFrom('messages').select(['status', 'lease_owner', 'error']).where('id', '=', retry.id).executeTakeFirst()).toEqual({ status: 'queued', lease_owner: null, error: 'throttled' });
    } finally {
      await store.close();
      await created.drop();
    }
  });
  it('keeps the carrier status of the part report that set a long message\'s status (a milder later report does not overwrite it)', async () => {
    const created = await database.create();
    const store = openStore(target(created.url));
    try {
      await migrate(store.db);
      const t = await createTenant(store.db, { slug: 'parts' });
      const now = new Date().toISOString();
      const message = (phone: string): NewMessage => ({
        id: newId(), tenantId: t.id, campaignId: 'c2', contactId: null, phone, sender: null, text: 'long', category: 'notification', priority: 1, status: 'queued',
        reason: null, segments: 2, price: 10n, channelId: 'ch', routeId: null, carrier: null, region: null, notBefore: null, createdAt: now, lease: { owner: 'me', until: now },
      });
      const [a, b] = [message('+8613800000011'), message('+8613800000012')];
      await store.db.transaction().execute((trx) => insertMessages(trx, store, [a, b]));
      const submit = (id: string, ids: string[]): Submitted => ({ id, channelId: 'ch', carrierIds: ids, at: now, contactId: null, status: 'submitted', partsDone: 0, stat: null, err: null, doneAt: null, log: null, effect: null });
      await recordOutcomes(store, { submitted: [submit(a.id, ['a1', 'a2']), submit(b.id, ['b1', 'b2'])], requeued: [], finished: [], receipts: [] });
      const report = (carrierId: string, status: string, stat: string, err: string) => ({ channelId: 'ch', carrierId, status, stat, err, doneAt: now, receivedAt: now });
      // a: undelivered, then its second part expired; b: delivered, then expired
      await recordOutcomes(store, { submitted: [], requeued: [], finished: [], receipts: [report('a1', 'undelivered', 'UNDELIV', '011'), report('b1', 'delivered', 'DELIVRD', '000')] });
      await recordOutcomes(store, { submitted: [], requeued: [], finished: [], receipts: [report('a2', 'expired', 'EXPIRED', '099'), report('b2', 'expired', 'EXPIRED', '099')] });
      const rows = await store.db.selectFrom('messages').select(['phone', 'status', 'carrier_stat', 'carrier_err']).where('campaign_id', '=', 'c2').orderBy('phone').execute();
      expect(rows.map((r) => [r.status, r.carrier_stat, r.carrier_err])).toEqual([['undelivered', 'UNDELIV', '011'], ['expired', 'EXPIRED', '099']]);
    } finally {
      await store.close();
      await created.drop();
    }
  });
});
