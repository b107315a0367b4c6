import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';

export interface TimerSettings {
  /** Seconds an assigned call may stay unstarted before it returns to the queue. */
  assignTimeoutSeconds: number;
  /** Seconds a queued customer may go without a poll or an open socket before the call is abandoned. */
  abandonTimeoutSeconds: number;
}

/** What one sweep changed, per transition, so callers (and later the event bus) can react. */
export interface SweepResult {
  requeued: Array<{ id: string; tenantId: string; departmentId: string }>;
  missed: Array<{ id: string; tenantId: string; departmentId: string }>;
  abandoned: Array<{ id: string; tenantId: string; departmentId: string }>;
}

type Row = { id: string; tenant_id: string; department_id: string };
const rows = (r: Row[]) => r.map((x) => ({ id: x.id, tenantId: x.tenant_id, departmentId: x.department_id }));

/**
 * The state table's timers, as conditional UPDATEs over stored timestamps and the database
 * clock. Each row changes at most once (its status no longer matches afterwards), so sweeps
 * can run on every instance, after any restart, without losing or repeating a transition.
 * These run across tenants on purpose: they are the system acting, not a user.
 */
export async function sweepCallTimers(em: EntityManager, settings: TimerSettings): Promise<SweepResult> {
  const requeued = await em.execute<Row[]>(
    `update calls set status = 'queued', user_id = null, assigned_at = null, updated_at = now()
      where status = 'assigned' and assigned_at < now() - make_interval(secs => ?)
      returning id, tenant_id, department_id`,
    [settings.assignTimeoutSeconds],
  );
  const missed = await em.execute<Row[]>(
    `update calls c set status = 'missed', end_reason = 'timeout', completed_at = now(),
            wait_time = greatest(0, round(extract(epoch from now() - c.inserted_at)))::int, updated_at = now()
       from departments d
      where c.department_id = d.id and c.status = 'queued'
        and c.inserted_at < now() - make_interval(secs => d.queue_timeout)
      returning c.id, c.tenant_id, c.department_id`,
  );
  const abandoned = await em.execute<Row[]>(
    `update calls set status = 'abandoned', end_reason = 'abandoned', completed_at = now(),
            wait_time = greatest(0, round(extract(epoch from now() - inserted_at)))::int, updated_at = now()
      where status = 'queued' and customer_seen_at < now() - make_interval(secs => ?)
      returning id, tenant_id, department_id`,
    [settings.abandonTimeoutSeconds],
  );
  return { requeued: rows(requeued), missed: rows(missed), abandoned: rows(abandoned) };
}

/** Runs the sweep every `intervalMs` until stopped; a failed sweep is logged and retried next tick. */
export function startCallTimers(fork: () => EntityManager, settings: TimerSettings, intervalMs: number, log: Logger) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepCallTimers(fork(), settings)
      .then((r) => {
        const changed = r.requeued.length + r.missed.length + r.abandoned.length;
        if (changed) log.info({ requeued: r.requeued.length, missed: r.missed.length, abandoned: r.abandoned.length }, 'call timers fired');
      })
      .catch((err) => log.warn({ err }, 'call timer sweep failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
