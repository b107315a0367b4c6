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

  /** 1 + the department's queued calls that joined earlier (ties broken by id). */
  async position(em: EntityManager, call: { id: string; insertedAt: Date; departmentId: string }): Promise<number> {
    const ahead = await em.count(Call, {
      department: call.departmentId,
      status: 'queued',
      $or: [{ insertedAt: { $lt: call.insertedAt } }, { insertedAt: call.insertedAt, id: { $lt: call.id } }],
    });
    return ahead + 1;
  }

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
