import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Call } from '../entities';
import { invalid } from '../errors';
import type { Actor } from '../auth/actor';
import type { EventBus } from '../events/event-bus';
import { event } from '../events/catalog';
import {
  PRESENCE_STATUSES, stateOf, type PresenceBackend, type PresenceEntry, type PresenceMeta, type PresenceState, type PresenceStatus,
} from '../presence/presence-types';
import type { PresenceReader } from './queue';

/**
 * Called when an agent's presence in a department changed, so the online-agent count may have
 * (the queue estimate uses it) and so may whom routing can offer calls to.
 */
export type OnlineChanged = (tenantId: string, departmentId: string, userId: string) => void;

/**
 * Agents' presence per department, in Phoenix Presence shapes. Each socket that joins
 * `presence:{department_id}` (or subscribes to presenceEvents) is one meta under its user's
 * key; changes go out as `presence_diff` on the bus, where an update is a leave of the old
 * meta and a join of the new one (new `phx_ref`, old one in `phx_ref_prev`), as Phoenix does.
 */
export class PresenceService implements PresenceReader {
  private onlineChanged: OnlineChanged = () => undefined;

  constructor(private readonly backend: PresenceBackend, private readonly bus: EventBus, private readonly instance: string) {}

  /** The queue notifier registers here; set once at start-up. */
  whenOnlineChanges(listener: OnlineChanged) {
    this.onlineChanged = listener;
  }

  /**
   * Tracks one socket of `actor` in the department. An agent in an active call shows busy with
   * that call, whatever status the client asked for. Returns the new entry's ref.
   */
  async track(em: EntityManager, actor: Actor, departmentId: string, requested?: unknown): Promise<string> {
    const status = requested === undefined || requested === null ? 'online' : parseStatus(requested);
    const active = await em.findOne(Call, { user: actor.userId, status: 'active' }, { fields: ['id'] as never });
    const meta: PresenceMeta = {
      phx_ref: newRef(), name: actor.name, status: active ? 'busy' : status,
      current_call_id: active?.id ?? null, online_at: Date.now(),
    };
    await this.backend.put(departmentId, { key: meta.phx_ref, userId: actor.userId, meta, instance: this.instance });
    this.diff(departmentId, { joins: [{ userId: actor.userId, meta }] });
    this.onlineChanged(actor.tenantId, departmentId, actor.userId);
    return meta.phx_ref;
  }

  /** `key`: what track returned, whatever updates the entry has had since. */
  async untrack(tenantId: string, departmentId: string, key: string) {
    const removed = await this.backend.remove(departmentId, key);
    if (!removed) return;
    this.diff(departmentId, { leaves: [{ userId: removed.userId, meta: removed.meta }] });
    this.onlineChanged(tenantId, departmentId, removed.userId);
  }

  async list(departmentId: string): Promise<PresenceState> {
    return stateOf(await this.backend.entries(departmentId));
  }

  /** The `update_status` push: every socket of the user in that department takes the status. */
  async setStatus(actor: Actor, departmentId: string, status: unknown) {
    const next = parseStatus(status);
    await this.update(actor.tenantId, departmentId, actor.userId, (m) => ({ ...m, status: next }));
    return next;
  }

  /** Busy with the call while it is active; back online when it ends. */
  async callStarted(tenantId: string, userId: string, callId: string) {
    for (const departmentId of await this.backend.departmentsOf(userId)) {
      await this.update(tenantId, departmentId, userId, (m) => ({ ...m, status: 'busy', current_call_id: callId }));
    }
  }

  async callEnded(tenantId: string, userId: string, callId: string) {
    for (const departmentId of await this.backend.departmentsOf(userId)) {
      await this.update(tenantId, departmentId, userId, (m) =>
        m.current_call_id === callId ? { ...m, status: m.status === 'busy' ? 'online' : m.status, current_call_id: null } : m);
    }
  }

  /** Agents online in the department: distinct users with a socket there who are not away. */
  async onlineAgents(_tenantId: string, departmentId: string): Promise<number> {
    const entries = await this.backend.entries(departmentId);
    return new Set(entries.filter((e) => e.meta.status !== 'away').map((e) => e.userId)).size;
  }

  /** Expires the presences of instances that died; each leave is announced by one instance. */
  async reap(tenantOf: (departmentId: string) => Promise<string | undefined>) {
    const reaped = await this.backend.reap();
    for (const { departmentId, entry } of reaped) {
      this.diff(departmentId, { leaves: [{ userId: entry.userId, meta: entry.meta }] });
      const tenantId = await tenantOf(departmentId);
      if (tenantId) this.onlineChanged(tenantId, departmentId, entry.userId);
    }
    return reaped.length;
  }

  private async update(tenantId: string, departmentId: string, userId: string, change: (m: PresenceMeta) => PresenceMeta) {
    const mine = (await this.backend.entries(departmentId)).filter((e) => e.userId === userId);
    const joins: Array<{ userId: string; meta: PresenceMeta }> = [];
    const leaves: Array<{ userId: string; meta: PresenceMeta }> = [];
    for (const entry of mine) {
      const changed = change(entry.meta);
      if (changed === entry.meta) continue;
      const meta: PresenceMeta = { ...changed, phx_ref: newRef(), phx_ref_prev: entry.meta.phx_ref };
      // Swapped in place, so a reader never sees the user vanish for a moment (routing would
      // take that for leaving); of two concurrent updates of one entry only one is announced.
      if (!(await this.backend.replace(departmentId, { ...entry, meta } satisfies PresenceEntry, entry.meta.phx_ref))) continue;
      joins.push({ userId, meta });
      leaves.push({ userId, meta: entry.meta });
    }
    if (joins.length) {
      this.diff(departmentId, { joins, leaves });
      this.onlineChanged(tenantId, departmentId, userId);
    }
    return joins.map((j) => j.meta);
  }

  private diff(departmentId: string, d: { joins?: Array<{ userId: string; meta: PresenceMeta }>; leaves?: Array<{ userId: string; meta: PresenceMeta }> }) {
    this.bus.publish(event('presence', departmentId, 'presence_diff', { joins: group(d.joins ?? []), leaves: group(d.leaves ?? []) }));
  }
}

function group(items: Array<{ userId: string; meta: PresenceMeta }>): PresenceState {
  const out: PresenceState = {};
  for (const { userId, meta } of items) (out[userId] ??= { metas: [] }).metas.push(meta);
  return out;
}

const newRef = () => randomUUID().replace(/-/g, '').slice(0, 16);

function parseStatus(status: unknown): PresenceStatus {
  if (typeof status === 'string' && (PRESENCE_STATUSES as readonly string[]).includes(status)) return status as PresenceStatus;
  throw invalid({ status: [`must be one of: ${PRESENCE_STATUSES.join(', ')}`] });
}
