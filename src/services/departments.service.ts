import { Department, DepartmentMember, User } from '../entities';
import { invalid, notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { isUuid, requireUuid } from './guards';
import { pageMeta, readPageArgs, type PageArgs } from './pagination';
import { rowPage } from './raw-page';
import { departmentIdsByUser } from './membership';
import { departmentView, userView, type DepartmentRow } from './views';

import type { EventBus } from '../events/event-bus';
import { sessionsRevoked } from '../events/sessions';
import { CreateDepartmentInput, UpdateDepartmentInput } from '../schema/department.input';
import { validated } from './validate';

const COLUMNS = `id, name, description, queue_timeout as "queueTimeout", is_active as "isActive", inserted_at as "insertedAt"`;
const SORT_COLUMNS = { inserted_at: 'inserted_at', name: 'name' };

export interface DepartmentInput { name?: string; description?: string | null; queueTimeout?: number; isActive?: boolean }

/** Departments and their members: everyone reads, supervisors and above change. */
export class DepartmentsService {
  constructor(private readonly bus: EventBus) {}

  async list(scope: Scope, args: PageArgs & { isActive?: boolean }) {
    requireRole(scope.actor, 'attendant');
    const where = ['tenant_id = ?'];
    const params: unknown[] = [scope.actor.tenantId];
    if (args.isActive !== undefined && args.isActive !== null) {
      where.push('is_active = ?');
      params.push(args.isActive);
    }
    const { rows, meta } = await rowPage<DepartmentRow>(
      scope.em, { select: COLUMNS, from: 'departments', where, params, sortColumns: SORT_COLUMNS, tieBreaker: 'id' },
      args, { sortBy: 'inserted_at', sortOrder: 'asc' },
    );
    return { data: rows.map(departmentView), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    return departmentView(await this.load(scope, id));
  }

  async create(scope: Scope, input: DepartmentInput & { name: string }) {
    await validated(CreateDepartmentInput, input);
    requireRole(scope.actor, 'supervisor');
    const department = scope.em.create(Department, {
      tenantId: scope.actor.tenantId,
      name: input.name.trim(),
      description: input.description ?? null,
      ...(input.queueTimeout ? { queueTimeout: input.queueTimeout } : {}),
    });
    await scope.em.flush();
    return departmentView(department);
  }

  async update(scope: Scope, id: string, input: DepartmentInput) {
    await validated(UpdateDepartmentInput, input);
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    if (input.name !== undefined) department.name = input.name.trim();
    if (input.description !== undefined) department.description = input.description;
    if (input.queueTimeout !== undefined && input.queueTimeout !== null) department.queueTimeout = input.queueTimeout;
    if (input.isActive !== undefined && input.isActive !== null) department.isActive = input.isActive;
    await scope.em.flush();
    return departmentView(department);
  }

  /** Deactivates: calls and links keep referring to it, but its links stop admitting customers. */
  async remove(scope: Scope, id: string) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    department.isActive = false;
    await scope.em.flush();
    return departmentView(department);
  }

  async members(scope: Scope, id: string, args: PageArgs) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    const { page, pageSize } = readPageArgs(args, ['inserted_at'], { sortBy: 'inserted_at', sortOrder: 'asc' });
    const [rows, total] = await scope.em.findAndCount(
      DepartmentMember, { departmentId: department.id },
      { orderBy: { insertedAt: 'asc', userId: 'asc' }, limit: pageSize, offset: (page - 1) * pageSize },
    );
    const users = await scope.em.find(User, { id: { $in: rows.map((r) => r.userId) } });
    const byId = new Map(users.map((u) => [u.id, u]));
    const departments = await departmentIdsByUser(scope.em, users.map((u) => u.id));
    const data = rows.flatMap((r) => {
      const user = byId.get(r.userId);
      return user ? [userView(user, departments.get(user.id) ?? [])] : [];
    });
    return { data, meta: pageMeta(page, pageSize, total) };
  }

  async addMember(scope: Scope, id: string, userId: string) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    if (!isUuid(userId) || !(await scope.em.count(User, { id: userId.toLowerCase() }))) {
      throw invalid({ userId: ['does not exist'] });
    }
    const key = { departmentId: department.id, userId: userId.toLowerCase() };
    if (!(await scope.em.count(DepartmentMember, key))) {
      scope.em.create(DepartmentMember, { ...key, tenantId: scope.actor.tenantId });
      await scope.em.flush();
    }
    return key;
  }

  async removeMember(scope: Scope, id: string, userId: string) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    const deleted = isUuid(userId)
      ? await scope.em.nativeDelete(DepartmentMember, { departmentId: department.id, userId: userId.toLowerCase() })
      : 0;
    if (!deleted) throw notFound('Member');
    this.bus.publish(sessionsRevoked(userId.toLowerCase(), 'access changed'));
    return { departmentId: department.id, userId: userId.toLowerCase() };
  }

  private async load(scope: Scope, id: string) {
    const department = await scope.em.findOne(Department, { id: requireUuid(id, 'Department') });
    if (!department) throw notFound('Department');
    return department;
  }
}
