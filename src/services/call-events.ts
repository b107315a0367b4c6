import type { EventBus, BusEvent } from '../events/event-bus';
import type { EventCatalog } from '../events/catalog';
import { event } from '../events/catalog';
import type { QueueNotifier } from './queue-notifier';
import type { PresenceService } from './presence.service';

export interface CallRef { id: string; tenantId: string; departmentId: string }
export type LeftReason = EventCatalog['queue']['customer_left']['reason'];
type EndedReason = EventCatalog['call']['call_ended']['reason'];

/**
 * What the call lifecycle tells the world (seed 003, CONTRACT §5–6). Services call these after
 * their write has succeeded; each method publishes on the bus and lets the queue notifier and
 * presence follow.
 */
export class CallEvents {
  private queued: (tenantId: string) => void = () => undefined;

  constructor(private readonly bus: EventBus, private readonly notifier: QueueNotifier, private readonly presence: PresenceService) {}

  /** The router registers here: a call (re)entered a queue. Set once at start-up. */
  whenQueued(listener: (tenantId: string) => void) {
    this.queued = listener;
  }

  joined(call: CallRef, customerName: string, position: number, queueSize: number, estimatedWaitTime: number) {
    this.bus.publish([
      event('queue', call.departmentId, 'customer_joined', { call_id: call.id, customer_name: customerName, position, queue_size: queueSize }),
      event('call', call.id, 'queue_position', { position, estimated_wait_time: estimatedWaitTime }),
    ]);
    this.notifier.changed(call.tenantId, call.departmentId, false);
    this.queued(call.tenantId);
  }

  /** Back in the queue after an unstarted assignment: the queue hears of it as a join. */
  requeued(call: CallRef, customerName: string, position: number, queueSize: number) {
    this.bus.publish(event('queue', call.departmentId, 'customer_joined', { call_id: call.id, customer_name: customerName, position, queue_size: queueSize }));
    this.notifier.changed(call.tenantId, call.departmentId);
    this.queued(call.tenantId);
  }

  left(call: CallRef, reason: LeftReason, ended?: EndedReason) {
    const events: BusEvent[] = [event('queue', call.departmentId, 'customer_left', { call_id: call.id, reason })];
    if (ended) events.push(event('call', call.id, 'call_ended', { reason: ended }));
    this.bus.publish(events);
    this.notifier.changed(call.tenantId, call.departmentId);
  }

  assigned(call: CallRef, agent: { id: string; name: string }, customerName: string, departmentName: string) {
    const assignedPayload = { call_id: call.id, user_id: agent.id, user_name: agent.name };
    this.bus.publish([
      event('queue', call.departmentId, 'customer_left', { call_id: call.id, reason: 'assigned' }),
      event('queue', call.departmentId, 'call_assigned', assignedPayload),
      event('call', call.id, 'call_assigned', assignedPayload),
      event('notification', agent.id, 'new_notification', {
        type: 'call_assigned', title: 'New call assigned', body: `${customerName} is waiting in ${departmentName}`, data: { call_id: call.id },
      }),
    ]);
    this.notifier.changed(call.tenantId, call.departmentId);
  }

  started(call: CallRef, agent: { id: string; name: string }, startedAt: Date) {
    this.bus.publish(event('call', call.id, 'call_started', { call_id: call.id, user_id: agent.id, user_name: agent.name, started_at: startedAt.toISOString() }));
    void this.presence.callStarted(call.tenantId, agent.id, call.id).catch(() => undefined);
  }

  /** `reason`: "completed" for a normal end, "disconnect" after the grace period. */
  ended(call: CallRef, agentId: string | null, reason: 'completed' | 'disconnect') {
    this.bus.publish(event('call', call.id, 'call_ended', { reason }));
    if (agentId) void this.presence.callEnded(call.tenantId, agentId, call.id).catch(() => undefined);
  }

  publish(events: BusEvent | BusEvent[]) {
    this.bus.publish(events);
  }
}
