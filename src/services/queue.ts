import type { EntityManager } from '@mikro-orm/postgresql';

/** How many agents of a department are online; the real-time presence store implements it. */
export interface PresenceReader {
  onlineAgents(tenantId: string, departmentId: string): Promise<number>;
}

/** Until presence exists every department reads as having nobody online. */
export const NO_PRESENCE: PresenceReader = { onlineAgents: async () => 0 };

/** Handling time assumed for a department with no completed call yet, in seconds. */
export const DEFAULT_HANDLING_SECONDS = 180;
const RECENT_CALLS = 20;

/** Average handling time of a department's latest completed calls; binds department_id, tenant_id. */
const RECENT_HANDLING_SQL = `select avg(duration)::float from (
  select duration from calls
   where department_id = ? and status = 'completed' and tenant_id = ? and duration is not null
   order by completed_at desc limit ${RECENT_CALLS}) recent`;

/**
 * Columns `ahead`, `size` and `handling` for one call's standing; bind with `standingParams`.
 * A statement that queues the call in the same snapshot does not see it: there `size` lacks it.
 */
export const STANDING_COLUMNS = `(select count(*) from calls
    where department_id = ? and status = 'queued' and tenant_id = ? and (inserted_at, id) < (?, ?)) as ahead,
  (select count(*) from calls where department_id = ? and status = 'queued' and tenant_id = ?) as size,
  (${RECENT_HANDLING_SQL}) as handling`;

export const standingParams = (tenantId: string, call: { id: string; insertedAt: Date; departmentId: string }) =>
  [call.departmentId, tenantId, call.insertedAt, call.id, call.departmentId, tenantId, call.departmentId, tenantId];

export interface StandingRow { ahead: string | number; size: string | number; handling: number | null }

export function standingOf(row: StandingRow, agents: number, sizeLacksSelf = false) {
  const position = Number(row.ahead) + 1;
  return { position, estimatedWaitTime: estimate(row.handling, position, agents), queueSize: Number(row.size) + (sizeLacksSelf ? 1 : 0) };
}

/** Average wait of a department's latest calls that stopped waiting; binds department_id, tenant_id. */
const RECENT_WAIT_SQL = `select avg(wait_time)::float from (
  select wait_time from calls where department_id = ? and tenant_id = ? and wait_time is not null
   order by completed_at desc nulls last limit ${RECENT_CALLS}) w`;

/** Seconds until the customer at `position` is likely served; never negative. */
export const estimate = (handling: number | null, position: number, agents: number) =>
  position <= 0 ? 0 : Math.max(0, Math.round(((handling ?? DEFAULT_HANDLING_SECONDS) * position) / Math.max(agents, 1)));

/**
 * Queue arithmetic, all from indexed queries: a position is a count over the partial index of
 * queued calls, the estimate an average over the department's latest completed calls.
 */
export class QueueMath {
  constructor(private readonly presence: PresenceReader) {}

  /**
   * Position, wait estimate and queue size for one queued call in a single round trip: the
   * counts run on the partial index of queued calls, the average over the latest completed calls.
   */
  async standing(em: EntityManager, tenantId: string, call: { id: string; insertedAt: Date; departmentId: string }) {
    const [[row], agents] = await Promise.all([
      em.execute<StandingRow[]>(`select ${STANDING_COLUMNS}`, standingParams(tenantId, call)),
      this.onlineAgents(tenantId, call.departmentId),
    ]);
    return standingOf(row, agents);
  }

  /** Size, recent average wait and agents online, without the positions (for `queue_update`). */
  async summary(em: EntityManager, tenantId: string, departmentId: string) {
    const [[row], onlineAgents] = await Promise.all([
      em.execute<{ size: string; avg_wait: number | null }[]>(
        `select (select count(*) from calls where department_id = ? and status = 'queued' and tenant_id = ?) as size, (${RECENT_WAIT_SQL}) as avg_wait`,
        [departmentId, tenantId, departmentId, tenantId],
      ),
      this.onlineAgents(tenantId, departmentId),
    ]);
    return { queueSize: Number(row.size), avgWaitTime: Math.round(row.avg_wait ?? 0), onlineAgents };
  }

  /**
   * The whole department queue at once, for the notifier: every queued call's position (same
   * order as `standing`), the size, the estimate's inputs and the recent average wait.
   */
  async snapshot(em: EntityManager, tenantId: string, departmentId: string) {
    const [rows, [stats], agents] = await Promise.all([
      em.execute<{ id: string }[]>(
        `select id from calls where department_id = ? and status = 'queued' and tenant_id = ? order by inserted_at, id`,
        [departmentId, tenantId],
      ),
      em.execute<{ handling: number | null; avg_wait: number | null }[]>(
        `select (${RECENT_HANDLING_SQL}) as handling,
                (${RECENT_WAIT_SQL}) as avg_wait`,
        [departmentId, tenantId, departmentId, tenantId],
      ),
      this.onlineAgents(tenantId, departmentId),
    ]);
    return {
      queueSize: rows.length,
      avgWaitTime: Math.round(stats.avg_wait ?? 0),
      onlineAgents: agents,
      positions: rows.map((r, i) => ({ callId: r.id, position: i + 1, estimatedWaitTime: estimate(stats.handling, i + 1, agents) })),
    };
  }

  onlineAgents(tenantId: string, departmentId: string): Promise<number> {
    return this.presence.onlineAgents(tenantId, departmentId);
  }

  /**
   * What a customer would face on joining now (validate): the queue size, the agents online and
   * the wait at the next position, in one query and one presence read.
   */
  async outlook(em: EntityManager, tenantId: string, departmentId: string) {
    const [[row], onlineAgents] = await Promise.all([
      em.execute<{ size: string; handling: number | null }[]>(
        `select (select count(*) from calls where department_id = ? and status = 'queued' and tenant_id = ?) as size,
                (${RECENT_HANDLING_SQL}) as handling`,
        [departmentId, tenantId, departmentId, tenantId],
      ),
      this.onlineAgents(tenantId, departmentId),
    ]);
    const queueSize = Number(row.size);
    return { queueSize, onlineAgents, estimatedWaitTime: estimate(row.handling, queueSize + 1, onlineAgents) };
  }
}
