import type { types } from 'mediasoup';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { mediasoup } from './mediasoup';

export interface MediaSettings {
  /** How many mediasoup workers (processes); default one per core. */
  workers: number;
  /** Address the WebRtcServers listen on. */
  listenIp: string;
  /** Address put in ICE candidates (the public address behind NAT); default the listen address. */
  announcedAddress?: string;
  /** Worker i listens on UDP and TCP port `port + i`; 0 lets each pick a free port. */
  port: number;
}

/** One worker process and the WebRtcServer every transport of its routers shares (one UDP and one TCP port). */
export interface MediaWorker {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Rooms (routers) placed on it, for least-loaded placement. */
  rooms: number;
  cpu: { at: number; ms: number };
}

const RESTART_DELAY_MS = 500;

/**
 * The mediasoup workers of this instance. A worker that dies is logged, its rooms are told
 * (their routers emit `workerclose`), and it is replaced on the same ports.
 */
export class MediaWorkers {
  private readonly slots: Array<MediaWorker | undefined>;
  private stopped = false;

  private constructor(private readonly settings: MediaSettings, private readonly log: Logger) {
    this.slots = new Array(Math.max(1, settings.workers)).fill(undefined);
  }

  /** Starts every worker; rejects if none can start (then the server runs without media). */
  static async start(settings: MediaSettings, log: Logger): Promise<MediaWorkers> {
    const pool = new MediaWorkers(settings, log);
    const started = await Promise.allSettled(pool.slots.map((_, i) => pool.launch(i)));
    const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === started.length) {
      await pool.close();
      throw failed[0].reason;
    }
    for (const f of failed) log.warn({ err: String(f.reason) }, 'a media worker did not start');
    return pool;
  }

  /** The live worker with the fewest rooms. */
  pick(): MediaWorker {
    const live = this.slots.filter((s): s is MediaWorker => !!s && !s.worker.closed);
    if (!live.length) throw new AppError('SERVICE_UNAVAILABLE', 'Media server not available');
    return live.reduce((a, b) => (b.rooms < a.rooms ? b : a));
  }

  /** Per worker: pid, ports, rooms, and CPU (% of one core since the previous call). */
  async usage() {
    return Promise.all(this.slots.filter((s): s is MediaWorker => !!s && !s.worker.closed).map(async (s) => {
      const ru = await s.worker.getResourceUsage();
      const ms = ru.ru_utime + ru.ru_stime;
      const now = Date.now();
      const cpu = now > s.cpu.at ? Math.round(((ms - s.cpu.ms) / (now - s.cpu.at)) * 1000) / 10 : 0;
      s.cpu = { at: now, ms };
      return { index: s.index, pid: s.worker.pid, rooms: s.rooms, cpu_percent: cpu, max_rss_kb: ru.ru_maxrss };
    }));
  }

  get size() {
    return this.slots.filter((s) => s && !s.worker.closed).length;
  }

  async close() {
    this.stopped = true;
    for (const s of this.slots) s?.worker.close();
  }

  private async launch(index: number): Promise<void> {
    const worker = await mediasoup().createWorker({ logLevel: 'warn', disableLiburing: true });
    try {
      const port = this.settings.port ? this.settings.port + index : undefined;
      const info = (protocol: 'udp' | 'tcp') => ({
        protocol, ip: this.settings.listenIp, port, announcedAddress: this.settings.announcedAddress || undefined,
      });
      const webRtcServer = await worker.createWebRtcServer({ listenInfos: [info('udp'), info('tcp')] });
      const slot: MediaWorker = { index, worker, webRtcServer, rooms: 0, cpu: { at: Date.now(), ms: 0 } };
      this.slots[index] = slot;
      worker.on('died', (error) => this.died(slot, error));
      const ports = (await webRtcServer.dump()).udpSockets?.map((u) => u.port) ?? [];
      this.log.info({ worker: index, pid: worker.pid, udp: ports, listen: this.settings.listenIp, announced: this.settings.announcedAddress ?? null }, 'media worker started');
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  private died(slot: MediaWorker, error: Error) {
    this.log.error({ worker: slot.index, pid: slot.worker.pid, err: error.message, rooms: slot.rooms }, 'media worker died; its calls lose media until they offer again');
    if (this.slots[slot.index] === slot) this.slots[slot.index] = undefined;
    const retry = (delay: number) => setTimeout(() => {
      if (this.stopped) return;
      this.launch(slot.index).catch((err) => {
        this.log.error({ worker: slot.index, err: String(err) }, 'media worker could not be replaced; retrying');
        retry(Math.min(delay * 2, 30_000));
      });
    }, delay).unref();
    retry(RESTART_DELAY_MS);
  }
}
