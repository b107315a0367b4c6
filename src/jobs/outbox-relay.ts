import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { QUEUES, onClient, type Jobs } from './queue';
import { inPgTransaction } from './pg-client';
import { isoSql } from '../services/outbox';

const BATCH = 200;

/**
 * Moves committed outbox rows on: one transaction claims a batch (skip locked, so instances
 * share the work), creates a delivery per subscribed webhook with its job, and marks the rows
 * dispatched. A crash anywhere rolls the batch back for the next pass; nothing is lost, and the
 * unique (outbox row, webhook) pair keeps a replayed batch from delivering twice.
 */
export class OutboxRelay {
  constructor(private readonly pool: Pool, private readonly jobs: Jobs, private readonly log: Logger) {}

  async run(): Promise<number> {
    const dispatched = await inPgTransaction(this.pool, async (client) => {
      const { rows: events } = await client.query<{ id: string }>(
        `select id from outbox_events where dispatched_at is null order by inserted_at, id limit $1 for update skip locked`, [BATCH]);
      if (!events.length) return { events: 0, deliveries: 0 };
      const ids = events.map((e) => e.id);
      const { rows: deliveries } = await client.query<{ id: string }>(
        `insert into webhook_deliveries (id, tenant_id, webhook_id, outbox_id, event_type, body, next_attempt_at)
         select gen_random_uuid(), o.tenant_id, w.id, o.id, o.type,
                jsonb_build_object('type', o.type, 'timestamp', ${isoSql('o.inserted_at')},
                                   'data', o.payload)::text,
                now()
           from outbox_events o join webhooks w on w.tenant_id = o.tenant_id and w.active and (w.events ? o.type or w.events ? '*')
          where o.id = any($1::uuid[])
          order by o.inserted_at, o.id
         on conflict (outbox_id, webhook_id) do nothing
         returning id`,
        [ids],
      );
      for (const d of deliveries) await this.jobs.send(QUEUES.webhookDelivery, { deliveryId: d.id }, { db: onClient(client) });
      // A completed call on a plan with any after-call feature gets its artefacts made.
      const { rows: finished } = await client.query<{ call_id: string }>(
        `select o.subject_id as call_id from outbox_events o join company_settings s on s.tenant_id = o.tenant_id
          where o.id = any($1::uuid[]) and o.type = 'call.completed'
            and (s.features->>'recording' = 'true' or s.features->>'transcription' = 'true' or s.features->>'ai_summaries' = 'true')`,
        [ids],
      );
      for (const f of finished) {
        await this.jobs.send(QUEUES.callArtifacts, { callId: f.call_id }, { db: onClient(client), singletonKey: f.call_id });
      }
      await client.query('update outbox_events set dispatched_at = now() where id = any($1::uuid[])', [ids]);
      return { events: ids.length, deliveries: deliveries.length };
    });
    if (dispatched.deliveries) this.log.debug(dispatched, 'outbox dispatched');
    return dispatched.events;
  }

  /**
   * Deliveries that are due but have had no attempt for a while (their job was lost with a
   * failed transaction or exhausted its retries) get a new job; the claim in the handler keeps
   * a duplicate from sending twice.
   */
  async requeueStranded(): Promise<number> {
    const { rows } = await this.pool.query<{ id: string; attempts: number }>(
      `select id, attempts from webhook_deliveries
        where status = 'pending' and next_attempt_at < now() - interval '60 seconds'
          and (claimed_until is null or claimed_until < now()) limit 500`);
    for (const r of rows) {
      await this.jobs.send(QUEUES.webhookDelivery, { deliveryId: r.id }, { singletonKey: `${r.id}:${r.attempts}`, singletonSeconds: 60 });
    }
    return rows.length;
  }
}
