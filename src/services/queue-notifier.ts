import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { BusEvent, EventBus } from '../events/event-bus';
import { topics } from '../events/topics';
import type { QueueMath } from './queue';

/**
 * Keeps `queue_update` on `queue:{department_id}` and each queued customer's `queue_position`
 * on `call:{call_id}` current. Changes to one department are coalesced (`delayMs`), then one
 * snapshot query yields every position; only positions that changed since this instance last
 * told them are published, all in one bus message.
 */
export class QueueNotifier {
  private readonly pending = new Map<string, { tenantId: string; timer: NodeJS.Timeout }>();
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

  changed(tenantId: string, departmentId: string) {
    if (this.stopped || this.pending.has(departmentId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(departmentId);
      const run = this.refresh(tenantId, departmentId)
        .catch((err) => this.log.warn({ err, departmentId }, 'queue refresh failed'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }, this.delayMs);
    this.pending.set(departmentId, { tenantId, timer });
  }

  async refresh(tenantId: string, departmentId: string) {
    const snap = await this.queue.snapshot(this.fork(), tenantId, departmentId);
    const before = this.told.get(departmentId) ?? new Map<string, string>();
    const now = new Map<string, string>();
    const events: BusEvent[] = [{
      topic: topics.queue(departmentId), event: 'queue_update',
      payload: { queue_size: snap.queueSize, avg_wait_time: snap.avgWaitTime, online_agents: snap.onlineAgents },
    }];
    for (const p of snap.positions) {
      const key = `${p.position}:${p.estimatedWaitTime}`;
      now.set(p.callId, key);
      if (before.get(p.callId) === key) continue;
      events.push({ topic: topics.call(p.callId), event: 'queue_position', payload: { position: p.position, estimated_wait_time: p.estimatedWaitTime } });
    }
    if (now.size) this.told.set(departmentId, now);
    else this.told.delete(departmentId);
    this.bus.publish(events);
  }

  async stop() {
    this.stopped = true;
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.all([...this.running]);
  }
}
