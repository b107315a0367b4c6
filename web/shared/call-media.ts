import type { Channel } from 'phoenix';

/** A push answered ok, or an Error carrying the server's reason. */
export function push<T = any>(channel: Channel, event: string, payload: object, timeoutMs = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    channel.push(event, payload, timeoutMs)
      .receive('ok', resolve)
      .receive('error', (e: any) => reject(new Error(e?.reason ?? JSON.stringify(e))))
      .receive('timeout', () => reject(new Error('timeout')));
  });
}

/** The other side of a call, as the call channel tells it: gone (its grace period) and muted. */
export interface PeerState {
  peerGone: boolean;
  remoteMuted: { audio: boolean; video: boolean };
}

export function followPeer(channel: Channel, current: () => PeerState, set: (patch: Partial<PeerState>) => void) {
  channel.on('peer_disconnected', () => set({ peerGone: true }));
  channel.on('peer_reconnected', () => set({ peerGone: false }));
  channel.on('mute', (p: { type: 'audio' | 'video'; muted: boolean }) => set({ remoteMuted: { ...current().remoteMuted, [p.type]: p.muted } }));
}

export interface RemoteMedia {
  /** The first remote stream that carries video, for the big picture. */
  video?: MediaStream;
  /** Every remote audio track, each played on its own (the agent may hear a supervisor too). */
  audio: MediaStreamTrack[];
}

/**
 * One RTCPeerConnection to the SFU over a `call:{id}` channel, as CONTRACT §7 describes: the page
 * offers its own tracks, answers the SFU's offers when others' tracks come and go, and on glare
 * rolls its own offer back (the page is the polite peer), then offers again.
 */
export class CallMedia {
  readonly pc: RTCPeerConnection;
  private offering = false;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly offs: Array<[string, number]> = [];

  constructor(
    private readonly channel: Channel,
    local: MediaStream | undefined,
    private readonly onRemote: (remote: RemoteMedia) => void,
    iceServers: RTCIceServer[] = [],
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.pc = new RTCPeerConnection({ iceServers });
    if (local && local.getTracks().length) for (const track of local.getTracks()) this.pc.addTrack(track, local);
    else {
      // Nothing to send (no camera, permission refused): still receive the other side.
      this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.pc.addTransceiver('video', { direction: 'recvonly' });
    }
    this.pc.ontrack = () => this.announce();
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.closed) return;
      push(channel, 'ice_candidate', { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex })
        .catch(() => undefined);
    };
    this.offs.push(['signal', channel.on('signal', (message: RTCSessionDescriptionInit) => this.signal(message))]);
    this.offs.push(['ice_candidate', channel.on('ice_candidate', (c: RTCIceCandidateInit) => {
      this.pc.addIceCandidate(c).catch(() => undefined);
    })]);
  }

  /** Sends the first offer. */
  start() {
    return this.offer();
  }

  /** After the socket came back: new ICE credentials, a new offer. */
  async reconnect() {
    if (this.closed) return;
    this.pc.restartIce();
    await this.offer();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    for (const [event, ref] of this.offs.splice(0)) this.channel.off(event, ref);
    this.pc.close();
  }

  private announce() {
    const remote: RemoteMedia = { audio: [] };
    for (const receiver of this.pc.getReceivers()) {
      const t = receiver.track;
      if (!t || t.readyState === 'ended') continue;
      const transceiver = this.pc.getTransceivers().find((x) => x.receiver === receiver);
      if (!transceiver || transceiver.currentDirection === 'inactive' || transceiver.currentDirection === 'sendonly') continue;
      if (t.kind === 'audio') remote.audio.push(t);
      else if (!remote.video) remote.video = new MediaStream([t]);
    }
    this.onRemote(remote);
  }

  private async offer() {
    if (this.closed) return;
    this.offering = true;
    try {
      await this.pc.setLocalDescription();
      await push(this.channel, 'signal', { type: 'offer', sdp: this.pc.localDescription!.sdp });
    } catch (e) {
      // Refused during glare: the SFU's own offer is on its way and is answered below.
      if (!this.closed && this.pc.signalingState === 'stable') this.onError(String((e as Error).message ?? e));
    }
  }

  private signal(message: RTCSessionDescriptionInit) {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      if (message.type === 'answer') {
        this.offering = false;
        if (this.pc.signalingState === 'have-local-offer') await this.pc.setRemoteDescription(message);
        this.announce();
        return;
      }
      const glare = this.pc.signalingState !== 'stable';
      if (glare) await this.pc.setLocalDescription({ type: 'rollback' });
      await this.pc.setRemoteDescription(message);
      await this.pc.setLocalDescription();
      await push(this.channel, 'signal', { type: 'answer', sdp: this.pc.localDescription!.sdp });
      this.announce();
      if (glare || this.offering) await this.offer();
    }).catch((e) => this.onError(String(e?.message ?? e)));
  }
}
