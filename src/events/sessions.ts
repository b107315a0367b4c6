import type { BusEvent } from './event-bus';

/**
 * Internal, never a client topic (it is not one of the channel families): a user's sessions
 * were revoked (deactivation), so every instance closes that user's open sockets, as HTTP
 * refuses the next request at once.
 */
export const SESSIONS_TOPIC = 'system:sessions';

export const sessionsRevoked = (userId: string): BusEvent => ({ topic: SESSIONS_TOPIC, event: 'revoked', payload: { user_id: userId } });

export const revokedUser = (e: BusEvent) => (e.event === 'revoked' && typeof e.payload.user_id === 'string' ? e.payload.user_id : undefined);
