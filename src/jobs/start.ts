import { Pool } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { every } from '../services/background';
import { WebhookDeliverer, attemptSeconds, type Outcome } from '../webhooks/deliverer';
import { Jobs, QUEUES } from './queue';
import { OutboxRelay } from './outbox-relay';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Storage } from '../storage';
import { ArtifactPipeline, NotYet } from '../artifacts/pipeline';
import { localTranscription, openAiTranscription } from '../artifacts/transcription';
import { localSummary, openAiSummary } from '../artifacts/summary';

/**
 * The background side of an instance: the job queue, the outbox relay and the job handlers.
 * Started before the services (they enqueue), and set to work once the server is built.
 */
const transcriptionProvider = ({ providers: { transcription: t } }: Config) =>
  t.name === 'openai' ? openAiTranscription(t.baseUrl, t.apiKey, t.model) : t.name === 'local' ? localTranscription() : undefined;
const summaryProvider = ({ providers: { summary: s } }: Config) =>
  s.name === 'openai' ? openAiSummary(s.baseUrl, s.apiKey, s.model) : s.name === 'local' ? localSummary() : undefined;

export async function startBackground(config: Config, databaseUrl: string, fork: () => EntityManager, storage: Storage, log: Logger) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'voki-background' });
  pool.on('error', (err) => log.warn({ err }, 'background database connection error'));
  const jobs = await Jobs.start(databaseUrl, {
    maintenanceSeconds: config.jobs.maintenanceSeconds,
    expireSeconds: { [QUEUES.webhookDelivery]: attemptSeconds(config.webhooks.timeoutMs), [QUEUES.callArtifacts]: 900 },
  }, log).catch(async (err) => {
    await pool.end();
    throw err;
  });
  const relay = new OutboxRelay(pool, jobs, log);
  const loops: Array<{ stop(): Promise<void> }> = [];
  let deliverer: WebhookDeliverer | undefined;
  let stopped: Promise<void> | undefined;
  return {
    jobs,
    async work(counted: (outcome: Outcome) => void) {
      const webhooks = new WebhookDeliverer(pool, jobs, config.webhooks, log, counted);
      deliverer = webhooks;
      await jobs.workBatch<{ deliveryId: string }>(QUEUES.webhookDelivery, async (batch) => {
        await webhooks.attempt(batch.map((j) => j.deliveryId));
      }, { workers: 2, batch: 8 });
      const pipeline = new ArtifactPipeline(fork, config.dataDir, storage, transcriptionProvider(config), summaryProvider(config), log);
      await jobs.work<{ callId: string }>(QUEUES.callArtifacts, async ({ callId }, final) => {
        try {
          await pipeline.run(callId, final);
        } catch (err) {
          if (!(err instanceof NotYet)) throw err;
          await jobs.send(QUEUES.callArtifacts, { callId }, { startAfter: 5 });
        }
      }, { workers: 1, batch: 2 });
      loops.push(
        every(config.jobs.outboxIntervalMs, async () => {
          // Drain a backlog in one tick rather than one batch per interval.
          let moved = 0;
          for (let n = await relay.run(); n > 0; n = await relay.run()) moved += n;
          if (moved) jobs.nudge(QUEUES.webhookDelivery);
        }, log, 'outbox relay'),
        every(30_000, () => relay.requeueStranded(), log, 'stranded deliveries sweep'),
      );
    },
    stop: () => (stopped ??= (async () => {
      await Promise.all(loops.map((l) => l.stop()));
      await jobs.stop().catch((err) => log.warn({ err }, 'job queue did not stop cleanly'));
      deliverer?.close();
      await pool.end();
    })()),
  };
}
