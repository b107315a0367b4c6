import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Call, Evaluation } from '../entities';
import { conflict, notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { isUniqueViolation, requireUuid } from './guards';
import { findPage, type PageArgs } from './pagination';
import { loadVisibleCall, visibleCalls, visibleCallsSql } from './call-access';
import { readRows } from '../db/rows';
import { daysBefore, endOfDay } from './dates';
import { CreateEvaluationInput, EvaluationListArgs } from '../schema/evaluation.type';
import { validated } from './validate';
import { recordEvent } from './outbox';
import { toIsoSeconds } from '../schema/scalars';

const SORTABLE = ['inserted_at', 'rating'] as const;


export interface EvaluationFilters extends PageArgs { rating?: number | null; dateFrom?: Date | null; dateTo?: Date | null }

const evaluationView = (e: Evaluation) => {
  const call = e.call.getEntity();
  return {
    id: e.id, callId: call.id, rating: e.rating, comment: e.comment,
    customerName: call.customer.getEntity().name,
    userName: call.user?.getEntity().name ?? null,
    departmentName: call.department.getEntity().name,
    insertedAt: e.insertedAt,
  };
};

/** Ratings of completed calls: given once by the customer (or entered by an agent), then read. */
export class EvaluationsService {
  /** The one way a rating is recorded, from the public widget and the agents' API alike. */
  async rate(em: EntityManager, call: Call, input: { rating: number; comment?: string | null }) {
    if (call.status !== 'completed') throw conflict('Only completed calls can be rated');
    try {
      return await em.transactional(async (tx) => {
        if (await tx.count(Evaluation, { call: call.id })) throw conflict('This call has already been rated');
        const evaluation = tx.create(Evaluation, {
          tenantId: call.tenantId, call: call.id, rating: input.rating, comment: input.comment?.trim() || null,
        });
        await tx.nativeUpdate(Call, { id: call.id }, { rating: input.rating });
        await tx.flush();
        await recordEvent(tx, call.tenantId, 'evaluation.created', evaluation.id, {
          id: evaluation.id, call_id: call.id, rating: evaluation.rating, comment: evaluation.comment, inserted_at: toIsoSeconds(evaluation.insertedAt),
        });
        return evaluation;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('This call has already been rated');
      throw error;
    }
  }

  async create(scope: Scope, input: { callId: string; rating: number; comment?: string | null }) {
    await validated(CreateEvaluationInput, input);
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, input.callId);
    const evaluation = await this.rate(scope.em, call, input);
    return { id: evaluation.id, callId: call.id, rating: evaluation.rating, comment: evaluation.comment, insertedAt: evaluation.insertedAt };
  }

  async list(scope: Scope, args: EvaluationFilters) {
    await validated(EvaluationListArgs, args);
    requireRole(scope.actor, 'attendant');
    const where: FilterQuery<Evaluation> = { call: await visibleCalls(scope) as never };
    if (args.rating !== undefined && args.rating !== null) where.rating = args.rating;
    if (args.dateFrom || args.dateTo) {
      where.insertedAt = { ...(args.dateFrom && { $gte: args.dateFrom }), ...(args.dateTo && { $lte: endOfDay(args.dateTo) }) };
    }
    const { items, meta } = await findPage(scope.em, Evaluation, where, args, SORTABLE, { sortBy: 'inserted_at', sortOrder: 'desc' });
    await scope.em.populate(items, ['call.customer', 'call.user', 'call.department'] as never);
    return { data: items.map(evaluationView), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const evaluation = await scope.em.findOne(
      Evaluation,
      { id: requireUuid(id, 'Evaluation'), call: await visibleCalls(scope) as never },
      { populate: ['call.customer', 'call.user', 'call.department'] as never },
    );
    if (!evaluation) throw notFound('Evaluation');
    return evaluationView(evaluation);
  }

  /** Defaults to the last 30 days; satisfaction is the share of ratings of 4 or 5, in percent. */
  async stats(scope: Scope, args: { dateFrom?: Date | null; dateTo?: Date | null; departmentId?: string | null; userId?: string | null }) {
    requireRole(scope.actor, 'attendant');
    const to = args.dateTo ? endOfDay(args.dateTo) : new Date();
    const from = args.dateFrom ?? daysBefore(to, 30);
    // Counted in SQL over the period's evaluations of the calls the caller may see.
    const visible = visibleCallsSql(scope);
    const where = ['e.tenant_id = ?', 'e.inserted_at >= ?', 'e.inserted_at <= ?', visible.sql];
    const params: unknown[] = [scope.actor.tenantId, from, to, ...visible.params];
    if (args.departmentId) {
      where.push('c.department_id = ?');
      params.push(requireUuid(args.departmentId, 'Department'));
    }
    if (args.userId) {
      where.push('c.user_id = ?');
      params.push(requireUuid(args.userId, 'User'));
    }
    const [row] = await readRows<Record<string, number>>(scope.em,
      `select (count(*))::int as total, (coalesce(sum(e.rating), 0))::int as sum,
              ${[1, 2, 3, 4, 5].map((r) => `(count(*) filter (where e.rating = ${r}))::int as r${r}`).join(', ')},
              (count(*) filter (where e.rating >= 4))::int as satisfied,
              (count(*) filter (where btrim(coalesce(e.comment, '')) <> ''))::int as "withComments"
         from evaluations e join calls c on c.id = e.call_id where ${where.join(' and ')}`, params);
    const distribution: Record<string, number> = { 1: row.r1, 2: row.r2, 3: row.r3, 4: row.r4, 5: row.r5 };
    const { total, sum, satisfied, withComments } = row;
    const round1 = (x: number) => Math.round(x * 10) / 10;
    return {
      totalEvaluations: total,
      averageRating: total ? round1(sum / total) : 0,
      distribution,
      withComments,
      satisfactionRate: total ? round1((satisfied / total) * 100) : 0,
    };
  }
}
