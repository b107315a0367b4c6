import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { CallEvents, CallRef } from './call-events';
import type { QueueMath } from './queue';
import { every } from './background';
import { changeCalls } from './outbox';

export interface TimerSettings {
  /** Seconds an assigned call may stay unstarted before it returns to the queue. */
  assignTimeoutSeconds: number;
  /** Seconds a queued customer may go without a poll or an open socket before the call is abandoned. */
  abandonTimeoutSeconds: number;
  /** Seconds a participant of an active call may stay disconnected before the call ends. */
  graceSeconds: number;
}

type Changed = CallRef & { customerName: string; userId: string | null; insertedAt: Date };

/** What one sweep changed, per transition, so the events can be told. */
export interface SweepResult {
  requeued: Changed[];
  missed: Changed[];
  abandoned: Changed[];
  disconnected: Changed[];
}

type Row = { id: string; tenant_id: string; department_id: string; customer_name: string; user_id: string | null; inserted_at: Date };
const rows = (r: Row[]): Changed[] =>
  r.map((x) => ({
    id: x.id, tenantId: x.tenant_id, departmentId: x.department_id, customerName: x.customer_name, userId: x.user_id,
    insertedAt: new Date(x.inserted_at),
  }));
const RETURNING = `returning c.id, c.tenant_id, c.department_id, c.user_id, c.inserted_at,
  (select name from customers where id = c.customer_id) as customer_name`;
/** The same columns, from changeCalls's joined rows. */
const ENDED = 'c.id, c.tenant_id, c.department_id, c.user_id, c.inserted_at, cu.name as customer_name';

/**
 * The state table's timers, as conditional UPDATEs over stored timestamps and the database
 * clock. Each row changes at most once (its status no longer matches afterwards), so sweeps
 * can run on every instance, after any restart, without losing or repeating a transition.
 * These run across tenants on purpose: they are the system acting, not a user.
 */
export async function sweepCallTimers(em: EntityManager, settings: TimerSettings): Promise<SweepResult> {
  const requeued = await em.execute<Row[]>(
    `update calls c set status = 'queued', user_id = null, assigned_at = null, routed = false, updated_at = now()
      where c.status = 'assigned' and c.assigned_at < now() - make_interval(secs => ?)
      ${RETURNING}`,
    [settings.assignTimeoutSeconds],
  );
  // The endings are calls' events (call.missed, call.abandoned, call.completed): recorded in the outbox by the same statement.
  const missed = await changeCalls<Row>(em,
    `update calls c set status = 'missed', end_reason = 'timeout', completed_at = now(),
            wait_time = greatest(0, round(extract(epoch from now() - c.inserted_at)))::int, updated_at = now()
       from departments dq
      where c.department_id = dq.id and c.status = 'queued'
        and c.inserted_at < now() - make_interval(secs => dq.queue_timeout)`,
    [], ENDED,
  );
  const abandoned = await changeCalls<Row>(em,
    `update calls c set status = 'abandoned', end_reason = 'abandoned', completed_at = now(),
            wait_time = greatest(0, round(extract(epoch from now() - c.inserted_at)))::int, updated_at = now()
      where c.status = 'queued' and c.customer_seen_at < now() - make_interval(secs => ?)`,
    [settings.abandonTimeoutSeconds], ENDED,
  );
  const disconnected = await changeCalls<Row>(em,
    `update calls c set status = 'completed', end_reason = 'disconnect', completed_at = now(),
            duration = greatest(0, round(extract(epoch from now() - coalesce(c.started_at, now()))))::int, updated_at = now()
      where c.status = 'active' and c.disconnected_at is not null and c.disconnected_at < now() - make_interval(secs => ?)`,
    [settings.graceSeconds], ENDED,
  );
  return { requeued: rows(requeued), missed: rows(missed), abandoned: rows(abandoned), disconnected: rows(disconnected) };
}

/** Tells each transition of a sweep: the queue, the customer and the agent hear of it. */
export async function announceSweep(result: SweepResult, events: CallEvents, queue: QueueMath, em: EntityManager) {
  for (const c of result.requeued) {
    const standing = await queue.standing(em, c.tenantId, c);
    events.requeued(c, c.customerName, standing.position, standing.queueSize);
  }
  for (const c of result.missed) events.left(c, 'timeout', 'timeout');
  for (const c of result.abandoned) events.left(c, 'cancelled', 'abandoned');
  for (const c of result.disconnected) events.ended(c, c.userId, 'disconnect');
}

/** Runs the sweep every `intervalMs` until stopped, and announces what it changed. */
export function startCallTimers(
  fork: () => EntityManager, settings: TimerSettings, intervalMs: number, log: Logger,
  announce: (r: SweepResult, em: EntityManager) => Promise<void> = async () => undefined,
) {
  return every(intervalMs, async () => {
    const em = fork();
    const r = await sweepCallTimers(em, settings);
    const changed = r.requeued.length + r.missed.length + r.abandoned.length + r.disconnected.length;
    if (!changed) return;
    log.info({ requeued: r.requeued.length, missed: r.missed.length, abandoned: r.abandoned.length, disconnected: r.disconnected.length }, 'call timers fired');
    await announce(r, em);
  }, log, 'call timer sweep');
}
