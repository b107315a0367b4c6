import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, invalid } from '../errors';
import { requireRole } from '../auth/roles';
import type { Principal } from '../auth/principal';
import type { Scope } from '../auth/actor';
import type { EventBus } from '../events/event-bus';
import { event } from '../events/catalog';
import type { IceCandidate, MediaGateway, MediaParticipant, SdpMessage, SupervisionMode } from '../sfu/media-gateway';
import type { PresenceService } from './presence.service';
import { loadVisibleCall } from './call-access';
import { callInState } from './calls.service';
import { requireCall, requireDepartment, scopedEm } from './topic-access';
import { audit } from './audit';

/**
 * What participants do during a call and agents do to their presence: the pushes of the call
 * and presence channels (also GraphQL mutations), and supervision. Media work is handed to the
 * MediaGateway; what the others should know goes on the bus.
 */
export class CallControlsService {
  constructor(
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
    private readonly media: MediaGateway,
    private readonly fork: () => EntityManager,
  ) {}

  async signal(principal: Principal, callId: string, message: SdpMessage) {
    if (!['offer', 'answer'].includes(message?.type) || typeof message.sdp !== 'string' || !message.sdp) {
      throw invalid({ type: ['must be offer or answer, with an sdp'] });
    }
    const { call, who } = await requireCall(scopedEm(this.fork, principal), principal, callId);
    if (call.status !== 'assigned' && call.status !== 'active') throw conflict(`${callInState(call.status)}: media flows only once it is assigned`);
    await this.media.signal(who, { type: message.type, sdp: message.sdp });
    return true;
  }

  async iceCandidate(principal: Principal, callId: string, candidate: IceCandidate) {
    if (typeof candidate?.candidate !== 'string') throw invalid({ candidate: ['is required'] });
    const { who } = await requireCall(scopedEm(this.fork, principal), principal, callId);
    await this.media.iceCandidate(who, candidate);
    return true;
  }

  /** Pauses or resumes the sender's track; the other participants receive `mute`. */
  async mute(principal: Principal, callId: string, kind: string, muted: boolean, connectionId?: string) {
    if (kind !== 'audio' && kind !== 'video') throw invalid({ type: ['must be audio or video'] });
    if (typeof muted !== 'boolean') throw invalid({ muted: ['must be true or false'] });
    const { call, who } = await requireCall(scopedEm(this.fork, principal), principal, callId);
    await this.media.mute(who, kind, muted);
    this.bus.publish(event('call', call.id, 'mute', { user_id: who.participantId, type: kind, muted }, connectionId ? { exclude: connectionId } : {}));
    return true;
  }

  async updateStatus(principal: Principal, departmentId: string, status: unknown) {
    const actor = await requireDepartment(scopedEm(this.fork, principal), principal, departmentId);
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
    await this.media.supervise(supervisor, mode);
    audit(scope, { action: 'call.supervised', targetType: 'call', targetId: call.id, changes: { mode: [null, mode] } });
    await scope.em.flush();
    this.bus.publish(event('call', call.id, `${mode}_start`, { supervisor_id: scope.actor.userId, supervisor_name: scope.actor.name }, agentId ? { to: agentId } : {}));
    return { callId: call.id, mode, supervisorId: scope.actor.userId };
  }

  /** The supervisor's media leaves the call (also when they leave its channel). */
  async stopSupervising(scope: Scope, callId: string) {
    requireRole(scope.actor, 'supervisor');
    const call = await loadVisibleCall(scope, callId);
    await this.media.supervise({ tenantId: call.tenantId, callId: call.id, participantId: scope.actor.userId, role: scope.actor.role }, null);
    return true;
  }
}
