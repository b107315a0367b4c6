import type { Redis } from 'ioredis';
import type { PresenceBackend, PresenceEntry } from './presence-types';

const DEPARTMENTS = 'voki:presence:departments';
const deptKey = (departmentId: string) => `voki:presence:dept:${departmentId}`;
const userKey = (userId: string) => `voki:presence:user:${userId}`;
/** Compare-and-set of one entry, atomic in Redis: KEYS[1] hash, ARGV field, expected phx_ref, new JSON. */
const REPLACE = `local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur or cjson.decode(cur).meta.phx_ref ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;
export const leaseKey = (instance: string) => `voki:presence:instance:${instance}`;

/**
 * Presences in Redis: one hash per department (socket key → entry) and a lease per instance.
 * An instance renews its lease every `leaseMs / 3`; entries whose instance lost its lease are
 * hidden at once and removed by the next reap on any instance.
 */
export class RedisPresenceBackend implements PresenceBackend {
  private readonly renewal: NodeJS.Timeout;

  constructor(private readonly redis: Redis, private readonly instance: string, private readonly leaseMs: number) {
    this.renew();
    this.renewal = setInterval(() => this.renew(), Math.max(200, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }

  private renew() {
    this.redis.set(leaseKey(this.instance), '1', 'PX', this.leaseMs).catch(() => undefined);
  }

  async put(departmentId: string, entry: PresenceEntry) {
    await this.redis.multi()
      .hset(deptKey(departmentId), entry.key, JSON.stringify(entry))
      .sadd(DEPARTMENTS, departmentId)
      .sadd(userKey(entry.userId), departmentId)
      .exec();
  }

  async replace(departmentId: string, entry: PresenceEntry, expectedRef: string) {
    const swapped = await this.redis.eval(REPLACE, 1, deptKey(departmentId), entry.key, expectedRef, JSON.stringify(entry));
    return swapped === 1;
  }

  async remove(departmentId: string, key: string) {
    const result = await this.redis.multi().hget(deptKey(departmentId), key).hdel(deptKey(departmentId), key).exec();
    const [[, raw], [, deleted]] = (result ?? [[null, null], [null, 0]]) as [[unknown, string | null], [unknown, number]];
    if (deleted !== 1 || !raw) return undefined;
    return JSON.parse(raw) as PresenceEntry;
  }

  private async all(departmentId: string): Promise<PresenceEntry[]> {
    const raw = await this.redis.hgetall(deptKey(departmentId));
    // An entry written before entries had a key (an older instance in a rolling deploy) is keyed by its phx_ref.
    return Object.values(raw).map((v) => {
      const entry = JSON.parse(v) as PresenceEntry;
      return entry.key ? entry : { ...entry, key: entry.meta.phx_ref };
    });
  }

  private async liveInstances(entries: PresenceEntry[]): Promise<Set<string>> {
    const instances = [...new Set(entries.map((e) => e.instance))];
    if (!instances.length) return new Set();
    const leases = await this.redis.mget(...instances.map(leaseKey));
    return new Set(instances.filter((_, i) => leases[i] !== null));
  }

  async entries(departmentId: string) {
    const all = await this.all(departmentId);
    const live = await this.liveInstances(all);
    return all.filter((e) => live.has(e.instance));
  }

  async departmentsOf(userId: string) {
    return this.redis.smembers(userKey(userId));
  }

  async reap() {
    const reaped: Array<{ departmentId: string; entry: PresenceEntry }> = [];
    for (const departmentId of await this.redis.smembers(DEPARTMENTS)) {
      const all = await this.all(departmentId);
      if (!all.length) {
        await this.redis.srem(DEPARTMENTS, departmentId);
        continue;
      }
      const live = await this.liveInstances(all);
      for (const e of all) {
        if (live.has(e.instance)) continue;
        const removed = await this.remove(departmentId, e.key);
        if (removed) reaped.push({ departmentId, entry: removed });
      }
    }
    return reaped;
  }

  async close() {
    clearInterval(this.renewal);
    // Our sockets are closing with us: take their entries out rather than wait for the lease.
    await this.redis.del(leaseKey(this.instance)).catch(() => undefined);
  }
}
