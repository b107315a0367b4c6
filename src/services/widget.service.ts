import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Call, CompanySettings, Tenant } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { AppError, conflict, notFound } from '../errors';
import type { TokenIssuer } from '../auth/tokens';
import { isUuid, normalizeEmail } from './guards';
import { secondsBetween } from './dates';
import { STANDING_COLUMNS, standingOf, standingParams, type QueueMath, type StandingRow } from './queue';
import { callInState } from './calls.service';
import type { EvaluationsService } from './evaluations.service';
import type { CallEvents } from './call-events';
import { JoinInput as JoinRules, RateInput } from '../schema/widget.type';
import { validated } from './validate';
import { isOpenAt, nextOpenAt, type BusinessHours } from './business-hours';
import { toIsoSeconds } from '../schema/scalars';
import { changeCalls, recordCallEvents } from './outbox';

/** call.queued, from the statement's own rows: a customer it created is not yet in the table. */
const JOIN_EVENT = recordCallEvents('queued', `'call.queued'`,
  'join departments d on d.id = c.department_id join customer cu on cu.id = c.customer_id left join users u on false');

/** 409 on join while closed; the body says when it opens again (null: not on the schedule). */
const closedNow = (opensAt: Date | null) =>
  new AppError('CONFLICT', 'Department is closed', undefined, undefined, { nextOpenAt: opensAt && toIsoSeconds(opensAt) });

const invalidLink = () => new AppError('NOT_FOUND', 'Invalid or expired access link');
const unknownCall = () => notFound('Call');

export interface JoinInput { name: string; email?: string | null; phone?: string | null; reason?: string | null }

/**
 * The customer's side, all public: a link is checked, a call joins the queue, its status is
 * polled, it can be cancelled and, once completed, rated. Every lookup starts from the link
 * token or the call id and then scopes the EntityManager to that tenant.
 */
export class WidgetService {
  constructor(
    private readonly queue: QueueMath,
    private readonly tokens: TokenIssuer,
    private readonly evaluations: EvaluationsService,
    private readonly events: CallEvents,
    private readonly opts: { websocketUrl: string; customerTokenTtl: number },
  ) {}

  async validate(em: EntityManager, token: string) {
    const { link, department } = await this.usableLink(em, token);
    const now = new Date();
    const [tenant, settings, outlook] = await Promise.all([
      em.findOneOrFail(Tenant, { id: link.tenantId }),
      em.findOneOrFail(CompanySettings, { tenantId: link.tenantId }),
      this.queue.outlook(em, link.tenantId, department.id),
    ]);
    return {
      valid: true,
      departmentName: department.name,
      companyName: tenant.name,
      companyLogoUrl: settings.logoUrl,
      primaryColor: settings.primaryColor,
      queueSize: outlook.queueSize,
      estimatedWaitTime: outlook.estimatedWaitTime,
      onlineAgents: outlook.onlineAgents,
      isOpen: isOpenAt(department.businessHours, now),
      nextOpenAt: nextOpenAt(department.businessHours, now),
    };
  }

  /**
   * After the link lookup, one statement does the rest: spends a use of the link (a conditional
   * UPDATE, so max_uses holds under concurrency), finds or creates the customer, queues the
   * call and reads its position, the queue size and the handling average. Atomic without a
   * transaction (a failure takes the link use back with it), two round trips in all.
   */
  async join(em: EntityManager, token: string, input: JoinInput) {
    await validated(JoinRules, input);
    const { link, department } = await this.usableLink(em, token);
    const call = { id: randomUUID(), insertedAt: new Date(), departmentId: department.id };
    // Only joining is refused: those already queued at closing time keep their place.
    if (!isOpenAt(department.businessHours, call.insertedAt)) throw closedNow(nextOpenAt(department.businessHours, call.insertedAt));
    const email = input.email ? normalizeEmail(input.email) : null;
    const name = input.name.trim();
    const phone = input.phone?.trim() || null;
    const [[row], agents] = await Promise.all([
      em.execute<Array<StandingRow & { customer_id: string | null }>>(
        `with spent as (
           update access_links set uses = uses + 1, updated_at = now()
            where id = ? and active and (expires_at is null or expires_at > now()) and (max_uses is null or uses < max_uses)
            returning id
         ), found as (
           select id from customers where tenant_id = ? and email = ? and ?::text is not null and exists (select 1 from spent)
            order by inserted_at limit 1
         ), updated as (
           update customers set name = ?, phone = coalesce(?, phone), updated_at = now()
            where id = (select id from found) returning id, name, email, phone
         ), created as (
           insert into customers (id, tenant_id, name, email, phone, inserted_at, updated_at)
           select ?, ?, ?, ?, ?, ?, ? where exists (select 1 from spent) and not exists (select 1 from found)
           returning id, name, email, phone
         ), customer as (
           select * from updated union all select * from created
         ), queued as (
           insert into calls (id, tenant_id, department_id, customer_id, access_link_id, status, reason, customer_seen_at, inserted_at, updated_at)
           select ?, ?, ?, customer.id, ?, 'queued', ?, ?, ?, ? from customer
           returning *
         ), recorded as (
           ${JOIN_EVENT}
         )
         select (select customer_id from queued) as customer_id, ${STANDING_COLUMNS}`,
        [
          link.id,
          link.tenantId, email, email,
          name, phone,
          randomUUID(), link.tenantId, name, email, phone, call.insertedAt, call.insertedAt,
          call.id, link.tenantId, department.id, link.id, input.reason?.trim() || null, call.insertedAt, call.insertedAt, call.insertedAt,
          ...standingParams(link.tenantId, call),
        ],
      ),
      this.queue.onlineAgents(link.tenantId, department.id),
    ]);
    if (!row.customer_id) throw invalidLink();
    // The statement's snapshot does not contain the call it queued.
    const { position, estimatedWaitTime, queueSize } = standingOf(row, agents, true);
    this.events.joined({ id: call.id, tenantId: link.tenantId, departmentId: department.id }, name, position, queueSize, estimatedWaitTime);
    return {
      callId: call.id,
      status: 'queued' as const,
      position,
      estimatedWaitTime,
      websocketToken: await this.tokens.customer({ tenantId: link.tenantId, callId: call.id, customerId: row.customer_id }, this.opts.customerTokenTtl),
      websocketUrl: this.opts.websocketUrl,
    };
  }

  /** A poll is also a sign of life: it keeps a queued call from being marked abandoned. */
  async status(em: EntityManager, callId: string) {
    const call = await this.loadCall(em, callId);
    if (call.status === 'queued') {
      await em.nativeUpdate(Call, { id: call.id, status: 'queued' }, { customerSeenAt: new Date() });
      const { position, estimatedWaitTime } = await this.queue.standing(em, call.tenantId, { id: call.id, insertedAt: call.insertedAt, departmentId: call.department.id });
      return { callId: call.id, status: call.status, position, estimatedWaitTime };
    }
    return { callId: call.id, status: call.status, position: null, estimatedWaitTime: null };
  }

  async cancel(em: EntityManager, callId: string) {
    const call = await this.loadCall(em, callId);
    const now = new Date();
    const changed = (await changeCalls(em,
      `update calls c set status = 'cancelled', completed_at = ?, wait_time = ?, updated_at = now()
        where c.id = ? and c.status = 'queued' and c.tenant_id = ?`,
      [now, secondsBetween(call.insertedAt, now), call.id, call.tenantId])).length;
    if (changed !== 1) throw conflict(`${callInState(call.status)} cannot be cancelled`);
    this.events.left({ id: call.id, tenantId: call.tenantId, departmentId: call.department.id }, 'cancelled', 'cancelled');
    return { callId: call.id, status: 'cancelled' as const };
  }

  async evaluate(em: EntityManager, callId: string, input: { rating: number; comment?: string | null }) {
    await validated(RateInput, input);
    const call = await this.loadCall(em, callId);
    await this.evaluations.rate(em, call, input);
    return { message: 'Evaluation submitted successfully' };
  }

  /**
   * The link and its department in one query. Public: the token names the tenant, and the
   * EntityManager is scoped to it from here on.
   */
  private async usableLink(em: EntityManager, token: string) {
    if (typeof token !== 'string' || token.length > 64) throw invalidLink();
    const [row] = await em.execute<Array<{
      id: string; tenant_id: string; department_id: string; department_name: string; business_hours: BusinessHours | null;
    }>>(
      `select l.id, l.tenant_id, l.department_id, d.name as department_name, d.business_hours
         from access_links l join departments d on d.id = l.department_id and d.tenant_id = l.tenant_id
        where l.token = ? and l.active and d.is_active
          and (l.expires_at is null or l.expires_at > now()) and (l.max_uses is null or l.uses < l.max_uses)`,
      [token],
    );
    if (!row) throw invalidLink();
    em.setFilterParams(TENANT_FILTER, { tenantId: row.tenant_id });
    return {
      link: { id: row.id, tenantId: row.tenant_id },
      department: { id: row.department_id, name: row.department_name, businessHours: row.business_hours },
    };
  }

  /** The public routes know a call only by its id; the id also names its tenant. */
  private async loadCall(em: EntityManager, callId: string) {
    if (!isUuid(callId)) throw unknownCall();
    const call = await em.findOne(Call, { id: callId.toLowerCase() }, { filters: { [TENANT_FILTER]: false } });
    if (!call) throw unknownCall();
    em.setFilterParams(TENANT_FILTER, { tenantId: call.tenantId });
    return call;
  }
}
