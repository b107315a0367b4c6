import type { Scope } from '../auth/actor';
import { requireRole } from '../auth/roles';
import { invalid } from '../errors';
import { readRows } from '../db/rows';
import { daysBefore, endOfDay } from './dates';
import { isUuid } from './guards';

/** Seconds from joining within which a started call counts toward the service level. */
const SERVICE_LEVEL_SECONDS = 60;

// Averages over the completed calls: whole seconds, the rating to one decimal; null when none.
const AVERAGES = `round(avg(c.wait_time) filter (where c.status = 'completed'))::int as "averageWaitTime",
  round(avg(c.duration) filter (where c.status = 'completed'))::int as "averageDuration",
  round(avg(c.rating) filter (where c.status = 'completed' and c.rating is not null), 1)::float8 as "averageRating"`;
const count = (condition: string, as: string) => `(count(*) filter (where ${condition}))::int as "${as}"`;

/**
 * The managers' dashboard (CONTRACT §8, §15), computed in PostgreSQL over the calls inserted in
 * the period: one statement per part, each an aggregate over the (tenant, inserted_at) index.
 */
export class AnalyticsService {
  async dashboard(scope: Scope, args: { dateFrom?: Date | null; dateTo?: Date | null; departmentId?: string | null }) {
    requireRole(scope.actor, 'manager');
    const to = args.dateTo ? endOfDay(args.dateTo) : new Date();
    const from = args.dateFrom ?? daysBefore(to, 30);
    if (from > to) throw invalid({ dateFrom: ['must not be after date_to'] });
    const where = ['c.tenant_id = ?', 'c.inserted_at >= ?', 'c.inserted_at <= ?'];
    const params: unknown[] = [scope.actor.tenantId, from, to];
    if (args.departmentId) {
      // A malformed id names no department: the figures are then those of no calls.
      where.push('c.department_id = ?');
      params.push(isUuid(args.departmentId) ? args.departmentId.toLowerCase() : '00000000-0000-0000-0000-000000000000');
    }
    const cond = where.join(' and ');
    const read = <R>(sql: string) => readRows<R>(scope.em, sql, params);
    const [summary] = await read<Record<string, number | null>>(`
      select (count(*))::int as calls,
        ${['queued', 'assigned', 'active', 'completed', 'missed', 'cancelled', 'abandoned'].map((s) => count(`c.status = '${s}'`, s)).join(', ')},
        ${AVERAGES},
        ${count(`c.started_at is not null and c.started_at <= c.inserted_at + interval '${SERVICE_LEVEL_SECONDS} seconds'`, 'inTime')},
        ${count(`c.started_at is not null or c.status in ('missed', 'abandoned')`, 'measured')}
      from calls c where ${cond}`);
    const byDepartment = await read(`
      select d.id as "departmentId", d.name as "departmentName", (count(*))::int as calls,
        ${count(`c.status = 'completed'`, 'completed')}, ${count(`c.status = 'missed'`, 'missed')}, ${AVERAGES}
      from calls c join departments d on d.id = c.department_id where ${cond}
      group by d.id, d.name order by calls desc, d.name asc, d.id asc`);
    const byAgent = await read(`
      select u.id as "userId", u.name as "userName", (count(*))::int as calls, ${count(`c.status = 'completed'`, 'completed')},
        round(avg(c.duration) filter (where c.status = 'completed'))::int as "averageDuration",
        round(avg(c.rating) filter (where c.status = 'completed' and c.rating is not null), 1)::float8 as "averageRating"
      from calls c join users u on u.id = c.user_id where ${cond}
      group by u.id, u.name order by calls desc, u.name asc, u.id asc`);
    const byHour = await read(`
      select date_trunc('hour', c.inserted_at, 'UTC') as hour, (count(*))::int as calls
      from calls c where ${cond} group by 1 order by 1`);
    const { inTime, measured, averageWaitTime, averageDuration, averageRating, ...totals } = summary;
    return {
      period: { from, to },
      totals,
      averageWaitTime, averageDuration, averageRating,
      serviceLevel: measured ? Math.round(((inTime as number) / (measured as number)) * 1000) / 10 : null,
      byDepartment, byAgent, byHour,
    };
  }
}
