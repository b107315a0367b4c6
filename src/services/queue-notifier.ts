import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { BusEvent, EventBus } from '../events/event-bus';
import { event } from '../events/catalog';
import type { QueueMath } from './queue';

/**
 * Keeps `queue_update` on `queue:{department_id}` and each queued customer's `queue_position`
 * on `call:{call_id}` current. Changes to one department are coalesced (`delayMs`), then one
 * snapshot query yields every position; only positions that changed since this instance last
 * told them are published, all in one bus message.
 */
export class QueueNotifier {
  private readonly pending = new Map<string, { tenantId: string; positions: boolean; timer: NodeJS.Timeout }>();
  private readonly told = new Map<string, Map<string, string>>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly queue: QueueMath,
    private readonly fork: () => EntityManager,
    private readonly log: Logger,
    private readonly delayMs = 25,
  ) {}

  /** `positionsMoved`: false when only the end of the queue changed (a join), so nobody moved. */
  changed(tenantId: string, departmentId: string, positionsMoved = true) {
    if (this.stopped) return;
    const pending = this.pending.get(departmentId);
    if (pending) {
      pending.positions ||= positionsMoved;
      return;
    }
    const entry = { tenantId, positions: positionsMoved, timer: undefined as unknown as NodeJS.Timeout };
    entry.timer = setTimeout(() => {
      this.pending.delete(departmentId);
      const run = this.refresh(tenantId, departmentId, entry.positions)
        .catch((err) => this.log.warn({ err, departmentId }, 'queue refresh failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, this.delayMs);
    this.pending.set(departmentId, entry);
  }

  async refresh(tenantId: string, departmentId: string, positions = true) {
    if (!positions) {
      const q = await this.queue.summary(this.fork(), tenantId, departmentId);
      this.bus.publish(this.update(departmentId, q));
      return;
    }
    const snap = await this.queue.snapshot(this.fork(), tenantId, departmentId);
    const before = this.told.get(departmentId) ?? new Map<string, string>();
    const now = new Map<string, string>();
    const events: BusEvent[] = [this.update(departmentId, snap)];
    for (const p of snap.positions) {
      const key = `${p.position}:${p.estimatedWaitTime}`;
      now.set(p.callId, key);
      if (before.get(p.callId) === key) continue;
      events.push(event('call', p.callId, 'queue_position', { position: p.position, estimated_wait_time: p.estimatedWaitTime }));
    }
    if (now.size) this.told.set(departmentId, now);
    else this.told.delete(departmentId);
    this.bus.publish(events);
  }

  private update(departmentId: string, q: { queueSize: number; avgWaitTime: number; onlineAgents: number }): BusEvent {
    return queueUpdate(departmentId, q);
  }

  async stop() {
    this.stopped = true;
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.all([...this.running]);
  }
}

/** `queue_update` for a department, from a queue summary (also sent to each subscriber on join). */
export const queueUpdate = (departmentId: string, q: { queueSize: number; avgWaitTime: number; onlineAgents: number }) =>
  event('queue', departmentId, 'queue_update', { queue_size: q.queueSize, avg_wait_time: q.avgWaitTime, online_agents: q.onlineAgents });
