import PgBoss from 'pg-boss';
import type { PoolClient } from 'pg';
import type { Logger } from '../logger';
import { migrateAlone } from '../db/database';

/** Queue names: one per kind of durable work. */
export const QUEUES = {
  webhookDelivery: 'webhook-delivery',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A pg-boss command run on a connection the caller holds, inside the caller's transaction. */
export const onClient = (client: PoolClient): PgBoss.Db => ({ executeSql: (text, values) => client.query(text, values) });

export interface JobSettings {
  maintenanceSeconds: number;
  /** Seconds a job may stay active before pg-boss takes it for dead and retries it. */
  expireSeconds: Record<QueueName, number>;
}

/**
 * Durable work in PostgreSQL (pg-boss, its own schema `pgboss`): any instance picks a job up, a
 * job whose worker died (SIGKILL, lost machine) expires and is retried, and a restart resumes
 * what was queued. Handlers are idempotent: each checks the state it is about to change.
 */
export class Jobs {
  private constructor(readonly boss: PgBoss, private readonly log: Logger) {}

  static async start(url: string, settings: JobSettings, log: Logger): Promise<Jobs> {
    const boss = new PgBoss({
      connectionString: url, schema: 'pgboss', max: 4, application_name: 'voki-jobs',
      maintenanceIntervalSeconds: settings.maintenanceSeconds, monitorStateIntervalSeconds: 60,
    });
    boss.on('error', (err) => log.warn({ err }, 'job queue error'));
    // pg-boss's own schema set-up deadlocks when two instances run it at once on a fresh database.
    await migrateAlone(url, async () => {
      await boss.start();
      for (const name of Object.values(QUEUES)) {
        // Retries here only catch a worker that died mid-job; the handlers schedule their own retries.
        const options = { name, retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: settings.expireSeconds[name] };
        if (await boss.getQueue(name)) await boss.updateQueue(name, options);
        else await boss.createQueue(name, options);
      }
    });
    return new Jobs(boss, log);
  }

  send(name: QueueName, data: object, options: PgBoss.SendOptions = {}) {
    return this.boss.send(name, data, options);
  }

  /** Runs `handler` for each job of `name`, a few at a time; a handler that throws is retried. */
  async work<T extends object>(name: QueueName, handler: (data: T) => Promise<void>, concurrency = 4) {
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<T>(name, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
        try {
          await handler(job.data);
        } catch (err) {
          this.log.warn({ err, queue: name, jobId: job.id }, 'job failed; it will be retried');
          throw err;
        }
      });
    }
  }

  /** Jobs waiting or running, per queue (for /metrics). */
  async depth(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of Object.values(QUEUES)) out[name] = await this.boss.getQueueSize(name);
    return out;
  }

  async stop() {
    await this.boss.stop({ graceful: true, timeout: 5000, wait: true });
  }
}
