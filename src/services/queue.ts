import type { EntityManager } from '@mikro-orm/postgresql';
import { Call } from '../entities';

/** How many agents of a department are online; the real-time presence store implements it. */
export interface PresenceReader {
  onlineAgents(tenantId: string, departmentId: string): Promise<number>;
}

/** Until presence exists every department reads as having nobody online. */
export const NO_PRESENCE: PresenceReader = { onlineAgents: async () => 0 };

/** Handling time assumed for a department with no completed call yet, in seconds. */
export const DEFAULT_HANDLING_SECONDS = 180;
const RECENT_CALLS = 20;

/**
 * Queue arithmetic, all from indexed queries: a position is a count over the partial index of
 * queued calls, the estimate an average over the department's latest completed calls.
 */
export class QueueMath {
  constructor(private readonly presence: PresenceReader) {}

  queueSize(em: EntityManager, departmentId: string): Promise<number> {
    return em.count(Call, { department: departmentId, status: 'queued' });
  }

  async averageHandlingSeconds(em: EntityManager, tenantId: string, departmentId: string): Promise<number> {
    const [row] = await em.execute<{ avg: string | null }[]>(
      `select avg(duration)::float as avg from (
         select duration from calls
          where tenant_id = ? and department_id = ? and status = 'completed' and duration is not null
          order by completed_at desc limit ${RECENT_CALLS}) recent`,
      [tenantId, departmentId],
    );
    return row?.avg ? Number(row.avg) : DEFAULT_HANDLING_SECONDS;
  }

  /**
   * Position and wait estimate of one queued call in a single round trip: the count runs on the
   * partial index of queued calls, the average over the department's latest completed calls.
   */
  async standing(em: EntityManager, tenantId: string, call: { id: string; insertedAt: Date; departmentId: string }) {
    const [[row], agents] = await Promise.all([
      em.execute<{ ahead: string; handling: number | null }[]>(
        `select (select count(*) from calls
                  where department_id = ? and status = 'queued' and tenant_id = ? and (inserted_at, id) < (?, ?)) as ahead,
                (select avg(duration)::float from (
                  select duration from calls
                   where department_id = ? and status = 'completed' and tenant_id = ? and duration is not null
                   order by completed_at desc limit ${RECENT_CALLS}) recent) as handling`,
        [call.departmentId, tenantId, call.insertedAt, call.id, call.departmentId, tenantId],
      ),
      this.onlineAgents(tenantId, call.departmentId),
    ]);
    const position = Number(row.ahead) + 1;
    const handling = row.handling ?? DEFAULT_HANDLING_SECONDS;
    return { position, estimatedWaitTime: Math.max(0, Math.round((handling * position) / Math.max(agents, 1))) };
  }

  onlineAgents(tenantId: string, departmentId: string): Promise<number> {
    return this.presence.onlineAgents(tenantId, departmentId);
  }

  /** Seconds until the customer at `position` is likely served; never negative. */
  async estimatedWait(em: EntityManager, tenantId: string, departmentId: string, position: number): Promise<number> {
    if (position <= 0) return 0;
    const [handling, agents] = await Promise.all([
      this.averageHandlingSeconds(em, tenantId, departmentId),
      this.onlineAgents(tenantId, departmentId),
    ]);
    return Math.max(0, Math.round((handling * position) / Math.max(agents, 1)));
  }
}
