import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, type ErrorCode } from '../errors';
import type { BusEvent, EventBus } from '../events/event-bus';
import type { Logger } from '../logger';
import { leaseKey } from '../presence/redis-backend';
import type { LocalMedia } from './local-media';
import type { IceCandidate, MediaGateway, MediaParticipant, SdpMessage, SupervisionMode } from './media-gateway';

const ownerKey = (callId: string) => `voki:media:owner:${callId}`;
const inbox = (instanceId: string) => `system:media:${instanceId}`;
const OWNER_TTL_S = 30;
const REQUEST_TIMEOUT_MS = 5000;

/** Keeps this instance's claim alive, unless someone else holds the call by now. */
const RENEW = `local v = redis.call('get', KEYS[1]) if v == false or v == ARGV[1] then return redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) else return 0 end`;
/** Deletes the owner key only if it still names the instance we found dead. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type Op = 'signal' | 'iceCandidate' | 'mute' | 'participantLeft' | 'supervise';
interface Request { id: string; op: Op; args: unknown[]; replyTo: string }
interface Reply { id: string; error?: { code: ErrorCode; message: string; fields?: Record<string, string[]> } }

/**
 * Media across instances: a call's room lives on one instance (the first to need it claims it in
 * Redis, with a TTL its owner renews), and every other instance hands that call's signalling to
 * the owner over the bus and waits for the outcome. The owner's answers and offers reach the
 * participant's socket wherever it is, as `signal` events on the bus. An owner whose instance
 * lease is gone is taken over.
 */
export class RoutedMedia implements MediaGateway {
  private readonly pending = new Map<string, { resolve: () => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();
  private readonly unsubscribe: () => void;
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly local: LocalMedia,
    private readonly redis: Redis,
    private readonly bus: EventBus,
    private readonly instanceId: string,
    private readonly log: Logger,
  ) {
    this.unsubscribe = bus.subscribe(inbox(instanceId), (e) => void this.receive(e));
    this.renewal = setInterval(() => void this.renew(), (OWNER_TTL_S * 1000) / 3);
    this.renewal.unref();
    local.onRoomClosed((callId) => void this.redis.eval(RELEASE, 1, ownerKey(callId), this.instanceId).catch(() => undefined));
  }

  signal(from: MediaParticipant, message: SdpMessage) {
    return this.route(from.callId, 'signal', [from, message]);
  }
  iceCandidate(from: MediaParticipant, candidate: IceCandidate) {
    return this.route(from.callId, 'iceCandidate', [from, candidate]);
  }
  mute(from: MediaParticipant, kind: 'audio' | 'video', muted: boolean) {
    return this.route(from.callId, 'mute', [from, kind, muted], false);
  }
  participantLeft(who: MediaParticipant) {
    return this.route(who.callId, 'participantLeft', [who], false);
  }
  supervise(supervisor: MediaParticipant, mode: SupervisionMode | null) {
    return this.route(supervisor.callId, 'supervise', [supervisor, mode], mode !== null);
  }

  close() {
    this.unsubscribe();
    clearInterval(this.renewal);
    for (const p of this.pending.values()) clearTimeout(p.timer);
  }

  /** Runs `op` where the call's room lives; `claim`: whether this instance may open the room if nobody has. */
  private async route(callId: string, op: Op, args: unknown[], claim = true): Promise<void> {
    const owner = await this.viaRedis(() => this.ownerOf(callId, claim));
    if (!owner || owner === this.instanceId) return this.runLocally(op, args);
    if (!(await this.viaRedis(() => this.redis.exists(leaseKey(owner))))) {
      this.log.warn({ callId, owner }, 'the instance that held this call’s media is gone; taking it over');
      await this.viaRedis(() => this.redis.eval(RELEASE, 1, ownerKey(callId), owner));
      return claim ? this.route(callId, op, args, claim) : undefined;
    }
    await this.request(owner, op, args);
  }

  private async ownerOf(callId: string, claim: boolean) {
    const owner = await this.redis.get(ownerKey(callId));
    if (owner || !claim) return owner;
    return (await this.redis.set(ownerKey(callId), this.instanceId, 'EX', OWNER_TTL_S, 'NX')) ? this.instanceId : this.redis.get(ownerKey(callId));
  }

  /**
   * Which instance holds a room is known only to Redis: while it cannot be reached, signalling
   * is refused with a reply the client can act on (try again), and rooms already open keep
   * their media. Opening the room here instead could split one call over two rooms.
   */
  private async viaRedis<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'media signalling could not reach Redis');
      throw new AppError('CONFLICT', 'Media signalling is unavailable right now: try again in a moment');
    }
  }

  private runLocally(op: Op, args: unknown[]): Promise<void> {
    const local = this.local as unknown as Record<Op, (...a: unknown[]) => Promise<void>>;
    return local[op](...args);
  }

  private request(owner: string, op: Op, args: unknown[]): Promise<void> {
    const id = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('CONFLICT', 'the media server of this call did not answer: try again'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      const request: Request = { id, op, args, replyTo: this.instanceId };
      this.bus.publish({ topic: inbox(owner), event: 'request', payload: request as unknown as Record<string, unknown> });
    });
  }

  private async receive(e: BusEvent) {
    if (e.event === 'reply') {
      const reply = e.payload as unknown as Reply;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.error) waiting.reject(new AppError(reply.error.code, reply.error.message, reply.error.fields));
      else waiting.resolve();
      return;
    }
    if (e.event !== 'request') return;
    const request = e.payload as unknown as Request;
    const reply: Reply = { id: request.id };
    try {
      await this.runLocally(request.op, request.args);
    } catch (error) {
      const app = error instanceof AppError ? error : new AppError('CONFLICT', 'the media server could not do that');
      if (!(error instanceof AppError)) this.log.warn({ err: String(error), op: request.op }, 'media request failed');
      reply.error = { code: app.code, message: app.message, fields: app.fields };
    }
    this.bus.publish({ topic: inbox(request.replyTo), event: 'reply', payload: reply as unknown as Record<string, unknown> });
  }

  private async renew() {
    const ids = this.local.callIds();
    if (!ids.length) return;
    const multi = this.redis.multi();
    for (const id of ids) multi.eval(RENEW, 1, ownerKey(id), this.instanceId, OWNER_TTL_S);
    await multi.exec().catch(() => undefined);
  }
}
