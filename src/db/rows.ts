import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Rows of a read-only statement through the ORM's own knex pool, skipping its per-query
 * formatting and logging: for the reads every request makes (the actor, hot lists). Not for
 * statements that must join an open transaction; those use em.execute.
 */
export async function readRows<R>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<R[]> {
  const result = await em.getKnex().raw(sql, params as never[]);
  return result.rows as R[];
}
