import type { Channel, Socket } from 'phoenix';
import { endpoint, openSocket } from '../shared/socket';
import type { Session } from './auth';

type Handlers = Record<string, (payload: any) => void>;

interface Subscription {
  topic: string;
  handlers: Handlers;
  params: () => object;
  onJoined?: (response: any) => void;
  channel?: Channel;
}

/**
 * The console's socket for its lasting channels (queues, presence, notifications). When the
 * session rotates its tokens, a second socket with the new token joins every channel before the
 * first one leaves: the agent's presence keeps one meta throughout and never blinks offline.
 */
export class Realtime {
  private socket: Socket;
  private readonly subs = new Map<string, Subscription>();
  private readonly offRotate: () => void;
  private moving?: Promise<void>;

  constructor(private readonly session: Session, private readonly onStatus: (connected: boolean) => void = () => undefined) {
    this.socket = this.open();
    this.offRotate = session.onRotate(() => void this.move());
  }

  join(topic: string, handlers: Handlers, opts: { params?: () => object; onJoined?: (r: any) => void } = {}): () => void {
    const sub: Subscription = { topic, handlers, params: opts.params ?? (() => ({})), onJoined: opts.onJoined };
    this.subs.get(topic)?.channel?.leave();
    this.subs.set(topic, sub);
    sub.channel = this.attach(this.socket, sub);
    return () => {
      if (this.subs.get(topic) !== sub) return;
      this.subs.delete(topic);
      sub.channel?.leave();
    };
  }

  /** The topic's channel as it is now, for pushes. */
  channel(topic: string): Channel | undefined {
    return this.subs.get(topic)?.channel;
  }

  close() {
    this.offRotate();
    for (const sub of this.subs.values()) sub.channel?.leave();
    this.subs.clear();
    this.socket.disconnect();
  }

  private open() {
    const socket = openSocket(endpoint(), () => this.session.token);
    socket.onOpen(() => {
      if (socket === this.socket) this.onStatus(true);
    });
    socket.onError(() => {
      if (socket === this.socket) this.onStatus(false);
    });
    return socket;
  }

  private attach(socket: Socket, sub: Subscription): Channel {
    const channel = socket.channel(sub.topic, sub.params);
    for (const [event, handler] of Object.entries(sub.handlers)) channel.on(event, handler);
    channel.join().receive('ok', (r: any) => sub.onJoined?.(r));
    return channel;
  }

  /** Make before break: every channel joined on the new socket, then the old one closed. */
  private move() {
    this.moving ??= (async () => {
      const old = this.socket;
      const fresh = this.open();
      const stuck: Subscription[] = [];
      const moves = [...this.subs.values()].map((sub) => new Promise<void>((resolve) => {
        const channel = fresh.channel(sub.topic, sub.params);
        for (const [event, handler] of Object.entries(sub.handlers)) channel.on(event, handler);
        const done = setTimeout(() => {
          channel.leave();
          stuck.push(sub);
          resolve();
        }, 5000);
        channel.join().receive('ok', (r: any) => {
          clearTimeout(done);
          const before = sub.channel;
          sub.channel = channel;
          before?.leave();
          sub.onJoined?.(r);
          resolve();
        });
      }));
      this.socket = fresh;
      await Promise.all(moves);
      old.disconnect();
      // What could not join in time is joined again on the new socket, which keeps retrying.
      for (const sub of stuck) if (this.subs.get(sub.topic) === sub) sub.channel = this.attach(fresh, sub);
    })().finally(() => (this.moving = undefined));
    return this.moving;
  }
}
