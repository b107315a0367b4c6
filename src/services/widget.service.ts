import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessLink, Call, CompanySettings, Department, Tenant } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { AppError, conflict, notFound } from '../errors';
import type { TokenIssuer } from '../auth/tokens';
import { isUuid, normalizeEmail } from './guards';
import { secondsBetween } from './dates';
import type { QueueMath } from './queue';
import { callInState } from './calls.service';
import type { EvaluationsService } from './evaluations.service';
import type { CallEvents } from './call-events';

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
    const [tenant, settings, queueSize, onlineAgents] = await Promise.all([
      em.findOneOrFail(Tenant, { id: link.tenantId }),
      em.findOneOrFail(CompanySettings, { tenantId: link.tenantId }),
      this.queue.queueSize(em, department.id),
      this.queue.onlineAgents(link.tenantId, department.id),
    ]);
    return {
      valid: true,
      departmentName: department.name,
      companyName: tenant.name,
      companyLogoUrl: settings.logoUrl,
      primaryColor: settings.primaryColor,
      queueSize,
      estimatedWaitTime: await this.queue.estimatedWait(em, link.tenantId, department.id, queueSize + 1),
      onlineAgents,
    };
  }

  /**
   * Spends one use of the link with a single conditional UPDATE (so max_uses holds under
   * concurrency and the row lock lasts one statement, not a transaction: joins through one
   * link do not queue behind each other), then queues the call. Should that fail, the use
   * is given back.
   */
  async join(em: EntityManager, token: string, input: JoinInput) {
    const { link, department } = await this.usableLink(em, token);
    const spent = await em.execute(
      `update access_links set uses = uses + 1, updated_at = now()
        where id = ? and active and (expires_at is null or expires_at > now()) and (max_uses is null or uses < max_uses)`,
      [link.id], 'run',
    ) as unknown as { affectedRows: number };
    if (spent.affectedRows !== 1) throw invalidLink();
    const callId = randomUUID();
    const joinedAt = new Date();
    let customerId: string;
    try {
      customerId = await this.insertCall(em, { callId, joinedAt, tenantId: link.tenantId, departmentId: department.id, linkId: link.id }, input);
    } catch (error) {
      await em.execute('update access_links set uses = greatest(uses - 1, 0) where id = ?', [link.id], 'run').catch(() => undefined);
      throw error;
    }
    const { position, estimatedWaitTime, queueSize } = await this.queue.standing(em, link.tenantId, { id: callId, insertedAt: joinedAt, departmentId: department.id });
    this.events.joined({ id: callId, tenantId: link.tenantId, departmentId: department.id }, input.name.trim(), position, queueSize, estimatedWaitTime);
    return {
      callId,
      status: 'queued' as const,
      position,
      estimatedWaitTime,
      websocketToken: await this.tokens.customer({ tenantId: link.tenantId, callId, customerId }, this.opts.customerTokenTtl),
      websocketUrl: this.opts.websocketUrl,
    };
  }

  /**
   * Finds the customer by email (updating name and phone) or creates one, and queues the call,
   * in one statement: atomic without a transaction, one round trip on the hot path.
   */
  private async insertCall(
    em: EntityManager,
    c: { callId: string; joinedAt: Date; tenantId: string; departmentId: string; linkId: string },
    input: JoinInput,
  ): Promise<string> {
    const email = input.email ? normalizeEmail(input.email) : null;
    const name = input.name.trim();
    const phone = input.phone?.trim() || null;
    const [row] = await em.execute<{ customer_id: string }[]>(
      `with found as (
         select id from customers where tenant_id = ? and email = ? and ?::text is not null order by inserted_at limit 1
       ), updated as (
         update customers set name = ?, phone = coalesce(?, phone), updated_at = now()
          where id = (select id from found) returning id
       ), created as (
         insert into customers (id, tenant_id, name, email, phone, inserted_at, updated_at)
         select ?, ?, ?, ?, ?, ?, ? where not exists (select 1 from found) returning id
       ), customer as (
         select id from updated union all select id from created
       )
       insert into calls (id, tenant_id, department_id, customer_id, access_link_id, status, reason, customer_seen_at, inserted_at, updated_at)
       select ?, ?, ?, customer.id, ?, 'queued', ?, ?, ?, ? from customer
       returning customer_id`,
      [
        c.tenantId, email, email,
        name, phone,
        randomUUID(), c.tenantId, name, email, phone, c.joinedAt, c.joinedAt,
        c.callId, c.tenantId, c.departmentId, c.linkId, input.reason?.trim() || null, c.joinedAt, c.joinedAt, c.joinedAt,
      ],
    );
    return row.customer_id;
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
    const changed = await em.nativeUpdate(Call, { id: call.id, status: 'queued' }, { status: 'cancelled', completedAt: now, waitTime: secondsBetween(call.insertedAt, now) });
    if (changed !== 1) throw conflict(`${callInState(call.status)} cannot be cancelled`);
    this.events.left({ id: call.id, tenantId: call.tenantId, departmentId: call.department.id }, 'cancelled', 'cancelled');
    return { callId: call.id, status: 'cancelled' as const };
  }

  async evaluate(em: EntityManager, callId: string, input: { rating: number; comment?: string | null }) {
    const call = await this.loadCall(em, callId);
    await this.evaluations.rate(em, call, input);
    return { message: 'Evaluation submitted successfully' };
  }

  private async usableLink(em: EntityManager, token: string) {
    if (typeof token !== 'string' || token.length > 64) throw invalidLink();
    const link = await em.findOne(AccessLink, { token }, { filters: { [TENANT_FILTER]: false } });
    const now = Date.now();
    if (!link || !link.active || (link.expiresAt && link.expiresAt.getTime() <= now) || (link.maxUses !== null && link.uses >= link.maxUses)) {
      throw invalidLink();
    }
    em.setFilterParams(TENANT_FILTER, { tenantId: link.tenantId });
    const department = await em.findOne(Department, { id: link.departmentId });
    if (!department?.isActive) throw invalidLink();
    return { link, department };
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
