import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../logger';
import { every } from '../services/background';
import { NoMediaGateway, type MediaGateway } from './media-gateway';
import type { Redis } from 'ioredis';
import { LocalMedia } from './local-media';
import { RoutedMedia } from './routed-media';
import { MediaWorkers } from './workers';
import { recorders } from '../recording/recorders';
import type { Storage } from '../storage';

export interface Media {
  gateway: MediaGateway;
  /** The rooms on this instance's workers; absent when media is unavailable. */
  local?: LocalMedia;
  status: 'ok' | 'unavailable';
  close(): Promise<void>;
}

const SWEEP_MS = 10_000;

/**
 * Starts this instance's media workers. If they cannot start (no worker binary, no ports), the
 * server runs without media: it says so in the log and in /health, and `signal` is refused.
 */
export async function startMedia(
  config: Config, bus: EventBus, fork: () => EntityManager, storage: Storage, log: Logger, cluster?: { redis: Redis; instanceId: string },
): Promise<Media> {
  const none = (): Media => ({ gateway: new NoMediaGateway(), status: 'unavailable', close: async () => undefined });
  if (!config.media.enabled) {
    log.info('media disabled (MEDIA=off)');
    return none();
  }
  let workers: MediaWorkers;
  try {
    workers = await MediaWorkers.start(config.media, log);
  } catch (error) {
    log.warn({ err: String((error as Error)?.message ?? error) }, 'media unavailable: the server runs without video (see README, "The media worker")');
    return none();
  }
  const local = new LocalMedia(workers, bus, log, recorders(fork, config.dataDir, storage, log));
  const routed = cluster ? new RoutedMedia(local, cluster.redis, bus, cluster.instanceId, log) : undefined;
  // call_ended travels the at-most-once bus; the sweep closes the rooms of calls that ended unheard.
  const sweep = every(SWEEP_MS, async () => {
    const ids = local.callIds();
    if (!ids.length) return;
    const live = await fork().getConnection()
      .execute<Array<{ id: string }>>(`select id from calls where status in ('assigned', 'active') and id in (${ids.map(() => '?').join(', ')})`, ids, 'all');
    const keep = new Set(live.map((r) => r.id));
    for (const id of ids) if (!keep.has(id)) await local.end(id);
  }, log, 'media room sweep');
  const report = () => void local.stats().then((w) => log.info({ workers: w }, 'media workers'), () => undefined);
  process.on('SIGUSR2', report);
  report();
  return {
    gateway: routed ?? local,
    local,
    status: 'ok',
    async close() {
      process.off('SIGUSR2', report);
      await sweep.stop();
      routed?.close();
      await local.close();
      await workers.close();
    },
  };
}
