import type { Redis } from 'ioredis';
import { leaseKey } from './redis-backend';

/**
 * Which sockets a participant has open on a call, over every instance: a socket that drops
 * starts the reconnection grace only if no other socket of that participant is open anywhere
 * (a customer who reconnected to another instance is not "gone" when the old socket times out).
 */
export interface CallConnections {
  add(callId: string, participantId: string, connectionId: string): Promise<void>;
  /** Removes one socket; resolves with how many of that participant's sockets remain open. */
  remove(callId: string, participantId: string, connectionId: string): Promise<number>;
}

export class MemoryCallConnections implements CallConnections {
  private readonly open = new Map<string, Set<string>>();

  async add(callId: string, participantId: string, connectionId: string) {
    const key = `${callId} ${participantId}`;
    let set = this.open.get(key);
    if (!set) this.open.set(key, (set = new Set()));
    set.add(connectionId);
  }

  async remove(callId: string, participantId: string, connectionId: string) {
    const key = `${callId} ${participantId}`;
    const set = this.open.get(key);
    set?.delete(connectionId);
    if (set && !set.size) this.open.delete(key);
    return set?.size ?? 0;
  }
}

const KEY_TTL_S = 24 * 3600;
const key = (callId: string, participantId: string) => `voki:callconn:${callId}:${participantId}`;

/** In Redis, one hash per participant (`instance connection` → 1); sockets of dead instances (lease gone) do not count. */
export class RedisCallConnections implements CallConnections {
  constructor(private readonly redis: Redis, private readonly instance: string) {}

  async add(callId: string, participantId: string, connectionId: string) {
    await this.redis.multi().hset(key(callId, participantId), `${this.instance} ${connectionId}`, '1').expire(key(callId, participantId), KEY_TTL_S).exec();
  }

  async remove(callId: string, participantId: string, connectionId: string) {
    const k = key(callId, participantId);
    const result = await this.redis.multi().hdel(k, `${this.instance} ${connectionId}`).hkeys(k).exec();
    const fields = ((result?.[1]?.[1] as string[] | undefined) ?? []);
    const instances = [...new Set(fields.map((f) => f.split(' ')[0]))];
    if (!instances.length) return 0;
    const leases = await this.redis.mget(...instances.map(leaseKey));
    const live = new Set(instances.filter((_, i) => leases[i] !== null));
    return fields.filter((f) => live.has(f.split(' ')[0])).length;
  }
}
