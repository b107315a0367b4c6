import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { Routing } from '../entities/department.entity';
import type { PresenceMeta, PresenceState } from '../presence/presence-types';
import type { CallEvents } from './call-events';
import type { QueueMath } from './queue';
import { readRows } from '../db/rows';
import { changeCalls } from './outbox';
import { startOfDay } from './business-hours';

/** The presence a router reads: shared across instances when Redis is configured. */
export interface PresenceLookup {
  list(departmentId: string): Promise<PresenceState>;
}

/** Advisory-lock class of the router's per-tenant lock (the migrations use their own key). */
const ROUTING_LOCK = 7301;

/**
 * Present for routing: online, or busy only because of a call in progress (the capacity then
 * decides). A status the agent chose (away, or busy without a call) takes them out.
 */
const available = (m: PresenceMeta) => m.status === 'online' || (m.status === 'busy' && m.current_call_id !== null);

interface Candidate { id: string; name: string; load: number; today: number; lastOfferedAt: number }
interface Offer { callId: string; departmentId: string; departmentName: string; customerName: string; agent: Candidate }
type DepartmentRow = { id: string; name: string; routing: Routing; max_calls_per_agent: number; timezone: string | null };

/** Who gets the next call: round robin, the one offered a call longest ago; least busy, the fewest today. */
function pick(candidates: Candidate[], routing: Routing, capacity: number, lastOfferedTo: string | null): Candidate | undefined {
  const free = candidates.filter((c) => c.load < capacity);
  // After an offer timed out, the call goes to someone else when there is anyone else.
  const pool = free.some((c) => c.id !== lastOfferedTo) ? free.filter((c) => c.id !== lastOfferedTo) : free;
  const order = (a: Candidate, b: Candidate) =>
    (routing === 'least_busy' ? a.today - b.today : 0) || a.lastOfferedAt - b.lastOfferedAt || a.id.localeCompare(b.id);
  return [...pool].sort(order)[0];
}

/**
 * Automatic routing (CONTRACT §9). Any instance may route; each pass over a tenant runs in one
 * transaction under a per-tenant advisory lock, so two instances never offer the same call
 * twice or push an agent past their capacity, and the offer itself is the same conditional
 * UPDATE (queued → assigned) a manual assign is. Passes are asked for by whatever may free an
 * agent or queue a call (a join, a requeue, a presence change, the end of a call) and by a
 * periodic sweep that catches what another instance's hints missed.
 */
export class CallRouter {
  /** Tenants with a pass under way → whether another pass was asked for meanwhile. */
  private readonly pending = new Map<string, boolean>();
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly presence: PresenceLookup,
    private readonly events: CallEvents,
    private readonly queue: QueueMath,
    private readonly fork: () => EntityManager,
    private readonly log: Logger,
  ) {}

  /** Asks for a routing pass over the tenant; passes asked for while one runs coalesce into one. */
  poke(tenantId: string) {
    if (this.pending.has(tenantId)) {
      this.pending.set(tenantId, true);
      return;
    }
    this.pending.set(tenantId, false);
    const run = this.drain(tenantId);
    this.idle = this.idle.then(() => run);
  }

  /** Resolves once every pass asked for so far has finished (for shutdown). */
  settled() {
    return this.idle;
  }

  /** Every tenant with an automatically routed department and someone waiting in it. */
  async sweep() {
    const rows = await readRows<{ tenant_id: string }>(this.fork(),
      `select distinct d.tenant_id from departments d
        where d.routing <> 'manual' and d.is_active
          and exists (select 1 from calls c where c.department_id = d.id and c.status = 'queued')`, []);
    for (const r of rows) this.poke(r.tenant_id);
  }

  /**
   * An agent's presence in a department changed: if they are no longer available there, the
   * calls routing offered them in it go back to their place in the queue at once.
   */
  async presenceChanged(tenantId: string, departmentId: string, userId: string) {
    const metas = (await this.presence.list(departmentId))[userId]?.metas ?? [];
    if (!metas.some(available)) await this.putBack(tenantId, departmentId, userId);
    this.poke(tenantId);
  }

  private async putBack(tenantId: string, departmentId: string, userId: string) {
    const em = this.fork();
    const back = await em.transactional(async (tx) => {
      // Under the passes' lock: a pass (on any instance) that read the agent as present before
      // they left has committed its offer by then, so that offer is put back too.
      await tx.execute('select pg_advisory_xact_lock(?, hashtext(?))', [ROUTING_LOCK, tenantId]);
      return tx.execute<Array<{ id: string; inserted_at: string; customer_name: string }>>(
        `update calls c set status = 'queued', user_id = null, assigned_at = null, routed = false, updated_at = now()
          where c.tenant_id = ? and c.department_id = ? and c.user_id = ? and c.status = 'assigned' and c.routed
          returning c.id, c.inserted_at, (select name from customers where id = c.customer_id) as customer_name`,
        [tenantId, departmentId, userId]);
    });
    for (const c of back) {
      const call = { id: c.id, tenantId, departmentId, insertedAt: new Date(c.inserted_at) };
      const standing = await this.queue.standing(em, tenantId, call);
      this.events.requeued(call, c.customer_name, standing.position, standing.queueSize);
    }
    if (back.length) this.log.info({ userId, departmentId, calls: back.length }, 'routed calls put back: agent went away');
  }

  private async drain(tenantId: string) {
    try {
      do {
        this.pending.set(tenantId, false);
        const offers = await this.route(tenantId);
        for (const o of offers) {
          this.events.assigned({ id: o.callId, tenantId, departmentId: o.departmentId }, o.agent, o.customerName, o.departmentName);
        }
      } while (this.pending.get(tenantId));
    } catch (err) {
      this.log.warn({ err, tenantId }, 'routing pass failed; the next hint or sweep retries');
    } finally {
      this.pending.delete(tenantId);
    }
  }

  /** One pass: offers every queued call of the tenant's routed departments that has a free agent. */
  private async route(tenantId: string): Promise<Offer[]> {
    return this.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?, hashtext(?))', [ROUTING_LOCK, tenantId]);
      const departments = await tx.execute<Array<DepartmentRow>>(
        `select d.id, d.name, d.routing, d.max_calls_per_agent, d.business_hours->>'timezone' as timezone from departments d
          where d.tenant_id = ? and d.routing <> 'manual' and d.is_active
            and exists (select 1 from calls c where c.department_id = d.id and c.status = 'queued')
          order by d.inserted_at, d.id`, [tenantId]);
      const offers: Offer[] = [];
      for (const d of departments) offers.push(...(await this.routeDepartment(tx, tenantId, d)));
      return offers;
    });
  }

  private async routeDepartment(tx: EntityManager, tenantId: string, d: DepartmentRow): Promise<Offer[]> {
    const present = Object.entries(await this.presence.list(d.id)).filter(([, p]) => p.metas.some(available)).map(([id]) => id);
    if (!present.length) return [];
    // "Today" is the department's own day where its business hours name a time zone.
    const candidates = await this.candidates(tx, tenantId, d.id, present, startOfDay(new Date(), d.timezone ?? 'UTC'));
    const room = candidates.reduce((n, c) => n + Math.max(0, d.max_calls_per_agent - c.load), 0);
    if (!room) return [];
    const waiting = await tx.execute<Array<{ id: string; customer_name: string; last_offered_to: string | null }>>(
      `select c.id, cu.name as customer_name, c.last_offered_to from calls c join customers cu on cu.id = c.customer_id
        where c.department_id = ? and c.status = 'queued' and c.tenant_id = ?
        order by c.inserted_at, c.id limit ? for update of c skip locked`,
      [d.id, tenantId, room]);
    const offers: Offer[] = [];
    for (const call of waiting) {
      const agent = pick(candidates, d.routing, d.max_calls_per_agent, call.last_offered_to);
      if (!agent) break;
      const [won] = await changeCalls<{ id: string }>(tx,
        `update calls c set status = 'assigned', user_id = ?, assigned_at = now(), routed = true, last_offered_to = ?, updated_at = now()
          where c.id = ? and c.status = 'queued'`, [agent.id, agent.id, call.id]);
      if (!won) continue;
      await tx.execute('update users set last_offered_at = clock_timestamp() where id = ?', [agent.id]);
      agent.load += 1;
      agent.today += 1;
      agent.lastOfferedAt = Date.now();
      offers.push({ callId: call.id, departmentId: d.id, departmentName: d.name, customerName: call.customer_name, agent });
    }
    return offers;
  }

  /**
   * The present members of the department who may take calls, with their load (assigned or
   * active calls anywhere in the tenant) and their calls since `since`. Read in the pass's
   * transaction, the counts include the offers it has made in other departments.
   */
  private async candidates(tx: EntityManager, tenantId: string, departmentId: string, present: string[], since: Date): Promise<Candidate[]> {
    const rows = await tx.execute<Array<{ id: string; name: string; load: string; today: string; last_offered_at: string | null }>>(
      `select u.id, u.name, u.last_offered_at,
              (select count(*) from calls c where c.user_id = u.id and c.status in ('assigned', 'active')) as load,
              (select count(*) from calls c where c.user_id = u.id and c.tenant_id = u.tenant_id
                  and coalesce(c.started_at, c.assigned_at) >= ?) as today
         from users u join department_members m on m.user_id = u.id and m.department_id = ?
        where u.tenant_id = ? and u.status = 'active' and u.id = any(?::uuid[])`,
      [since, departmentId, tenantId, `{${present.join(',')}}`]);
    return rows.map((r) => ({
      id: r.id, name: r.name, load: Number(r.load), today: Number(r.today), lastOfferedAt: r.last_offered_at ? new Date(r.last_offered_at).getTime() : 0,
    }));
  }
}
