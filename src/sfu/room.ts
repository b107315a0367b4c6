import type { types } from 'mediasoup';
import { AppError, conflict, forbidden, invalid } from '../errors';
import type { IceCandidate, MediaParticipant, SdpMessage, SupervisionMode } from './media-gateway';
import { Peer, type PeerRole } from './peer';
import { parseRemote } from './sdp/remote';

export interface RoomOutput {
  /** An SDP for one participant (the SFU's answer or a new offer). */
  signal(participantId: string, message: SdpMessage): void;
}

/** Signalling operations a room queues before it refuses more (a client flooding offers). */
const MAX_QUEUED = 32;

const mediaEnded = () => conflict('this call’s media has ended');

/** A candidate from someone who has not offered yet, in this room or in none. */
export const noTransportYet = () => invalid({ candidate: ['there is no transport for you yet: send an offer first'] });

/**
 * One call's media: its Router and every participant's Peer. The room owns them (closing the
 * room closes the router, which closes transports, producers and consumers) and decides who
 * receives whom: customer and agent each other; a supervisor both of them; the supervisor's
 * audio reaches the agent when whispering and both when barging (CONTRACT §7).
 */
export class Room {
  readonly peers = new Map<string, Peer>();
  readonly supervisors = new Map<string, SupervisionMode>();
  closed = false;
  private chain: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(
    readonly callId: string,
    readonly router: types.Router,
    private readonly webRtcServer: types.WebRtcServer,
    private readonly out: RoomOutput,
  ) {}

  signal(who: MediaParticipant, message: SdpMessage): Promise<void> {
    const remote = parseRemote(message.type, message.sdp);
    return this.run(async () => {
      const seat = this.seatOf(who);
      let peer = this.peers.get(who.participantId);
      if (remote.type === 'answer') {
        if (!peer) throw invalid({ sdp: ['there is no offer of the SFU to answer: send an offer first'] });
        await peer.acceptAnswer(remote);
        if (peer.stale) this.renegotiate(peer);
        return;
      }
      if (peer?.isNewConnection(remote)) {
        this.dropPeer(who.participantId);
        peer = undefined;
      }
      if (!peer) {
        const transport = await this.router.createWebRtcTransport({ webRtcServer: this.webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true });
        peer = new Peer(who.participantId, seat, transport, this.router.rtpCapabilities.headerExtensions ?? []);
        this.peers.set(who.participantId, peer);
      }
      try {
        this.out.signal(who.participantId, { type: 'answer', sdp: await peer.acceptOffer(remote) });
      } catch (error) {
        if (!peer.capabilities) this.dropPeer(who.participantId);
        // mediasoup refusing what the SDP asked for (a fingerprint, a parameter) is the SDP's fault.
        throw error instanceof AppError ? error : invalid({ sdp: [`cannot be used: ${(error as Error).message}`] });
      }
      await this.reconcile();
    });
  }

  /** The SFU is ICE-lite: it learns the client's addresses from its checks, so a candidate is only checked for sense. */
  iceCandidate(who: MediaParticipant, candidate: IceCandidate): Promise<void> {
    return this.run(async () => {
      const peer = this.peers.get(who.participantId);
      if (!peer) throw noTransportYet();
      const known = candidate.sdpMid != null ? peer.slots.some((s) => s.mid === String(candidate.sdpMid))
        : candidate.sdpMLineIndex != null ? candidate.sdpMLineIndex >= 0 && candidate.sdpMLineIndex < peer.slots.length : true;
      if (!known) throw invalid({ candidate: ['names a media section (sdpMid/sdpMLineIndex) that was never negotiated'] });
    });
  }

  mute(who: MediaParticipant, kind: 'audio' | 'video', muted: boolean): Promise<void> {
    return this.run(async () => {
      const producer = this.peers.get(who.participantId)?.producerOf(kind);
      if (producer) await (muted ? producer.pause() : producer.resume());
    });
  }

  supervise(supervisorId: string, mode: SupervisionMode | null): Promise<void> {
    return this.run(async () => {
      if (mode) this.supervisors.set(supervisorId, mode);
      else {
        this.supervisors.delete(supervisorId);
        this.dropPeer(supervisorId);
      }
      await this.reconcile();
    });
  }

  leave(participantId: string): Promise<void> {
    return this.run(async () => {
      this.supervisors.delete(participantId);
      if (this.dropPeer(participantId)) await this.reconcile();
    });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) peer.close();
    this.router.close();
  }

  counts() {
    let producers = 0;
    let consumers = 0;
    for (const p of this.peers.values()) {
      producers += p.producers.size;
      consumers += p.consumers.size;
    }
    return { transports: this.peers.size, producers, consumers };
  }

  private seatOf(who: MediaParticipant): PeerRole {
    const seat = who.seat ?? (who.role === 'customer' ? 'customer' : 'supervisor');
    if (seat === 'supervisor' && !this.supervisors.has(who.participantId)) {
      throw forbidden('you are not in this call’s media: start monitor, whisper or barge first');
    }
    return seat;
  }

  private hears(receiver: Peer, sender: Peer, kind: string): boolean {
    if (receiver.role === 'supervisor' && !this.supervisors.has(receiver.participantId)) return false;
    if (sender.role === 'supervisor') {
      const mode = this.supervisors.get(sender.participantId);
      if (!mode || kind !== 'audio') return false;
      if (receiver.role === 'agent') return mode !== 'monitor';
      return receiver.role === 'customer' && mode === 'barge';
    }
    return receiver.role === 'supervisor' || receiver.role !== sender.role;
  }

  /** Brings every peer's consumers in line with who should receive whom, and renegotiates whoever changed. */
  private async reconcile() {
    for (const receiver of this.peers.values()) {
      let changed = receiver.pruneClosedConsumers();
      for (const sender of this.peers.values()) {
        if (sender === receiver) continue;
        for (const producer of sender.producers.values()) {
          const want = !producer.closed && this.hears(receiver, sender, producer.kind);
          const has = receiver.consumers.has(producer.id);
          if (want && !has) changed = (await receiver.consume(producer, sender.participantId)) || changed;
          else if (!want && has) changed = receiver.dropConsumer(producer.id) || changed;
        }
      }
      if (changed) this.renegotiate(receiver);
    }
  }

  private renegotiate(peer: Peer) {
    if (peer.offering) peer.stale = true;
    else this.out.signal(peer.participantId, { type: 'offer', sdp: peer.offer() });
  }

  private dropPeer(participantId: string): boolean {
    const peer = this.peers.get(participantId);
    if (!peer) return false;
    peer.close();
    this.peers.delete(participantId);
    return true;
  }

  /** Runs signalling one step at a time; a failing step answers its caller and the room goes on. */
  private run<T>(step: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(mediaEnded());
    if (this.queued >= MAX_QUEUED) return Promise.reject(new AppError('RATE_LIMITED', 'too many signalling messages at once: wait for the replies'));
    this.queued++;
    const result = this.chain.then(() => {
      if (this.closed) throw mediaEnded();
      return step();
    });
    this.chain = result.catch(() => undefined).finally(() => this.queued--);
    return result;
  }
}
