import type { FilterQuery } from '@mikro-orm/postgresql';
import { User } from '../entities';
import { conflict, forbidden, invalid, notFound } from '../errors';
import { atLeast, requireCanGrant, requireRole, type Role } from '../auth/roles';
import { hashPassword } from '../auth/passwords';
import type { Scope } from '../auth/actor';
import { escapeLike, flushUnique, normalizeEmail, requireUuid } from './guards';
import { findPage, type PageArgs } from './pagination';
import { departmentIdsByUser, requireDepartments, setMemberships } from './membership';
import { userView } from './views';
import type { AuthService } from './auth.service';
import type { EventBus } from '../events/event-bus';
import { sessionsRevoked } from '../events/sessions';
import type { ActorCache } from '../auth/actor-cache';
import { CreateUserInput, UpdateMeInput, UpdateUserInput, UserListArgs } from '../schema/user.input';
import { validated } from './validate';
import { inTransaction } from '../db/transaction';
import { audit, changesBetween } from './audit';

/** What the audit log compares on a user (never the password). */
const audited = (u: User, departmentIds: string[]) =>
  ({ name: u.name, email: u.email, role: u.role, status: u.status, department_ids: [...departmentIds].sort() });

const SORTABLE = ['inserted_at', 'name', 'email', 'role'] as const;

export interface UserInput {
  name?: string; email?: string; password?: string; role?: Role; status?: 'active' | 'inactive'; departmentIds?: string[];
}

/** Users of one tenant: managers administer them; everyone reads and edits themself. */
export class UsersService {
  constructor(private readonly auth: AuthService, private readonly bus: EventBus, private readonly actors: ActorCache) {}

  async me(scope: Scope) {
    return this.view(scope, await this.load(scope, scope.actor.userId));
  }

  async updateMe(scope: Scope, input: { name?: string; password?: string }) {
    await validated(UpdateMeInput, input);
    const user = await this.load(scope, scope.actor.userId);
    const before = user.name;
    const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
    await this.changingActor(user, () => inTransaction(scope.em, async () => {
      if (input.name !== undefined) user.name = input.name.trim();
      if (passwordHash) {
        user.passwordHash = passwordHash;
        await this.auth.revokeUser(scope, user.id);
      }
      audit(scope, { action: 'user.updated', targetType: 'user', targetId: user.id, changes: changesBetween({ name: before }, { name: user.name }) });
      await scope.em.flush();
    }));
    return this.view(scope, user);
  }

  async list(scope: Scope, args: PageArgs & { search?: string; role?: Role; status?: 'active' | 'inactive' }) {
    await validated(UserListArgs, args);
    requireRole(scope.actor, 'manager');
    const where: FilterQuery<User> = {};
    if (args.role) where.role = args.role;
    if (args.status) where.status = args.status;
    if (args.search?.trim()) {
      const like = `%${escapeLike(args.search.trim())}%`;
      where.$or = [{ name: { $ilike: like } }, { email: { $ilike: like } }];
    }
    const { items, meta } = await findPage(scope.em, User, where, args, SORTABLE, { sortBy: 'inserted_at', sortOrder: 'asc' });
    const departments = await departmentIdsByUser(scope.em, items.map((u) => u.id));
    return { data: items.map((u) => userView(u, departments.get(u.id) ?? [])), meta };
  }

  /** Managers read anyone of their tenant; anyone reads themself. */
  async get(scope: Scope, id: string) {
    const userId = requireUuid(id, 'User');
    if (userId !== scope.actor.userId) requireRole(scope.actor, 'manager');
    return this.view(scope, await this.load(scope, userId));
  }

  async create(scope: Scope, input: UserInput & { name: string; email: string; password: string }) {
    await validated(CreateUserInput, input);
    requireRole(scope.actor, 'manager');
    const role = input.role ?? 'attendant';
    requireCanGrant(scope.actor, role);
    const departmentIds = await requireDepartments(scope.em, input.departmentIds ?? []);
    const email = normalizeEmail(input.email);
    if (await scope.em.count(User, { email })) throw invalid({ email: ['has already been taken'] });
    const passwordHash = await hashPassword(input.password);
    // The user, their memberships and the audit entry take several statements: one transaction.
    return inTransaction(scope.em, async () => {
      const user = scope.em.create(User, { tenantId: scope.actor.tenantId, name: input.name.trim(), email, role, passwordHash });
      await setMemberships(scope.em, scope.actor.tenantId, user.id, departmentIds);
      audit(scope, {
        action: 'user.created', targetType: 'user', targetId: user.id,
        changes: changesBetween({}, { name: user.name, email: user.email, role: user.role, department_ids: [...departmentIds].sort() }),
      });
      await flushUnique(scope.em, 'email');
      return userView(user, departmentIds);
    });
  }

  async update(scope: Scope, id: string, input: UserInput) {
    await validated(UpdateUserInput, input);
    requireRole(scope.actor, 'manager');
    const user = await this.load(scope, requireUuid(id, 'User'));
    this.requireOutranks(scope, user.role);
    const before = audited(user, (await departmentIdsByUser(scope.em, [user.id])).get(user.id) ?? []);
    if (input.role) requireCanGrant(scope.actor, input.role);
    if (user.id === scope.actor.userId && input.role && input.role !== user.role) throw forbidden('You cannot change your own role');
    // A lower role or fewer departments may close channels the user has open.
    const accessChanged = (input.role !== undefined && input.role !== user.role) || input.departmentIds !== undefined;
    // Revocations, memberships, the row and its audit entry: all or nothing.
    await this.changingActor(user, () => inTransaction(scope.em, async () => {
      if (input.name !== undefined) user.name = input.name.trim();
      if (input.email !== undefined) {
        const email = normalizeEmail(input.email);
        if (email !== user.email && (await scope.em.count(User, { email }))) throw invalid({ email: ['has already been taken'] });
        user.email = email;
      }
      if (input.role) user.role = input.role;
      if (input.status) {
        if (user.id === scope.actor.userId && input.status === 'inactive') throw conflict('You cannot deactivate yourself');
        user.status = input.status;
        if (input.status === 'inactive') await this.auth.revokeUser(scope, user.id);
      }
      if (input.password !== undefined) {
        user.passwordHash = await hashPassword(input.password);
        await this.auth.revokeUser(scope, user.id);
      }
      const departmentIds = input.departmentIds ? await requireDepartments(scope.em, input.departmentIds) : before.department_ids;
      if (input.departmentIds) await setMemberships(scope.em, scope.actor.tenantId, user.id, departmentIds);
      audit(scope, { action: 'user.updated', targetType: 'user', targetId: user.id, changes: changesBetween(before, audited(user, departmentIds)) });
      await flushUnique(scope.em, 'email');
    }));
    if (input.status === 'inactive') this.bus.publish(sessionsRevoked(user.id));
    else if (accessChanged) this.bus.publish(sessionsRevoked(user.id, 'access changed'));
    return this.view(scope, user);
  }

  /** DELETE keeps the row (calls and notes refer to it) and ends every session of the user. */
  async deactivate(scope: Scope, id: string) {
    requireRole(scope.actor, 'manager');
    const user = await this.load(scope, requireUuid(id, 'User'));
    this.requireOutranks(scope, user.role);
    if (user.id === scope.actor.userId) throw conflict('You cannot deactivate yourself');
    const wasActive = user.status === 'active';
    await this.changingActor(user, () => inTransaction(scope.em, async () => {
      user.status = 'inactive';
      await this.auth.revokeUser(scope, user.id);
      audit(scope, { action: 'user.deactivated', targetType: 'user', targetId: user.id, changes: wasActive ? { status: ['active', 'inactive'] } : {} });
      await scope.em.flush();
    }));
    this.bus.publish(sessionsRevoked(user.id));
    return this.view(scope, user);
  }

  /**
   * Runs a transaction that may change who the user is as an actor (role, status, name). This
   * instance's cache is evicted at commit; the answer waits until the users trigger's notice has
   * come back and every other instance has said it evicted the user, so that none answers the
   * caller's next request from the old row.
   */
  private async changingActor(user: User, change: () => Promise<void>) {
    const was = `${user.role}|${user.status}|${user.name}`;
    const heard = this.actors.expectNotice(user.id);
    let committed = false;
    try {
      await change();
      committed = true;
    } finally {
      this.actors.evict(user.id);
      // No notice comes when the change failed or touched nothing the trigger watches.
      await heard(committed && `${user.role}|${user.status}|${user.name}` !== was ? 1000 : 0);
    }
  }

  /** A manager may administer managers and below; only an owner touches an owner. */
  private requireOutranks(scope: Scope, target: Role) {
    if (!atLeast(scope.actor.role, target)) throw forbidden('Cannot manage a user with a higher role');
  }

  private async load(scope: Scope, id: string) {
    const user = await scope.em.findOne(User, { id });
    if (!user) throw notFound('User');
    return user;
  }

  private async view(scope: Scope, user: User) {
    const departments = await departmentIdsByUser(scope.em, [user.id]);
    return userView(user, departments.get(user.id) ?? []);
  }
}
