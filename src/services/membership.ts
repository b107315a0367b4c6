import type { EntityManager } from '@mikro-orm/postgresql';
import { Department, DepartmentMember } from '../entities';
import { invalid } from '../errors';
import { isUuid } from './guards';

/** userId → its department ids, in one query for a whole page of users. */
export async function departmentIdsByUser(em: EntityManager, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return map;
  const rows = await em.find(DepartmentMember, { userId: { $in: userIds } }, { orderBy: { insertedAt: 'asc' } });
  for (const row of rows) map.get(row.userId)?.push(row.departmentId);
  return map;
}

/** Every id must name a department of the actor's tenant; otherwise the field is invalid (422). */
export async function requireDepartments(em: EntityManager, ids: string[], field = 'departmentIds'): Promise<string[]> {
  const unique = [...new Set(ids.map((id) => String(id).toLowerCase()))];
  if (unique.some((id) => !isUuid(id))) throw invalid({ [field]: ['contains an unknown department'] });
  const found = unique.length ? await em.count(Department, { id: { $in: unique } }) : 0;
  if (found !== unique.length) throw invalid({ [field]: ['contains an unknown department'] });
  return unique;
}

/** Makes the user's memberships exactly `departmentIds` (already checked to be the tenant's). */
export async function setMemberships(em: EntityManager, tenantId: string, userId: string, departmentIds: string[]) {
  // A new user must be inserted before rows that reference it; the ORM does not see that FK.
  await em.flush();
  await em.nativeDelete(DepartmentMember, { userId, departmentId: { $nin: departmentIds } });
  const existing = new Set((await em.find(DepartmentMember, { userId })).map((m) => m.departmentId));
  for (const departmentId of departmentIds) {
    if (!existing.has(departmentId)) em.create(DepartmentMember, { tenantId, userId, departmentId });
  }
}
