import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { conflict, invalid } from '../errors';
import type { RemoteDescription, RemoteSection } from './sdp/remote';
import { producerParameters, receiveCapabilities, usableCodecs } from './sdp/rtp';
import { localDescription, type Slot } from './sdp/local';

export type PeerRole = 'customer' | 'agent' | 'supervisor';

const sends = (s: RemoteSection) => s.port !== 0 && (s.direction === 'sendrecv' || s.direction === 'sendonly');
const media = (s: RemoteSection) => s.kind === 'audio' || s.kind === 'video';

/**
 * One participant's RTCPeerConnection as the SFU sees it: one WebRtcTransport, the m-lines in
 * negotiated order, a Producer per m-line the client sends on, a Consumer per m-line the SFU
 * sends on. The Peer owns all of them: closing it closes its transport, which closes the rest.
 */
export class Peer {
  readonly slots: Slot[] = [];
  readonly producers = new Map<string, types.Producer>();
  /** producer id → the Consumer carrying it to this peer, and its m-line. */
  readonly consumers = new Map<string, { consumer: types.Consumer; mid: string }>();
  capabilities?: types.RtpCapabilities;
  /** The SFU's offer is out and unanswered. */
  offering = false;
  /** Something changed while an offer was out: offer again once it is answered. */
  stale = false;
  closed = false;
  private remoteFingerprint?: string;
  private remoteSession?: string;
  private remoteUfrag?: string;
  private readonly localSession = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
  private version = 0;
  private nextMid = 0;

  constructor(
    readonly participantId: string,
    readonly role: PeerRole,
    readonly transport: types.WebRtcTransport,
    private readonly routerExtensions: types.RtpHeaderExtension[],
  ) {}

  /**
   * Whether this offer comes from another RTCPeerConnection than the one negotiated so far: one
   * with another DTLS certificate, or with new ICE credentials *and* a new `o=` session (an ICE
   * restart keeps the session). Neither sign alone is enough: werift shares one certificate
   * between its connections and changes the session id on every offer.
   */
  isNewConnection(offer: RemoteDescription) {
    if (this.remoteFingerprint === undefined) return false;
    return offer.fingerprint.value !== this.remoteFingerprint || (offer.iceUfrag !== this.remoteUfrag && offer.sessionId !== this.remoteSession);
  }

  /** Applies a client's offer (first or later, ICE restart included) and returns the SFU's answer. */
  async acceptOffer(offer: RemoteDescription): Promise<string> {
    if (this.offering) throw conflict('the SFU’s offer is waiting for your answer: roll yours back, answer it, then offer again');
    if (offer.setup === 'passive') throw invalid({ sdp: ['a=setup:passive is not supported: offer actpass or active'] });
    if (!offer.sections.some((s) => media(s) && s.port !== 0 && usableCodecs(s).length)) {
      throw invalid({ sdp: ['offers no codec the SFU can use (audio: Opus; video: VP8 or H264)'] });
    }
    if (this.remoteFingerprint === undefined) {
      await this.transport.connect({ dtlsParameters: { role: 'client', fingerprints: [{ algorithm: offer.fingerprint.algorithm as types.FingerprintAlgorithm, value: offer.fingerprint.value }] } });
    } else if (offer.iceUfrag !== this.remoteUfrag) {
      await this.transport.restartIce();
    }
    this.remoteFingerprint = offer.fingerprint.value;
    this.remoteSession = offer.sessionId;
    this.remoteUfrag = offer.iceUfrag;
    this.capabilities = receiveCapabilities(offer.sections, this.routerExtensions);
    const next: Slot[] = [];
    for (const section of offer.sections) next.push(await this.slotFor(section));
    this.slots.splice(0, this.slots.length, ...next);
    return this.describe();
  }

  /** The client's answer to the SFU's offer: the consumers it accepted start flowing. */
  async acceptAnswer(answer: RemoteDescription) {
    if (!this.offering) throw conflict('there is no offer of the SFU to answer');
    this.offering = false;
    const accepted = new Set(answer.sections.filter((s) => s.port !== 0).map((s) => s.mid));
    for (const { consumer, mid } of this.consumers.values()) {
      if (accepted.has(mid) && consumer.paused) await consumer.resume().catch(() => undefined);
    }
  }

  /** A new offer of the SFU's, describing every m-line as it stands. */
  offer(): string {
    this.offering = true;
    this.stale = false;
    return this.describe();
  }

  /** Adds a Consumer of `producer`, paused until the client's answer takes it. */
  async consume(producer: types.Producer, fromParticipant: string): Promise<boolean> {
    if (!this.capabilities || this.consumers.has(producer.id)) return false;
    const mid = `s${this.nextMid++}`;
    let consumer: types.Consumer;
    try {
      consumer = await this.transport.consume({ producerId: producer.id, rtpCapabilities: this.capabilities, paused: true, mid });
    } catch {
      return false; // this client cannot decode that producer's codec
    }
    this.consumers.set(producer.id, { consumer, mid });
    const p = consumer.rtpParameters;
    const encoding = p.encodings?.[0];
    this.slots.push({
      mid, kind: consumer.kind, role: 'send',
      codecs: p.codecs.map((c) => ({ payloadType: c.payloadType, mimeType: c.mimeType, clockRate: c.clockRate, channels: c.channels, parameters: c.parameters, rtcpFeedback: c.rtcpFeedback })),
      extensions: (p.headerExtensions ?? []).map((e) => ({ uri: e.uri, id: e.id })),
      send: { ssrc: encoding?.ssrc ?? 0, rtxSsrc: encoding?.rtx?.ssrc, cname: p.rtcp?.cname ?? fromParticipant, streamId: fromParticipant, trackId: consumer.id },
    });
    return true;
  }

  /**
   * Stops sending `producerId` to this peer. Its m-line stays in the bundle as inactive rather
   * than rejected (port 0), which some stacks (werift) take as the end of the shared transport.
   */
  dropConsumer(producerId: string): boolean {
    const entry = this.consumers.get(producerId);
    if (!entry) return false;
    this.consumers.delete(producerId);
    entry.consumer.close();
    const slot = this.slots.find((s) => s.mid === entry.mid);
    if (slot) {
      slot.role = 'idle';
      delete slot.send;
    }
    return true;
  }

  /** Consumers whose producer has gone (its peer left or stopped a track). */
  pruneClosedConsumers(): boolean {
    let changed = false;
    for (const [producerId, { consumer }] of this.consumers) if (consumer.closed) changed = this.dropConsumer(producerId) || changed;
    return changed;
  }

  producerOf(kind: 'audio' | 'video') {
    return [...this.producers.values()].find((p) => p.kind === kind);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }

  private describe() {
    return localDescription({ id: this.localSession, version: this.version++ }, this.transport, this.slots);
  }

  private async slotFor(section: RemoteSection): Promise<Slot> {
    const existing = this.slots.find((s) => s.mid === section.mid);
    if (existing?.role === 'send') {
      const live = [...this.consumers.values()].some((c) => c.mid === section.mid && !c.consumer.closed);
      if (live && section.port !== 0) return existing;
      return { ...existing, send: undefined, role: section.port === 0 ? 'rejected' : 'idle' };
    }
    const producer = this.producers.get(section.mid);
    if (producer && !sends(section)) {
      producer.close();
      this.producers.delete(section.mid);
    }
    const codecs = usableCodecs(section);
    const base = { mid: section.mid, kind: section.kind, extensions: [] as Slot['extensions'], codecs };
    if (!media(section) || section.port === 0 || !codecs.length) return { ...base, codecs: [], role: 'rejected' };
    if (!sends(section)) return { ...base, role: 'idle' };
    if (!producer || producer.closed) {
      const rtpParameters = producerParameters(section);
      if (!rtpParameters) return { ...base, codecs: [], role: 'rejected' };
      try {
        const made = await this.transport.produce({ kind: section.kind as types.MediaKind, rtpParameters, appData: { participantId: this.participantId, role: this.role } });
        this.producers.set(section.mid, made);
      } catch (error) {
        throw invalid({ sdp: [`m-line ${section.mid} cannot be received: ${(error as Error).message}`] });
      }
    }
    const { codecs: chosen, headerExtensions } = this.producers.get(section.mid)!.rtpParameters;
    return { ...base, codecs: chosen.map((c) => ({ ...c })), extensions: (headerExtensions ?? []).map((e) => ({ uri: e.uri, id: e.id })), role: 'receive' };
  }
}

