import type { Scope } from '../auth/actor';
import { CALL_STATUSES, type CallStatus } from '../entities/call.entity';
import { invalid } from '../errors';
import { visibleCallsSql } from './call-access';
import { endOfDay } from './dates';
import { escapeLike, isUuid } from './guards';
import type { PageArgs } from './pagination';

/** A call as lists show it: what the `Call` type of the schema carries, read as one row. */
export interface CallRow {
  id: string; status: CallStatus; departmentId: string; departmentName: string;
  userId: string | null; userName: string | null;
  customerName: string; customerEmail: string | null; customerPhone: string | null;
  duration: number | null; waitTime: number | null; rating: number | null; notes: string | null;
  hasRecording: boolean; startedAt: Date | null; completedAt: Date | null; insertedAt: Date;
}

/** The row as the schema's `Call`, field by field (rows may carry extra columns). */
export const callView = (r: CallRow): CallRow => ({
  id: r.id, status: r.status, departmentId: r.departmentId, departmentName: r.departmentName, userId: r.userId, userName: r.userName,
  customerName: r.customerName, customerEmail: r.customerEmail, customerPhone: r.customerPhone, duration: r.duration,
  waitTime: r.waitTime, rating: r.rating, notes: r.notes, hasRecording: r.hasRecording,
  startedAt: r.startedAt, completedAt: r.completedAt, insertedAt: r.insertedAt,
});

export const CALL_COLUMNS = `c.id, c.status, c.department_id as "departmentId", d.name as "departmentName",
  c.user_id as "userId", u.name as "userName",
  cu.name as "customerName", cu.email as "customerEmail", cu.phone as "customerPhone",
  c.duration, c.wait_time as "waitTime", c.rating, c.notes, (c.recording_path is not null) as "hasRecording",
  c.started_at as "startedAt", c.completed_at as "completedAt", c.inserted_at as "insertedAt"`;

export const CALL_FROM = `calls c join departments d on d.id = c.department_id join customers cu on cu.id = c.customer_id
  left join users u on u.id = c.user_id`;

export const CALL_SORT_COLUMNS = {
  inserted_at: 'c.inserted_at', started_at: 'c.started_at', completed_at: 'c.completed_at', duration: 'c.duration',
  wait_time: 'c.wait_time', status: 'c.status', rating: 'c.rating',
};

export interface CallFilters extends PageArgs {
  status?: string | null; departmentId?: string | null; userId?: string | null;
  dateFrom?: Date | null; dateTo?: Date | null; search?: string | null;
}

const STATUSES: readonly string[] = CALL_STATUSES;

/** The list filters (seed 002) as SQL conditions: the tenant, visibility, then each filter given. */
export function callConditions(scope: Scope, args: CallFilters): { where: string[]; params: unknown[] } {
  const visible = visibleCallsSql(scope);
  const where = ['c.tenant_id = ?', visible.sql];
  const params: unknown[] = [scope.actor.tenantId, ...visible.params];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (args.status) {
    if (!STATUSES.includes(args.status)) throw invalid({ status: [`must be one of: ${STATUSES.join(', ')}`] });
    add('c.status = ?', args.status);
  }
  // A malformed id names no department or agent: the filter then matches nothing.
  const byId = (column: string, id: string) => (isUuid(id) ? add(`${column} = ?`, id.toLowerCase()) : add('false'));
  if (args.departmentId) byId('c.department_id', args.departmentId);
  if (args.userId) byId('c.user_id', args.userId);
  if (args.dateFrom) add('c.inserted_at >= ?', args.dateFrom);
  if (args.dateTo) add('c.inserted_at <= ?', endOfDay(args.dateTo));
  if (args.search?.trim()) {
    const like = `%${escapeLike(args.search.trim())}%`;
    add('(cu.name ilike ? or cu.email ilike ?)', like, like);
  }
  return { where, params };
}
