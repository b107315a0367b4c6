import type { FilterQuery } from '@mikro-orm/postgresql';
import { Call, DepartmentMember } from '../entities';
import { notFound } from '../errors';
import { atLeast } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { requireUuid } from './guards';

/**
 * The one rule for seeing calls (CONTRACT §3): supervisors and above see all of the tenant's;
 * an attendant sees the calls of the departments they belong to, and their own.
 */
export async function visibleCalls(scope: Scope): Promise<FilterQuery<Call>> {
  if (atLeast(scope.actor.role, 'supervisor')) return {};
  const memberships = await scope.em.find(DepartmentMember, { userId: scope.actor.userId });
  return { $or: [{ department: { $in: memberships.map((m) => m.departmentId) } }, { user: scope.actor.userId }] };
}

/** A call the actor may see, or 404 (also for another tenant's or a malformed id). */
/**
 * The same rule as a SQL condition on `calls c`, for the lists read as rows. Keep the two side
 * by side: they are one rule in two notations.
 */
export function visibleCallsSql(scope: Scope): { sql: string; params: unknown[] } {
  if (atLeast(scope.actor.role, 'supervisor')) return { sql: 'true', params: [] };
  return {
    sql: '(c.department_id in (select m.department_id from department_members m where m.user_id = ?) or c.user_id = ?)',
    params: [scope.actor.userId, scope.actor.userId],
  };
}

export async function loadVisibleCall(scope: Scope, id: string, populate: string[] = []): Promise<Call> {
  const call = await scope.em.findOne(
    Call,
    { $and: [{ id: requireUuid(id, 'Call') }, await visibleCalls(scope)] },
    { populate: populate as never },
  );
  if (!call) throw notFound('Call');
  return call;
}
