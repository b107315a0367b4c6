import { randomUUID } from 'node:crypto';
import type { Principal } from '../../auth/principal';
import { participantId } from '../../auth/principal';
import { toAppError } from '../../errors';
import type { RealtimeService, RealtimeSession } from '../../services/realtime.service';
import type { Logger } from '../../logger';
import { channelEnd, decode, encode, MalformedFrame, reply, type PhoenixMessage, type Vsn } from './frames';
import type { HubMember, TopicHub } from './hub';
import type { PushRunner } from './pushes';
import { MessageBudget } from '../message-budget';

/** What the protocol needs from the socket library. */
export interface Transport {
  /** A text frame (a Buffer holds its UTF-8 bytes). */
  send(frame: string | Buffer): void;
  close(code: number, reason: string): void;
}

export interface ConnectionLimits {
  /** Messages per second a socket may send on average; twice that in a burst. */
  messagesPerSecond: number;
}

/** Close codes this endpoint uses (RFC 6455 ranges). */
export const CLOSE = { malformed: 1007, policy: 1008, tooBig: 1009, goingAway: 1001 } as const;

interface Channel {
  joinRef: string | null;
  member: HubMember;
  session?: RealtimeSession;
  /** Broadcasts that arrived while the join was being authorized; sent after the reply. */
  pending: Buffer[] | null;
}

/**
 * One Phoenix socket: the protocol core, knowing nothing of `ws`. It answers heartbeats,
 * joins and leaves channels as Phoenix does (a second join of a topic closes the first with
 * phx_close; unknown topics and pushes before join get "unmatched topic"), hands pushes to
 * the GraphQL mutations, and throttles a socket that floods.
 */
export class PhoenixConnection {
  readonly id = randomUUID();
  lastSeen = Date.now();
  private readonly channels = new Map<string, Channel>();
  private readonly budget: MessageBudget;
  private closed = false;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    readonly principal: Principal,
    readonly vsn: Vsn,
    private readonly deps: { realtime: RealtimeService; hub: TopicHub; pushes: PushRunner; log: Logger; limits: ConnectionLimits },
  ) {
    this.budget = new MessageBudget(deps.limits.messagesPerSecond);
  }

  get expired() {
    return this.principal.expiresAt > 0 && Date.now() >= this.principal.expiresAt;
  }

  isClosed() {
    return this.closed;
  }

  /**
   * Messages of one socket are handled one after another, as Phoenix's socket process does: a
   * push right behind its join is answered once the join is. The budget is spent on arrival.
   */
  receive(raw: string): Promise<void> {
    this.lastSeen = Date.now();
    if (!this.budget.spend()) {
      this.transport.close(CLOSE.policy, 'too many messages');
      return this.tail;
    }
    this.tail = this.tail.then(() => this.handle(raw));
    return this.tail;
  }

  private async handle(raw: string): Promise<void> {
    let message: PhoenixMessage;
    try {
      message = decode(raw, this.vsn);
    } catch (error) {
      const e = error as MalformedFrame;
      // Answerable when the frame says which push it was; otherwise the socket cannot be trusted.
      if (e.ref !== null && e.topic !== null) this.send(reply(null, e.ref, e.topic, 'error', { reason: e.message }));
      else this.transport.close(CLOSE.malformed, e.message);
      return;
    }
    try {
      await this.dispatch(message);
    } catch (error) {
      // As when a Phoenix channel process crashes: phx_error, the channel is gone, the client rejoins.
      this.deps.log.error({ err: error, topic: message.topic, event: message.event }, 'phoenix channel crashed');
      const channel = this.channels.get(message.topic);
      if (!channel) return this.send(reply(message.joinRef, message.ref, message.topic, 'error', { reason: 'internal error' }));
      this.send(channelEnd(channel.joinRef, message.topic, 'phx_error'));
      await this.drop(message.topic, channel, 'left');
    }
  }

  private async dispatch(m: PhoenixMessage) {
    if (m.topic === 'phoenix' && m.event === 'heartbeat') return this.send(reply(null, m.ref, 'phoenix', 'ok', {}));
    if (m.event === 'phx_join') return this.join(m);
    const channel = this.channels.get(m.topic);
    if (!channel || channel.pending) return this.send(reply(null, m.ref, m.topic, 'error', { reason: 'unmatched topic' }));
    if (m.event === 'phx_leave') return this.leave(m, channel);
    const answer = await this.deps.pushes.run(this, m);
    this.send(reply(channel.joinRef, m.ref, m.topic, answer.status, answer.response));
  }

  private async join(m: PhoenixMessage) {
    const existing = this.channels.get(m.topic);
    if (existing) {
      // Phoenix: "Duplicate channel join … Closing existing channel for new join."
      this.send(channelEnd(existing.joinRef, m.topic, 'phx_close'));
      await this.drop(m.topic, existing, 'left');
    }
    const channel: Channel = { joinRef: m.joinRef ?? m.ref, pending: [], member: undefined as never };
    channel.member = {
      connectionId: this.id, participantId: participantId(this.principal), vsn: this.vsn,
      deliver: (frame) => (channel.pending ? channel.pending.push(frame) : this.transport.send(frame)),
    };
    this.channels.set(m.topic, channel);
    this.deps.hub.add(m.topic, channel.member);
    try {
      channel.session = await this.deps.realtime.open(this.principal, m.topic, this.id, m.payload);
    } catch (error) {
      this.deps.hub.remove(m.topic, channel.member);
      if (this.channels.get(m.topic) === channel) this.channels.delete(m.topic);
      const e = toAppError(error);
      if (e.status >= 500) this.deps.log.error({ err: error, topic: m.topic }, 'phoenix join failed');
      return this.send(reply(m.joinRef, m.ref, m.topic, 'error', { reason: e.status >= 500 && e.status !== 503 ? 'join crashed' : e.message }));
    }
    if (this.closed || this.channels.get(m.topic) !== channel) {
      // The socket went away, or a newer join replaced this one, while it was being authorized.
      await channel.session.close(this.closed ? 'dropped' : 'left');
      return;
    }
    this.send(reply(channel.joinRef, m.ref, m.topic, 'ok', {}));
    for (const e of channel.session.initial) this.send({ joinRef: channel.joinRef, ref: null, topic: e.topic, event: e.event, payload: e.payload });
    const buffered = channel.pending ?? [];
    channel.pending = null;
    for (const frame of buffered) this.transport.send(frame);
  }

  private async leave(m: PhoenixMessage, channel: Channel) {
    this.send(reply(channel.joinRef, m.ref, m.topic, 'ok', {}));
    await this.drop(m.topic, channel, 'left');
    this.send(channelEnd(channel.joinRef, m.topic, 'phx_close'));
  }

  private async drop(topic: string, channel: Channel, how: 'left' | 'dropped') {
    this.deps.hub.remove(topic, channel.member);
    if (this.channels.get(topic) === channel) this.channels.delete(topic);
    await channel.session?.close(how).catch((err) => this.deps.log.warn({ err, topic }, 'channel close failed'));
  }

  /** The socket is gone: every channel drops (an active call's grace starts). */
  async closedByTransport() {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.channels].map(([topic, channel]) => this.drop(topic, channel, 'dropped')));
  }

  close(code: number, reason: string) {
    this.transport.close(code, reason);
  }

  private send(m: PhoenixMessage) {
    if (!this.closed) this.transport.send(encode(m, this.vsn));
  }
}
