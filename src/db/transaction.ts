import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `work` in one transaction on `em` itself (not a fork), so entities it already manages,
 * its flushes and its native statements all commit or roll back together.
 */
export async function inTransaction<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  await em.begin();
  try {
    const result = await work();
    await em.commit();
    return result;
  } catch (error) {
    await em.rollback();
    throw error;
  }
}
