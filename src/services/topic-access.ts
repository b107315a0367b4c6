import type { EntityManager } from '@mikro-orm/postgresql';
import { Call, Department, DepartmentMember } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { forbidden } from '../errors';
import { atLeast } from '../auth/roles';
import type { Actor } from '../auth/actor';
import type { Principal } from '../auth/principal';
import type { MediaParticipant } from '../sfu/media-gateway';
import { isUuid } from './guards';

/**
 * Who may see which real-time topic (CONTRACT §6), in one place for joins and pushes alike.
 * Every refusal is the same `unauthorized`, whether the id is another tenant's, unknown or
 * simply not yours, so nothing reveals what exists.
 */
export const unauthorized = () => forbidden('unauthorized');

/** A fresh EntityManager scoped to one tenant. */
export function tenantEm(fork: () => EntityManager, tenantId: string): EntityManager {
  const em = fork();
  em.setFilterParams(TENANT_FILTER, { tenantId });
  return em;
}

/** A fresh EntityManager scoped to the principal's tenant. */
export const scopedEm = (fork: () => EntityManager, principal: Principal) =>
  tenantEm(fork, principal.kind === 'user' ? principal.actor.tenantId : principal.customer.tenantId);

/** Members of the department and supervisors. */
export async function requireDepartment(em: EntityManager, principal: Principal, departmentId: string): Promise<Actor> {
  if (principal.kind !== 'user' || !isUuid(departmentId)) throw unauthorized();
  const id = departmentId.toLowerCase();
  if (!(await em.count(Department, { id }))) throw unauthorized();
  if (!atLeast(principal.actor.role, 'supervisor') && !(await em.count(DepartmentMember, { userId: principal.actor.userId, departmentId: id }))) {
    throw unauthorized();
  }
  return principal.actor;
}

export interface CallGrant {
  call: Call;
  /** The principal as a participant of the call. */
  who: MediaParticipant;
  name: string;
}

/** The call's own customer, its agent, and supervisors. */
export async function requireCall(em: EntityManager, principal: Principal, callId: string): Promise<CallGrant> {
  if (!isUuid(callId)) throw unauthorized();
  const call = await em.findOne(Call, { id: callId.toLowerCase() });
  if (!call) throw unauthorized();
  const tenantId = call.tenantId;
  if (principal.kind === 'customer') {
    if (principal.customer.callId !== call.id) throw unauthorized();
    return { call, name: principal.customer.name, who: { tenantId, callId: call.id, participantId: principal.customer.customerId, role: 'customer', seat: 'customer' } };
  }
  const { actor } = principal;
  if (call.user?.id !== actor.userId && !atLeast(actor.role, 'supervisor')) throw unauthorized();
  const seat = call.user?.id === actor.userId ? 'agent' : 'supervisor';
  return { call, name: actor.name, who: { tenantId, callId: call.id, participantId: actor.userId, role: actor.role, seat } };
}
