import { Pool } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { every } from '../services/background';
import { WebhookDeliverer, attemptSeconds, type Outcome } from '../webhooks/deliverer';
import { Jobs, QUEUES } from './queue';
import { OutboxRelay } from './outbox-relay';

/**
 * The background side of an instance: the job queue, the outbox relay and the job handlers.
 * Started before the services (they enqueue), and set to work once the server is built.
 */
export async function startBackground(config: Config, databaseUrl: string, log: Logger) {
  const pool = new Pool({ connectionString: databaseUrl, max: 4, application_name: 'voki-background' });
  pool.on('error', (err) => log.warn({ err }, 'background database connection error'));
  const jobs = await Jobs.start(databaseUrl, {
    maintenanceSeconds: config.jobs.maintenanceSeconds,
    expireSeconds: { [QUEUES.webhookDelivery]: attemptSeconds(config.webhooks.timeoutMs) },
  }, log).catch(async (err) => {
    await pool.end();
    throw err;
  });
  const relay = new OutboxRelay(pool, jobs, log);
  const loops: Array<{ stop(): Promise<void> }> = [];
  let stopped: Promise<void> | undefined;
  return {
    jobs,
    async work(counted: (outcome: Outcome) => void) {
      const deliverer = new WebhookDeliverer(pool, jobs, config.webhooks, log, counted);
      await jobs.work<{ deliveryId: string }>(QUEUES.webhookDelivery, async ({ deliveryId }) => {
        await deliverer.attempt(deliveryId);
      }, 8);
      loops.push(
        every(config.jobs.outboxIntervalMs, async () => {
          // Drain a backlog in one tick rather than one batch per interval.
          while ((await relay.run()) > 0) { /* next batch */ }
        }, log, 'outbox relay'),
        every(30_000, () => relay.requeueStranded(), log, 'stranded deliveries sweep'),
      );
    },
    stop: () => (stopped ??= (async () => {
      await Promise.all(loops.map((l) => l.stop()));
      await jobs.stop().catch((err) => log.warn({ err }, 'job queue did not stop cleanly'));
      await pool.end();
    })()),
  };
}
