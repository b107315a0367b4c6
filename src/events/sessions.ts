import type { BusEvent } from './event-bus';

/**
 * Internal, never a client topic (it is not one of the channel families). A user was
 * deactivated, or lost access (a role or a department membership): every instance closes that
 * user's open sockets. A deactivated user cannot reconnect; anyone else reconnects and rejoins,
 * and each rejoin is authorized afresh, as HTTP checks every request.
 */
export const SESSIONS_TOPIC = 'system:sessions';

export type RevokeReason = 'session revoked' | 'access changed';

export const sessionsRevoked = (userId: string, reason: RevokeReason = 'session revoked'): BusEvent =>
  ({ topic: SESSIONS_TOPIC, event: 'revoked', payload: { user_id: userId, reason } });

/** The user and the reason of a `revoked` event (the reason becomes the close reason). */
export function revokedUser(e: BusEvent): { userId: string; reason: RevokeReason } | undefined {
  if (e.event !== 'revoked' || typeof e.payload.user_id !== 'string') return undefined;
  return { userId: e.payload.user_id, reason: e.payload.reason === 'access changed' ? 'access changed' : 'session revoked' };
}
