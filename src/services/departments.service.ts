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
import { audit, changesBetween } from './audit';
import { inTransaction } from '../db/transaction';

/** What the audit log compares on a department, in REST casing. */
const audited = (d: Department) => ({
  name: d.name, description: d.description, queue_timeout: d.queueTimeout, is_active: d.isActive,
  routing: d.routing, max_calls_per_agent: d.maxCallsPerAgent, business_hours: d.businessHours,
});
import type { Routing } from '../entities/department.entity';
import { parseBusinessHours, type BusinessHours, type BusinessHoursInput } from './business-hours';

const COLUMNS = `id, name, description, queue_timeout as "queueTimeout", is_active as "isActive", routing,
  max_calls_per_agent as "maxCallsPerAgent", business_hours as "businessHours", inserted_at as "insertedAt"`;
const SORT_COLUMNS = { inserted_at: 'inserted_at', name: 'name' };

export interface DepartmentInput {
  name?: string; description?: string | null; queueTimeout?: number; isActive?: boolean;
  routing?: Routing; maxCallsPerAgent?: number; businessHours?: BusinessHoursInput | null;
}

/** The schedule as stored, or a 422 under `businessHours`; undefined when the input leaves it. */
function scheduleOf(input: DepartmentInput): BusinessHours | null | undefined {
  if (input.businessHours === undefined || input.businessHours === null) return input.businessHours;
  const { hours, problems } = parseBusinessHours(input.businessHours);
  if (!hours) throw invalid({ businessHours: problems });
  return hours;
}

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
    const businessHours = scheduleOf(input);
    requireRole(scope.actor, 'supervisor');
    const department = scope.em.create(Department, {
      tenantId: scope.actor.tenantId,
      name: input.name.trim(),
      description: input.description ?? null,
      ...(input.queueTimeout ? { queueTimeout: input.queueTimeout } : {}),
      ...(input.routing ? { routing: input.routing } : {}),
      ...(input.maxCallsPerAgent ? { maxCallsPerAgent: input.maxCallsPerAgent } : {}),
      businessHours: businessHours ?? null,
    });
    audit(scope, { action: 'department.created', targetType: 'department', targetId: department.id, changes: changesBetween({}, audited(department)) });
    await scope.em.flush();
    return departmentView(department);
  }

  async update(scope: Scope, id: string, input: DepartmentInput) {
    await validated(UpdateDepartmentInput, input);
    const businessHours = scheduleOf(input);
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    const before = audited(department);
    if (input.name !== undefined) department.name = input.name.trim();
    if (input.description !== undefined) department.description = input.description;
    if (input.queueTimeout !== undefined && input.queueTimeout !== null) department.queueTimeout = input.queueTimeout;
    if (input.isActive !== undefined && input.isActive !== null) department.isActive = input.isActive;
    if (input.routing) department.routing = input.routing;
    if (input.maxCallsPerAgent) department.maxCallsPerAgent = input.maxCallsPerAgent;
    if (businessHours !== undefined) department.businessHours = businessHours;
    audit(scope, { action: 'department.updated', targetType: 'department', targetId: department.id, changes: changesBetween(before, audited(department)) });
    await scope.em.flush();
    return departmentView(department);
  }

  /** Deactivates: calls and links keep referring to it, but its links stop admitting customers. */
  async remove(scope: Scope, id: string) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    const before = audited(department);
    department.isActive = false;
    audit(scope, { action: 'department.deleted', targetType: 'department', targetId: department.id, changes: changesBetween(before, audited(department)) });
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
      audit(scope, { action: 'department.member_added', targetType: 'department', targetId: department.id, changes: { user_id: [null, key.userId] } });
      await scope.em.flush();
    }
    return key;
  }

  async removeMember(scope: Scope, id: string, userId: string) {
    requireRole(scope.actor, 'supervisor');
    const department = await this.load(scope, id);
    if (!isUuid(userId)) throw notFound('Member');
    await inTransaction(scope.em, async () => {
      const deleted = await scope.em.nativeDelete(DepartmentMember, { departmentId: department.id, userId: userId.toLowerCase() });
      if (!deleted) throw notFound('Member');
      audit(scope, { action: 'department.member_removed', targetType: 'department', targetId: department.id, changes: { user_id: [userId.toLowerCase(), null] } });
      await scope.em.flush();
    });
    this.bus.publish(sessionsRevoked(userId.toLowerCase(), 'access changed'));
    return { departmentId: department.id, userId: userId.toLowerCase() };
  }

  private async load(scope: Scope, id: string) {
    const department = await scope.em.findOne(Department, { id: requireUuid(id, 'Department') });
    if (!department) throw notFound('Department');
    return department;
  }
}
