import PgBoss from 'pg-boss';
import type { PoolClient } from 'pg';
import type { Logger } from '../logger';
import { migrateAlone } from '../db/database';

/** Queue names: one per kind of durable work. */
export const QUEUES = {
  webhookDelivery: 'webhook-delivery',
  callArtifacts: 'call-artifacts',
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

  /** This instance's workers per queue, so new work can wake them before their next poll. */
  private readonly workers = new Map<QueueName, string[]>();

  /**
   * Runs `handler` for each job of `name`: `workers` loops each take up to `batch` jobs at a time
   * and run them side by side. A job whose handler throws is failed alone (and retried by
   * pg-boss); `final` tells the handler this is its last try.
   */
  work<T extends object>(name: QueueName, handler: (data: T, final: boolean) => Promise<void>, options: { workers: number; batch: number }) {
    return this.workBatches<T>(name, async (jobs) => {
      await Promise.all(jobs.map(async (job) => {
        try {
          await handler(job.data, job.retryCount >= job.retryLimit);
        } catch (err) {
          await this.failed(name, job.id, err);
        }
      }));
    }, options);
  }

  /**
   * Runs `handler` for up to `batch` jobs of `name` at once, in `workers` loops, for work that
   * is cheaper done together (one statement for the batch). If it throws, the whole batch is
   * failed and retried by pg-boss: the handler must be idempotent per job.
   */
  workBatch<T extends object>(name: QueueName, handler: (data: T[]) => Promise<void>, options: { workers: number; batch: number }) {
    return this.workBatches<T>(name, async (jobs) => {
      try {
        await handler(jobs.map((j) => j.data));
      } catch (err) {
        await Promise.all(jobs.map((job) => this.failed(name, job.id, err)));
      }
    }, options);
  }

  /** A full batch fetches again at once instead of waiting for the next poll. */
  private async workBatches<T extends object>(name: QueueName, run: (jobs: PgBoss.JobWithMetadata<T>[]) => Promise<void>, options: { workers: number; batch: number }) {
    const ids: string[] = [];
    this.workers.set(name, ids);
    for (let i = 0; i < options.workers; i++) {
      const id: string = await this.boss.work<T>(name, { pollingIntervalSeconds: 0.5, batchSize: options.batch, includeMetadata: true }, async (jobs) => {
        await run(jobs);
        if (jobs.length === options.batch) this.boss.notifyWorker(id);
      });
      ids.push(id);
    }
  }

  private async failed(name: QueueName, jobId: string, err: unknown) {
    this.log.warn({ err, queue: name, jobId }, 'job failed; it will be retried');
    await this.boss.fail(name, jobId, { message: String((err as Error)?.message ?? err) }).catch(() => undefined);
  }

  /** Wakes this instance's workers of `name` (work was just queued here). */
  nudge(name: QueueName) {
    for (const id of this.workers.get(name) ?? []) this.boss.notifyWorker(id);
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
