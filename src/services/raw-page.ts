import type { EntityManager } from '@mikro-orm/postgresql';
import { pageMeta, readPageArgs, type PageArgs, type PageMeta } from './pagination';
import { readRows } from '../db/rows';

/**
 * A list read as plain rows through the ORM's connection: hot lists are read on every dashboard
 * refresh, and hydrating entities into an identity map that is thrown away costs several times
 * the query. Columns are aliased to the view's camelCase names, so a row is already the view.
 * Raw SQL sees no ORM filters: `where` must carry the tenant condition itself.
 */
export interface RowQuery {
  select: string;
  from: string;
  where: string[];
  params: unknown[];
  /** sort_by (as clients send it) → SQL expression. */
  sortColumns: Readonly<Record<string, string>>;
  /** Unique column breaking ties, so pages never overlap. */
  tieBreaker: string;
}

const TOTAL = '_total_count';

export const whereClause = (conditions: string[]) => (conditions.length ? `where ${conditions.join(' and ')}` : '');

export async function rowPage<R extends object>(
  em: EntityManager,
  query: RowQuery,
  args: PageArgs,
  defaults: { sortBy: string; sortOrder: 'asc' | 'desc' },
): Promise<{ rows: R[]; meta: PageMeta }> {
  const { page, pageSize, sortBy, sortOrder } = readPageArgs(args, Object.keys(query.sortColumns), defaults);
  const where = whereClause(query.where);
  // count(*) over () gives the total with the page, in one round trip.
  const rows = await readRows<R & { [TOTAL]: string }>(em,
    `select ${query.select}, count(*) over () as ${TOTAL} from ${query.from} ${where}
      order by ${query.sortColumns[sortBy]} ${sortOrder}, ${query.tieBreaker} asc limit ? offset ?`,
    [...query.params, pageSize, (page - 1) * pageSize],
  );
  let total = rows.length ? Number(rows[0][TOTAL]) : 0;
  if (!rows.length && page > 1) {
    const [count] = await readRows<{ n: string }>(em, `select count(*) as n from ${query.from} ${where}`, query.params);
    total = Number(count.n);
  }
  // The count column stays on the rows (deleting it would slow every later read of them); the
  // views pick their fields by name.
  return { rows, meta: pageMeta(page, pageSize, total) };
}
