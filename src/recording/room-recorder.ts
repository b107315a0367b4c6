import { randomUUID } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../logger';
import { Capture, captureSdp, freePortPair } from './capture';

/** Where segments are written down (the database), so the after-call job finds them on any instance. */
export interface SegmentStore {
  started(segment: { id: string; tenantId: string; callId: string; participantId: string; role: string; kind: string; path: string }): Promise<void>;
  /** The capture at `path` (relative to DATA_DIR) is complete. */
  ended(id: string, at: Date, path: string): Promise<void>;
}

interface Live { segmentId: string; capture: Capture; transport: types.PlainTransport }

/** ffmpeg ends a capture this long after its last packet (see Capture). */
const IDLE_END_MS = 10_000;

/**
 * Records every producer of one call's router while the call lasts: each producer gets a
 * PlainTransport on loopback, a consumer and an ffmpeg capture (no re-encoding). A producer
 * paused long enough ends its capture; when it resumes a new segment starts, so the composer
 * places each piece at its own time.
 */
export class RoomRecorder {
  private readonly live = new Map<string, Live>();
  private readonly writes = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly router: types.Router,
    private readonly call: { id: string; tenantId: string },
    private readonly dataDir: string,
    private readonly store: SegmentStore,
    private readonly log: Logger,
  ) {
    router.observer.on('newtransport', (transport) => {
      if ((transport.appData as { recording?: boolean }).recording) return;
      transport.observer.on('newproducer', (producer) => this.follow(producer));
    });
  }

  /** Ends every capture and waits for the files to be complete. */
  async stop() {
    this.stopping = true;
    await Promise.all([...this.live.values()].map((l) => l.capture.stop()));
    await Promise.all([...this.writes]);
  }

  private follow(producer: types.Producer) {
    const start = () => this.track(this.startSegment(producer).catch((err) => this.log.warn({ err, callId: this.call.id }, 'a recording segment did not start')));
    start();
    producer.observer.on('resume', () => {
      if (!this.live.has(producer.id)) start();
    });
    producer.observer.once('close', () => void this.live.get(producer.id)?.capture.stop());
  }

  private async startSegment(producer: types.Producer) {
    if (producer.closed || this.stopping || this.live.has(producer.id)) return;
    const { participantId, role } = producer.appData as { participantId: string; role: string };
    const segmentId = randomUUID();
    const relative = join('recordings', this.call.tenantId, this.call.id, `${segmentId}.mkv`);
    const absolute = join(this.dataDir, relative);
    await mkdir(join(this.dataDir, 'recordings', this.call.tenantId, this.call.id), { recursive: true });
    const port = await freePortPair();
    const transport = await this.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false, appData: { recording: true },
    });
    await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: this.router.rtpCapabilities, paused: true });
    const capture = await Capture.start(absolute.replace(/\.mkv$/, '.sdp'), captureSdp(consumer, port), absolute);
    this.live.set(producer.id, { segmentId, capture, transport });
    await this.store.started({ id: segmentId, tenantId: this.call.tenantId, callId: this.call.id, participantId, role, kind: producer.kind, path: relative });
    this.track(capture.exited.then(async () => {
      this.live.delete(producer.id);
      transport.close();
      await unlink(absolute.replace(/\.mkv$/, '.sdp')).catch(() => undefined);
      await this.store.ended(segmentId, capture.stoppedAt ?? new Date(Date.now() - IDLE_END_MS), relative);
    }).catch((err) => this.log.warn({ err, segmentId }, 'a recording segment did not end cleanly')));
    // ffmpeg binds its port as it starts; media is let through once it can listen, from a key frame.
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (consumer.closed) return;
    await consumer.resume();
    if (consumer.kind === 'video') for (const delay of [0, 500, 1500]) setTimeout(() => !consumer.closed && consumer.requestKeyFrame().catch(() => undefined), delay);
  }

  private track(work: Promise<unknown>) {
    this.writes.add(work);
    void work.finally(() => this.writes.delete(work));
  }
}
