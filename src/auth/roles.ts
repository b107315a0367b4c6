import { forbidden } from '../errors';

export const ROLES = ['attendant', 'supervisor', 'manager', 'owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { attendant: 0, supervisor: 1, manager: 2, owner: 3 };

export const isRole = (value: unknown): value is Role => typeof value === 'string' && value in RANK;

export const atLeast = (role: Role, minimum: Role): boolean => RANK[role] >= RANK[minimum];

/** The one role gate every service calls before doing work. */
export function requireRole(actor: { role: Role }, minimum: Role): void {
  if (!atLeast(actor.role, minimum)) throw forbidden('Insufficient role');
}

/** Nobody grants (or edits someone holding) a role above their own; only an owner makes an owner. */
export function requireCanGrant(actor: { role: Role }, granted: Role): void {
  if (!atLeast(actor.role, granted)) throw forbidden(`Cannot grant the ${granted} role`);
}
