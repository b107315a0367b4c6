import type { Channel, Socket } from 'phoenix';
import { request } from '../shared/api';
import { CallMedia, followPeer, push, type PeerState, type RemoteMedia } from '../shared/call-media';
import { setTrackEnabled, type LocalMedia } from '../shared/devices';
import { endpoint, joinChannel, openSocket } from '../shared/socket';

export interface Joined {
  call_id: string;
  status: string;
  position: number;
  estimated_wait_time: number;
  websocket_token: string;
  websocket_url: string;
}

export interface SessionState extends PeerState {
  status: 'queued' | 'assigned' | 'active' | 'ended';
  position: number;
  wait: number;
  agentName?: string;
  /** Live updates failed: the page is polling the status route instead. */
  polling: boolean;
  reconnecting: boolean;
  remote: RemoteMedia;
  muted: { audio: boolean; video: boolean };
  endReason?: string;
  /** Whether the customer talked to someone, so there is something to rate. */
  talked: boolean;
  error?: string;
}

const ENDED = new Set(['completed', 'cancelled', 'missed', 'abandoned']);
// Public routes allow 30 requests a minute per address (seed 000): 12 polls a minute leave room.
const POLL_MS = 5000;

/**
 * The customer's side of one call, from the queue to the end: the `call:{id}` channel over the
 * official client, the status route when the socket cannot get through, and the media.
 */
export class CallSession {
  state: SessionState;
  private readonly listeners = new Set<(s: SessionState) => void>();
  private socket?: Socket;
  private channel?: Channel;
  private media?: CallMedia;
  private joined = false;
  private poll?: ReturnType<typeof setInterval>;

  private local: LocalMedia = {};

  /** `local` may still be asking for the camera: the call's media waits for the answer. */
  constructor(readonly call: Joined, private readonly localReady: Promise<LocalMedia>, private readonly iceServers: RTCIceServer[]) {
    this.state = {
      status: 'queued', position: call.position, wait: call.estimated_wait_time, polling: false, reconnecting: false,
      peerGone: false, remote: { audio: [] }, muted: { audio: false, video: false }, remoteMuted: { audio: false, video: false }, talked: false,
    };
  }

  subscribe(fn: (s: SessionState) => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start() {
    this.socket = openSocket(endpoint(this.call.websocket_url), () => this.call.websocket_token);
    this.socket.onError(() => {
      if (this.state.status === 'active') this.set({ reconnecting: true });
    });
    const channel = this.socket.channel(`call:${this.call.call_id}`, {});
    this.channel = channel;
    channel.on('queue_position', (p: { position: number; estimated_wait_time: number }) => {
      this.set({ position: p.position, wait: p.estimated_wait_time });
      // Either a late event from before the assignment or the call is back in the queue (not
      // started in time): the status route says which.
      if (this.state.status === 'assigned') void this.refresh();
    });
    channel.on('call_assigned', (p: { user_name?: string }) => this.set({ status: 'assigned', agentName: p.user_name }));
    channel.on('call_started', (p: { user_name?: string }) => {
      if (p.user_name) this.set({ agentName: p.user_name });
      this.activate();
    });
    // The SFU lost the call's media (a worker died): a fresh connection to the new room.
    channel.on('media_reset', () => this.restartMedia());
    channel.on('call_ended', (p: { reason?: string }) => this.end(p.reason ?? 'completed'));
    followPeer(channel, () => this.state, (patch) => this.set(patch));
    channel.on('participant_joined', (p: { role?: string; name?: string }) => {
      if (p.role !== 'customer' && p.name && !this.state.agentName) this.set({ agentName: p.name });
    });
    channel.onClose(() => {
      this.joined = false;
    });
    channel.onError(() => {
      this.joined = false;
      if (this.state.status === 'active') this.set({ reconnecting: true });
    });
    joinChannel(channel, (rejoin) => {
      this.joined = true;
      this.set({ polling: false, reconnecting: false });
      if (rejoin) void this.media?.reconnect();
      // Whatever happened while the socket was away.
      void this.refresh();
    }, (reason) => this.set({ error: reason }));
    // Polling covers what the socket cannot: it never got through, or it is away for a while.
    this.poll = setInterval(() => {
      if (this.joined || this.state.status === 'ended') return;
      this.set({ polling: true });
      void this.refresh();
    }, POLL_MS);
  }

  async cancel() {
    await request('POST', `/api/v1/call/cancel/${this.call.call_id}`);
    this.end('cancelled');
  }

  async toggle(kind: 'audio' | 'video') {
    const muted = !this.state.muted[kind];
    setTrackEnabled(this.local.stream, kind, !muted);
    this.set({ muted: { ...this.state.muted, [kind]: muted } });
    if (this.channel && this.state.status === 'active') await push(this.channel, 'mute', { type: kind, muted }).catch(() => undefined);
  }

  close() {
    clearInterval(this.poll);
    this.media?.close();
    this.media = undefined;
    this.channel?.leave();
    this.socket?.disconnect();
  }

  private async refresh() {
    try {
      const s = await request<{ status: string; position: number | null; estimated_wait_time: number | null }>(
        'GET', `/api/v1/call/status/${this.call.call_id}`);
      if (ENDED.has(s.status)) return this.end(s.status);
      if (s.status === 'active') return this.activate();
      this.set({
        status: s.status === 'assigned' ? 'assigned' : 'queued',
        position: s.position ?? this.state.position,
        wait: s.estimated_wait_time ?? this.state.wait,
      });
    } catch {
      // The next poll tries again.
    }
  }

  private activate() {
    if (this.state.status === 'active' || this.state.status === 'ended') return;
    this.set({ status: 'active', talked: true });
    void this.localReady.then((local) => {
      this.local = local;
      this.startMedia();
    });
  }

  private startMedia() {
    if (!this.channel || this.state.status !== 'active' || this.media) return;
    this.media = new CallMedia(this.channel, this.local.stream, (remote) => this.set({ remote }), this.iceServers,
      (message) => this.set({ error: message }));
    void this.media.start();
    for (const kind of ['audio', 'video'] as const) {
      setTrackEnabled(this.local.stream, kind, !this.state.muted[kind]);
      if (this.state.muted[kind]) void push(this.channel, 'mute', { type: kind, muted: true }).catch(() => undefined);
    }
  }

  private restartMedia() {
    if (this.state.status !== 'active' || !this.channel) return;
    this.media?.close();
    this.media = undefined;
    this.startMedia();
  }

  private end(reason: string) {
    if (this.state.status === 'ended') return;
    this.set({ status: 'ended', endReason: reason, reconnecting: false, peerGone: false, remote: { audio: [] } });
    this.close();
    void this.localReady.then((local) => local.stream?.getTracks().forEach((track) => track.stop()));
  }

  private set(patch: Partial<SessionState>) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }
}
