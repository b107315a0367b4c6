import type { EventBus } from '../events/event-bus';
import { event } from '../events/catalog';
import { topics } from '../events/topics';
import type { Logger } from '../logger';
import type { IceCandidate, MediaGateway, MediaParticipant, SdpMessage, SupervisionMode } from './media-gateway';
import { Room, noTransportYet } from './room';
import { ROUTER_CODECS } from './sdp/rtp';
import type { MediaWorkers } from './workers';
import type { RecorderFactory } from '../recording/recorders';

export interface RoomCounts { rooms: number; transports: number; producers: number; consumers: number }

const noRooms = (): RoomCounts => ({ rooms: 0, transports: 0, producers: 0, consumers: 0 });

/**
 * The rooms of the calls whose media runs on this instance's workers. A room opens when the first
 * participant signals (or a supervisor starts supervising) and closes when the call ends
 * (`call_ended` on the bus, or the sweep finding the call over) or its worker dies.
 */
export class LocalMedia implements MediaGateway {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly unsubscribe = new Map<string, () => void>();
  private readonly closedListeners: Array<(callId: string) => void> = [];

  /** Recorders still finishing their files (a room closes at once; its captures take a few seconds). */
  private readonly recordings = new Set<Promise<void>>();

  constructor(
    readonly workers: MediaWorkers, private readonly bus: EventBus, private readonly log: Logger,
    private readonly recorderFor: RecorderFactory = async () => undefined,
  ) {}

  async signal(from: MediaParticipant, message: SdpMessage) {
    await (await this.open(from.callId)).signal(from, message);
  }

  async iceCandidate(from: MediaParticipant, candidate: IceCandidate) {
    const room = await this.existing(from.callId);
    if (!room) throw noTransportYet();
    await room.iceCandidate(from, candidate);
  }

  async mute(from: MediaParticipant, kind: 'audio' | 'video', muted: boolean) {
    await (await this.existing(from.callId))?.mute(from, kind, muted);
  }

  async participantLeft(who: MediaParticipant) {
    await (await this.existing(who.callId))?.leave(who.participantId);
  }

  async supervise(supervisor: MediaParticipant, mode: SupervisionMode | null) {
    if (!mode && !this.rooms.has(supervisor.callId)) return;
    await (await this.open(supervisor.callId)).supervise(supervisor.participantId, mode);
  }

  /** Closes the room of a call that is over; nothing if there is none here. */
  async end(callId: string) {
    (await this.existing(callId))?.close();
  }

  onRoomClosed(listener: (callId: string) => void) {
    this.closedListeners.push(listener);
  }

  /** The open room of a call on this instance (for stats and tests). */
  async room(callId: string): Promise<Room | undefined> {
    return this.existing(callId);
  }

  callIds() {
    return [...this.rooms.keys()];
  }

  /** Per worker index: its rooms, and their transports, producers and consumers (no worker is asked). */
  async counts(): Promise<Map<number, RoomCounts>> {
    const perWorker = new Map<number, RoomCounts>();
    for (const pending of this.rooms.values()) {
      const room = await pending.catch(() => undefined);
      if (!room || room.closed) continue;
      const index = (room.router.appData as { worker: number }).worker;
      const sum = perWorker.get(index) ?? noRooms();
      const c = room.counts();
      perWorker.set(index, { rooms: sum.rooms + 1, transports: sum.transports + c.transports, producers: sum.producers + c.producers, consumers: sum.consumers + c.consumers });
    }
    return perWorker;
  }

  /** The counts with each worker's pid and CPU since the previous report (asks every worker). */
  async stats() {
    const perWorker = await this.counts();
    return (await this.workers.usage()).map((w) => ({ ...w, ...(perWorker.get(w.index) ?? noRooms()) }));
  }

  async close() {
    for (const id of this.callIds()) await this.end(id);
    await Promise.all([...this.recordings]);
  }

  private async existing(callId: string): Promise<Room | undefined> {
    const room = await this.rooms.get(callId)?.catch(() => undefined);
    return room && !room.closed ? room : undefined;
  }

  private open(callId: string): Promise<Room> {
    let pending = this.rooms.get(callId);
    if (!pending) {
      pending = this.create(callId);
      this.rooms.set(callId, pending);
      pending.catch(() => this.rooms.get(callId) === pending && this.rooms.delete(callId));
    }
    return pending;
  }

  private async create(callId: string): Promise<Room> {
    const slot = this.workers.pick();
    const router = await slot.worker.createRouter({ mediaCodecs: ROUTER_CODECS, appData: { worker: slot.index, callId } });
    slot.rooms++;
    const recorder = await this.recorderFor(callId, router).catch((err) => {
      this.log.warn({ err, callId }, 'this call is not being recorded');
      return undefined;
    });
    const room = new Room(callId, router, slot.webRtcServer, {
      signal: (to, message) => this.bus.publish(event('call', callId, 'signal', message, { to })),
    });
    router.observer.once('close', () => {
      slot.rooms--;
      if (recorder) {
        const finishing = recorder.stop().catch((err) => this.log.warn({ err, callId }, 'a recording did not finish cleanly'));
        this.recordings.add(finishing);
        void finishing.finally(() => this.recordings.delete(finishing));
      }
      this.unsubscribe.get(callId)?.();
      this.unsubscribe.delete(callId);
      void this.rooms.get(callId)?.then((r) => r === room && this.rooms.delete(callId), () => undefined);
      for (const listener of this.closedListeners) listener(callId);
    });
    router.once('workerclose', () => {
      const participants = [...room.peers.keys()];
      room.close();
      this.log.warn({ callId, participants: participants.length }, 'call media lost with its worker');
      for (const to of participants) this.bus.publish(event('call', callId, 'media_reset', { reason: 'media server restarted: offer again' }, { to }));
    });
    this.unsubscribe.set(callId, this.bus.subscribe(topics.call(callId), (e) => {
      if (e.event === 'call_ended') room.close();
    }));
    return room;
  }
}
