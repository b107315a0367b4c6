import type { EntityManager, FilterQuery, EntityName } from '@mikro-orm/postgresql';
import { invalid } from '../errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  page?: number | null;
  pageSize?: number | null;
  sortBy?: string | null;
  sortOrder?: string | null;
}

export interface PageMeta {
  currentPage: number;
  pageSize: number;
  totalPages: number;
  totalCount: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

/**
 * Reads page arguments the same way for every list: page ≥ 1 (else 422), page_size defaults
 * to 20 and is clamped to 1..100, sort_by must be one of the list's sortable fields.
 */
export function readPageArgs(args: PageArgs, sortable: readonly string[], defaults: { sortBy: string; sortOrder: 'asc' | 'desc' }) {
  const page = args.page ?? 1;
  const errors: Record<string, string[]> = {};
  if (!Number.isInteger(page) || page < 1) errors.page = ['must be greater than or equal to 1'];
  let pageSize = args.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) errors.pageSize = ['must be greater than or equal to 1'];
  pageSize = Math.min(pageSize, MAX_PAGE_SIZE);
  const sortBy = args.sortBy ?? defaults.sortBy;
  if (!sortable.includes(sortBy)) errors.sortBy = [`must be one of: ${sortable.join(', ')}`];
  const sortOrder = (args.sortOrder ?? defaults.sortOrder).toLowerCase();
  if (sortOrder !== 'asc' && sortOrder !== 'desc') errors.sortOrder = ['must be one of: asc, desc'];
  if (Object.keys(errors).length) throw invalid(errors);
  return { page, pageSize, sortBy, sortOrder: sortOrder as 'asc' | 'desc' };
}

export function pageMeta(page: number, pageSize: number, totalCount: number): PageMeta {
  return { currentPage: page, pageSize, totalPages: Math.ceil(totalCount / pageSize), totalCount };
}

/** snake_case sort field (as clients send it) → entity property. */
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** One page of an entity, ordered by the chosen field with the id as tie-breaker. */
export async function findPage<E extends object>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  args: PageArgs,
  sortable: readonly string[],
  defaults: { sortBy: string; sortOrder: 'asc' | 'desc' },
): Promise<{ items: E[]; meta: PageMeta }> {
  const { page, pageSize, sortBy, sortOrder } = readPageArgs(args, sortable, defaults);
  const [items, total] = await em.findAndCount(entity, where, {
    orderBy: { [camel(sortBy)]: sortOrder, id: 'asc' } as never,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items, meta: pageMeta(page, pageSize, total) };
}
