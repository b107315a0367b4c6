import type { PresenceState } from '../presence/presence-types';
import type { BusEvent } from './event-bus';
import { topics, type TopicKind } from './topics';

type Participant = { user_id: string; role: string };
type Supervisor = { supervisor_id: string; supervisor_name: string };
type Assigned = { call_id: string; user_id: string; user_name: string };

/**
 * Every event of seed 003 and CONTRACT §6, per channel family, with its payload exactly as it
 * goes on the wire. Publishing goes through `event()`, so a payload that drifts from this
 * catalog does not compile.
 */
export interface EventCatalog {
  queue: {
    customer_joined: { call_id: string; customer_name: string; position: number; queue_size: number };
    customer_left: { call_id: string; reason: 'assigned' | 'timeout' | 'cancelled' };
    call_assigned: Assigned;
    queue_update: { queue_size: number; avg_wait_time: number; online_agents: number };
  };
  call: {
    queue_position: { position: number; estimated_wait_time: number };
    call_assigned: Assigned;
    call_started: Assigned & { started_at: string };
    call_ended: { reason: 'completed' | 'disconnect' | 'timeout' | 'abandoned' | 'cancelled' };
    participant_joined: { user_id: string; name: string; role: string };
    participant_left: { user_id: string };
    peer_disconnected: Participant;
    peer_reconnected: Participant;
    mute: { user_id: string; type: 'audio' | 'video'; muted: boolean };
    monitor_start: Supervisor;
    whisper_start: Supervisor;
    barge_start: Supervisor;
    signal: { type: 'offer' | 'answer'; sdp: string };
    ice_candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };
    /** The SFU lost this participant's media (its worker died): close the RTCPeerConnection and offer afresh. */
    media_reset: { reason: string };
  };
  presence: {
    presence_state: PresenceState;
    presence_diff: { joins: PresenceState; leaves: PresenceState };
  };
  notification: {
    new_notification: { type: 'call_assigned' | 'appointment_reminder' | 'system'; title: string; body: string; data: Record<string, string> };
    appointment_reminder: { appointment_id: string; title: string; scheduled_at: string; customer_name: string | null; minutes_until: number };
  };
}

/** One event for the bus: `event('queue', departmentId, 'customer_left', {...})`. */
export function event<K extends TopicKind, E extends keyof EventCatalog[K] & string>(
  kind: K, id: string, name: E, payload: EventCatalog[K][E], route: Pick<BusEvent, 'to' | 'exclude'> = {},
): BusEvent {
  return { topic: topics[kind](id), event: name, payload: payload as Record<string, unknown>, ...route };
}
