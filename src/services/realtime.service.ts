import type { EntityManager } from '@mikro-orm/postgresql';
import { Call } from '../entities';
import { AppError } from '../errors';
import { currentPrincipal, participantId, type Principal } from '../auth/principal';
import type { ActorCache } from '../auth/actor-cache';
import { isFor, type BusEvent, type EventBus } from '../events/event-bus';
import { parseTopic } from '../events/topics';
import { event } from '../events/catalog';
import { busIterator, type BusIterator } from '../events/bus-iterator';
import type { MediaGateway, MediaParticipant } from '../sfu/media-gateway';
import type { CallConnections } from '../presence/call-connections';
import type { Logger } from '../logger';
import type { PresenceService } from './presence.service';
import type { QueueMath } from './queue';
import { queueUpdate } from './queue-notifier';
import { requireCall, requireDepartment, scopedEm, tenantEm, unauthorized } from './topic-access';
import { every } from './background';

/** One subscriber's open topic, the same for a Phoenix channel and a GraphQL subscription. */
export interface RealtimeSession {
  topic: string;
  participantId: string;
  /** Sent to this subscriber alone, right after it joined (presence_state, its queue position). */
  initial: BusEvent[];
  /** `dropped`: the connection died (starts the grace in an active call); `left`: it said goodbye. */
  close(how: 'left' | 'dropped'): Promise<void>;
}

export const unmatchedTopic = () => new AppError('NOT_FOUND', 'unmatched topic');

/**
 * Opening a real-time topic: who may (topic-access.ts), what a subscriber gets on joining, and
 * what its leaving means (a dropped call participant starts the grace). Every door (Phoenix
 * channels, graphql-ws) opens topics through `open`, so the rules live here once.
 */
export class RealtimeService {
  /** callId → this instance's open customer sockets; they keep the queued call alive. */
  private readonly customersOnline = new Map<string, number>();
  private toucher?: { stop(): Promise<void> };

  constructor(
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
    private readonly queue: QueueMath,
    private readonly media: MediaGateway,
    private readonly connections: CallConnections,
    private readonly fork: () => EntityManager,
    private readonly log: Logger,
    private readonly actors: ActorCache,
  ) {}

  async open(given: Principal, topic: unknown, connectionId: string, params: Record<string, unknown> = {}): Promise<RealtimeSession> {
    const parsed = parseTopic(topic);
    if (!parsed) throw unmatchedTopic();
    const em = scopedEm(this.fork, given);
    const principal = await currentPrincipal(em, given, this.actors);
    const self = participantId(principal);
    const plain = (initial: BusEvent[] = [], close: RealtimeSession['close'] = async () => undefined): RealtimeSession =>
      ({ topic: topic as string, participantId: self, initial, close });
    switch (parsed.kind) {
      case 'notification':
        if (principal.kind !== 'user' || parsed.id !== principal.actor.userId) throw unauthorized();
        return plain();
      case 'queue': {
        const actor = await requireDepartment(em, principal, parsed.id);
        return plain([queueUpdate(parsed.id, await this.queue.summary(em, actor.tenantId, parsed.id))]);
      }
      case 'presence': {
        const actor = await requireDepartment(em, principal, parsed.id);
        const departmentId = parsed.id;
        const ref = await this.presence.track(em, actor, departmentId, params.status);
        const state = await this.presence.list(departmentId);
        return plain([event('presence', departmentId, 'presence_state', state)], async () => {
          await this.presence.untrack(actor.tenantId, departmentId, ref);
        });
      }
      case 'call':
        return this.openCall(em, principal, parsed.id, topic as string, connectionId);
    }
  }

  private async openCall(em: EntityManager, principal: Principal, callId: string, topic: string, connectionId: string): Promise<RealtimeSession> {
    const { call, who, name } = await requireCall(em, principal, callId);
    if (call.status === 'active' && call.disconnectedParticipant === who.participantId) {
      const back = await em.nativeUpdate(
        Call, { id: call.id, status: 'active', disconnectedParticipant: who.participantId },
        { disconnectedAt: null, disconnectedParticipant: null, reconnectedAt: new Date() },
      );
      if (back) this.bus.publish(event('call', call.id, 'peer_reconnected', { user_id: who.participantId, role: who.role }));
    }
    const initial: BusEvent[] = [];
    const customerWaiting = principal.kind === 'customer' && call.status === 'queued';
    if (customerWaiting) {
      await em.nativeUpdate(Call, { id: call.id, status: 'queued' }, { customerSeenAt: new Date() });
      const s = await this.queue.standing(em, call.tenantId, { id: call.id, insertedAt: call.insertedAt, departmentId: call.department.id });
      initial.push(event('call', call.id, 'queue_position', { position: s.position, estimated_wait_time: s.estimatedWaitTime }));
    }
    // Counted only once nothing else can fail, so a failed join leaves no trace.
    // Without Redis for a moment the socket still opens; only the cross-instance count misses it.
    await this.connections.add(call.id, who.participantId, connectionId).catch((err) => this.log.warn({ err: String(err) }, 'call connection not recorded'));
    if (customerWaiting) this.customersOnline.set(call.id, (this.customersOnline.get(call.id) ?? 0) + 1);
    this.bus.publish(event('call', call.id, 'participant_joined', { user_id: who.participantId, name, role: who.role }, { exclude: connectionId }));
    return {
      topic, participantId: who.participantId, initial,
      close: async (how) => {
        if (customerWaiting) decrement(this.customersOnline, call.id);
        const stillHere = (await this.connections.remove(call.id, who.participantId, connectionId).catch(() => 0)) > 0;
        if (how === 'dropped' && !stillHere && (await this.startGrace(call.id, who))) return;
        this.bus.publish(event('call', call.id, 'participant_left', { user_id: who.participantId }));
        await this.media.participantLeft(who).catch(() => undefined);
      },
    };
  }

  /**
   * A topic as an async iterator, for GraphQL subscriptions. The bus subscription starts before
   * the topic opens, so nothing published while it opens is lost; the opening's initial events
   * come first. `closed()` tells, at the end, whether the connection died or just unsubscribed.
   */
  async stream(
    principal: Principal, topic: string, connection: { id: string; closed(): boolean },
    params: Record<string, unknown> = {}, only?: (e: BusEvent) => boolean,
  ): Promise<BusIterator> {
    const self = participantId(principal);
    const iterator = busIterator(this.bus, topic, { accept: (e) => isFor(e, self, connection.id) && (!only || only(e)) });
    let session: RealtimeSession;
    try {
      session = await this.open(principal, topic, connection.id, params);
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
    iterator.prepend(session.initial);
    iterator.onReturn(() => void session.close(connection.closed() ? 'dropped' : 'left').catch(() => undefined));
    return iterator;
  }

  /** An active call whose participant dropped: the others hear of it and the grace starts. */
  private async startGrace(callId: string, who: MediaParticipant): Promise<boolean> {
    const changed = await tenantEm(this.fork, who.tenantId).nativeUpdate(
      Call, { id: callId, status: 'active', disconnectedAt: null },
      { disconnectedAt: new Date(), disconnectedParticipant: who.participantId },
    );
    if (!changed) return false;
    this.bus.publish(event('call', callId, 'peer_disconnected', { user_id: who.participantId, role: who.role }));
    return true;
  }

  /** Open customer sockets count as signs of life: their queued calls are touched regularly. */
  startSeenTouch(everyMs: number) {
    this.toucher = every(everyMs, async () => {
      const ids = [...this.customersOnline.keys()];
      if (!ids.length) return;
      await this.fork().getConnection()
        .execute(`update calls set customer_seen_at = now() where status = 'queued' and id in (${ids.map(() => '?').join(', ')})`, ids, 'run');
    }, this.log, 'customer liveness update');
  }

  async stop() {
    await this.toucher?.stop();
  }
}

function decrement(map: Map<string, number>, key: string): number {
  const left = (map.get(key) ?? 1) - 1;
  if (left > 0) map.set(key, left);
  else map.delete(key);
  return left;
}
