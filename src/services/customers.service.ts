import type { Scope } from '../auth/actor';
import { requireRole } from '../auth/roles';
import { notFound } from '../errors';
import { CustomerListArgs } from '../schema/customer.type';
import { readRows } from '../db/rows';
import { CALL_COLUMNS, CALL_FROM, callConditions, callView, type CallRow } from './call-rows';
import { escapeLike, requireUuid } from './guards';
import { rowPage, whereClause } from './raw-page';
import { validated } from './validate';

interface CustomerRow {
  id: string; name: string; email: string | null; phone: string | null;
  callsCount: number; lastCallAt: Date | null; insertedAt: Date;
}

const view = (r: CustomerRow) => ({
  id: r.id, name: r.name, email: r.email, phone: r.phone, callsCount: r.callsCount, lastCallAt: r.lastCallAt, insertedAt: r.insertedAt,
});

const SORT = { name: 'x.name', inserted_at: 'x."insertedAt"', last_call_at: 'x."lastCallAt"' };
const CALLS_IN_DETAIL = 50;

/**
 * The customers of a tenant (CONTRACT §8), seen through its calls: a customer is listed, and
 * counted, by the calls the caller may see (the calls' visibility rule, call-access.ts), so an
 * attendant sees the customers of their departments' and their own calls.
 */
export class CustomersService {
  async list(scope: Scope, args: CustomerListArgs) {
    await validated(CustomerListArgs, args);
    requireRole(scope.actor, 'attendant');
    const inner = this.aggregate(scope, args.search);
    const { rows, meta } = await rowPage<CustomerRow>(
      scope.em, { select: 'x.*', from: `(${inner.sql}) x`, where: [], params: inner.params, sortColumns: SORT, tieBreaker: 'x.id' },
      args, { sortBy: 'last_call_at', sortOrder: 'desc' },
    );
    return { data: rows.map(view), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const customerId = requireUuid(id, 'Customer');
    const inner = this.aggregate(scope, undefined, customerId);
    const [row] = await readRows<CustomerRow>(scope.em, inner.sql, inner.params);
    if (!row) throw notFound('Customer');
    const { where, params } = callConditions(scope, {});
    const calls = await readRows<CallRow>(scope.em,
      `select ${CALL_COLUMNS} from ${CALL_FROM} ${whereClause([...where, 'c.customer_id = ?'])}
        order by c.inserted_at desc, c.id asc limit ?`,
      [...params, customerId, CALLS_IN_DETAIL]);
    return { ...view(row), calls: calls.map(callView) };
  }

  /** One row per customer with at least one visible call: its fields, the visible calls' count and newest time. */
  private aggregate(scope: Scope, search?: string | null, customerId?: string) {
    const { where, params } = callConditions(scope, {});
    const conditions = [...where];
    if (search?.trim()) {
      const like = `%${escapeLike(search.trim())}%`;
      conditions.push('(cu.name ilike ? or cu.email ilike ?)');
      params.push(like, like);
    }
    if (customerId) {
      conditions.push('cu.id = ?');
      params.push(customerId);
    }
    return {
      sql: `select cu.id, cu.name, cu.email, cu.phone, count(c.id)::int as "callsCount", max(c.inserted_at) as "lastCallAt",
                   cu.inserted_at as "insertedAt"
              from calls c join customers cu on cu.id = c.customer_id ${whereClause(conditions)}
             group by cu.id`,
      params,
    };
  }
}
