import type { EntityManager } from '@mikro-orm/postgresql';
import { Call, Department, DepartmentMember } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { AppError, conflict, forbidden, invalid } from '../errors';
import { atLeast } from '../auth/roles';
import { participantId, type Principal } from '../auth/principal';
import type { Actor } from '../auth/actor';
import type { BusEvent, EventBus } from '../events/event-bus';
import { parseTopic } from '../events/topics';
import { event } from '../events/catalog';
import { queueUpdate } from './queue-notifier';
import { busIterator, type BusIterator } from '../events/bus-iterator';
import type { IceCandidate, MediaGateway, MediaParticipant, SdpMessage, SupervisionMode } from '../sfu/media-gateway';
import type { Scope } from '../auth/actor';
import { requireRole } from '../auth/roles';
import { loadVisibleCall } from './call-access';
import { callInState } from './calls.service';
import type { PresenceService } from './presence.service';
import type { QueueMath } from './queue';
import type { Logger } from '../logger';
import { isUuid } from './guards';

/** One subscriber's open topic, the same for a Phoenix channel and a GraphQL subscription. */
export interface RealtimeSession {
  topic: string;
  participantId: string;
  /** Sent to this subscriber alone, right after it joined (presence_state, its queue position). */
  initial: BusEvent[];
  /** `dropped`: the connection died (starts the grace in an active call); `left`: it said goodbye. */
  close(how: 'left' | 'dropped'): Promise<void>;
}

/** Whether a bus event is for this subscriber: addressed to it, or not excluding it. */
export const acceptsFor = (participant: string, connectionId: string) => (e: BusEvent) =>
  (e.to === undefined || e.to === participant) && e.exclude !== connectionId;

export const unmatchedTopic = () => new AppError('NOT_FOUND', 'unmatched topic');
const unauthorized = () => forbidden('unauthorized');

type CallGrant = { call: Call; who: MediaParticipant; name: string };

/**
 * Who may listen to which topic (CONTRACT §6), what a subscriber gets on joining, and what its
 * leaving means. Every door (Phoenix channels, graphql-ws) opens topics through `open` and
 * pushes through the methods below, so the rules live here once.
 */
export class RealtimeService {
  /** callId → this instance's open customer sockets; they keep the queued call alive. */
  private readonly customersOnline = new Map<string, number>();
  /** `callId participantId` → this instance's open sessions of that participant. */
  private readonly participants = new Map<string, number>();
  private touchTimer?: NodeJS.Timeout;

  constructor(
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
    private readonly queue: QueueMath,
    private readonly media: MediaGateway,
    private readonly fork: () => EntityManager,
    private readonly log: Logger,
  ) {}

  async open(principal: Principal, topic: unknown, connectionId: string, params: Record<string, unknown> = {}): Promise<RealtimeSession> {
    const parsed = parseTopic(topic);
    if (!parsed) throw unmatchedTopic();
    const em = this.emFor(principal);
    const self = participantId(principal);
    const plain = (initial: BusEvent[] = [], close: RealtimeSession['close'] = async () => undefined): RealtimeSession =>
      ({ topic: topic as string, participantId: self, initial, close });
    switch (parsed.kind) {
      case 'notification':
        if (principal.kind !== 'user' || parsed.id !== principal.actor.userId) throw unauthorized();
        return plain();
      case 'queue': {
        const actor = await this.requireDepartment(em, principal, parsed.id);
        return plain([queueUpdate(parsed.id, await this.queue.summary(em, actor.tenantId, parsed.id))]);
      }
      case 'presence': {
        const actor = await this.requireDepartment(em, principal, parsed.id);
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
    const { call, who, name } = await this.requireCall(em, principal, callId);
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
    // Counted only once nothing can fail any more, so a failed join leaves no trace.
    const key = `${call.id} ${who.participantId}`;
    this.participants.set(key, (this.participants.get(key) ?? 0) + 1);
    if (customerWaiting) this.customersOnline.set(call.id, (this.customersOnline.get(call.id) ?? 0) + 1);
    this.bus.publish(event('call', call.id, 'participant_joined', { user_id: who.participantId, name, role: who.role }, { exclude: connectionId }));
    return {
      topic, participantId: who.participantId, initial,
      close: async (how) => {
        if (customerWaiting) decrement(this.customersOnline, call.id);
        const stillHere = decrement(this.participants, key) > 0;
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
    const accepts = acceptsFor(participantId(principal), connection.id);
    const iterator = busIterator(this.bus, topic, { accept: (e) => accepts(e) && (!only || only(e)) });
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
    const em = this.fork();
    em.setFilterParams(TENANT_FILTER, { tenantId: who.tenantId });
    const changed = await em.nativeUpdate(
      Call, { id: callId, status: 'active', disconnectedAt: null },
      { disconnectedAt: new Date(), disconnectedParticipant: who.participantId },
    );
    if (!changed) return false;
    this.bus.publish(event('call', callId, 'peer_disconnected', { user_id: who.participantId, role: who.role }));
    return true;
  }

  async signal(principal: Principal, callId: string, message: SdpMessage) {
    if (!['offer', 'answer'].includes(message?.type) || typeof message.sdp !== 'string' || !message.sdp) {
      throw invalid({ type: ['must be offer or answer, with an sdp'] });
    }
    const { who } = await this.requireCall(this.emFor(principal), principal, callId);
    await this.media.signal(who, { type: message.type, sdp: message.sdp });
    return true;
  }

  async iceCandidate(principal: Principal, callId: string, candidate: IceCandidate) {
    if (typeof candidate?.candidate !== 'string') throw invalid({ candidate: ['is required'] });
    const { who } = await this.requireCall(this.emFor(principal), principal, callId);
    await this.media.iceCandidate(who, candidate);
    return true;
  }

  /** Pauses or resumes the sender's track; the other participants receive `mute`. */
  async mute(principal: Principal, callId: string, kind: string, muted: boolean, connectionId?: string) {
    if (kind !== 'audio' && kind !== 'video') throw invalid({ type: ['must be audio or video'] });
    if (typeof muted !== 'boolean') throw invalid({ muted: ['must be true or false'] });
    const { call, who } = await this.requireCall(this.emFor(principal), principal, callId);
    await this.media.mute(who, kind, muted);
    this.bus.publish(event('call', call.id, 'mute', { user_id: who.participantId, type: kind, muted }, connectionId ? { exclude: connectionId } : {}));
    return true;
  }

  async updateStatus(principal: Principal, departmentId: string, status: unknown) {
    const actor = await this.requireDepartment(this.emFor(principal), principal, departmentId);
    return this.presence.setStatus(actor, departmentId.toLowerCase(), status);
  }

  /**
   * A supervisor starts monitoring, whispering or barging into an active call (CONTRACT §4):
   * the media layer routes the audio, and the call's agent receives `{mode}_start`.
   */
  async supervise(scope: Scope, callId: string, mode: SupervisionMode) {
    requireRole(scope.actor, 'supervisor');
    const call = await loadVisibleCall(scope, callId);
    if (call.status !== 'active') throw conflict(`${callInState(call.status)} cannot be supervised`);
    const agentId = call.user?.id ?? null;
    const supervisor: MediaParticipant = { tenantId: call.tenantId, callId: call.id, participantId: scope.actor.userId, role: scope.actor.role };
    await this.media.supervise(supervisor, mode, agentId);
    this.bus.publish(event('call', call.id, `${mode}_start`, { supervisor_id: scope.actor.userId, supervisor_name: scope.actor.name }, agentId ? { to: agentId } : {}));
    return { callId: call.id, mode, supervisorId: scope.actor.userId };
  }

  /** Open customer sockets count as signs of life: their queued calls are touched regularly. */
  startSeenTouch(everyMs: number) {
    this.touchTimer = setInterval(() => {
      const ids = [...this.customersOnline.keys()];
      if (!ids.length) return;
      this.fork().getConnection()
        .execute(`update calls set customer_seen_at = now() where status = 'queued' and id in (${ids.map(() => '?').join(', ')})`, ids, 'run')
        .catch((err) => this.log.warn({ err }, 'customer liveness update failed'));
    }, everyMs);
    this.touchTimer.unref();
  }

  stop() {
    clearInterval(this.touchTimer);
  }

  private emFor(principal: Principal): EntityManager {
    const em = this.fork();
    em.setFilterParams(TENANT_FILTER, { tenantId: principal.kind === 'user' ? principal.actor.tenantId : principal.customer.tenantId });
    return em;
  }

  /** Members of the department and supervisors; anything else (another tenant's id too) is unauthorized. */
  private async requireDepartment(em: EntityManager, principal: Principal, departmentId: string): Promise<Actor> {
    if (principal.kind !== 'user' || !isUuid(departmentId)) throw unauthorized();
    const id = departmentId.toLowerCase();
    if (!(await em.count(Department, { id }))) throw unauthorized();
    if (!atLeast(principal.actor.role, 'supervisor') && !(await em.count(DepartmentMember, { userId: principal.actor.userId, departmentId: id }))) {
      throw unauthorized();
    }
    return principal.actor;
  }

  /** The call's own customer, its agent, and supervisors. */
  private async requireCall(em: EntityManager, principal: Principal, callId: string): Promise<CallGrant> {
    if (!isUuid(callId)) throw unauthorized();
    const call = await em.findOne(Call, { id: callId.toLowerCase() });
    if (!call) throw unauthorized();
    const tenantId = call.tenantId;
    if (principal.kind === 'customer') {
      if (principal.customer.callId !== call.id) throw unauthorized();
      return { call, name: principal.customer.name, who: { tenantId, callId: call.id, participantId: principal.customer.customerId, role: 'customer' } };
    }
    const { actor } = principal;
    if (call.user?.id !== actor.userId && !atLeast(actor.role, 'supervisor')) throw unauthorized();
    return { call, name: actor.name, who: { tenantId, callId: call.id, participantId: actor.userId, role: actor.role } };
  }
}

function decrement(map: Map<string, number>, key: string): number {
  const left = (map.get(key) ?? 1) - 1;
  if (left > 0) map.set(key, left);
  else map.delete(key);
  return left;
}
