import type { Channel, Socket } from 'phoenix';
import { CallMedia, followPeer, push, type PeerState, type RemoteMedia } from '../shared/call-media';
import { setTrackEnabled } from '../shared/devices';
import { endpoint, joinChannel, openSocket } from '../shared/socket';
import type { Session } from './auth';

export interface LinkState extends PeerState {
  remote: RemoteMedia;
  reconnecting: boolean;
  ended?: string;
  error?: string;
  /** A supervisor who started monitoring, whispering or barging into this call. */
  supervisor?: { name: string; mode: 'monitor' | 'whisper' | 'barge' };
}

/**
 * One call's channel and media, on a socket of its own: the console's lasting socket moves to a
 * new one when tokens rotate, while a call keeps its connection and, should the server close it
 * at the old token's expiry, comes back with the current token and an ICE restart.
 */
export class CallLink {
  state: LinkState = { remote: { audio: [] }, reconnecting: false, peerGone: false, remoteMuted: { audio: false, video: false } };
  private readonly socket: Socket;
  readonly channel: Channel;
  private media?: CallMedia;

  constructor(session: Session, callId: string, private readonly local: MediaStream | undefined, private readonly onChange: (s: LinkState) => void) {
    this.socket = openSocket(endpoint(), () => session.token);
    this.socket.onError(() => this.set({ reconnecting: true }));
    this.channel = this.socket.channel(`call:${callId}`, {});
    const c = this.channel;
    followPeer(c, () => this.state, (patch) => this.set(patch));
    c.on('call_ended', (p: { reason?: string }) => this.set({ ended: p.reason ?? 'completed' }));
    c.on('media_reset', () => this.restart());
    for (const mode of ['monitor', 'whisper', 'barge'] as const) {
      c.on(`${mode}_start`, (p: { supervisor_name?: string }) => this.set({ supervisor: { name: p.supervisor_name ?? '', mode } }));
    }
    joinChannel(c, (rejoin) => {
      this.set({ reconnecting: false });
      if (rejoin) void this.media?.reconnect();
      else this.restart();
    }, (reason) => this.set({ error: reason }));
  }

  async mute(kind: 'audio' | 'video', muted: boolean) {
    setTrackEnabled(this.local, kind, !muted);
    await push(this.channel, 'mute', { type: kind, muted }).catch(() => undefined);
  }

  close() {
    this.media?.close();
    this.channel.leave();
    this.socket.disconnect();
  }

  private restart() {
    this.media?.close();
    this.media = new CallMedia(this.channel, this.local, (remote) => this.set({ remote }), [], (error) => this.set({ error }));
    void this.media.start();
  }

  private set(patch: Partial<LinkState>) {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}
