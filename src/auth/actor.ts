import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from './roles';

/** Who is acting: an authenticated agent of one tenant, with the role read fresh from the database. */
export interface Actor {
  tenantId: string;
  tenantSlug: string;
  userId: string;
  role: Role;
  name: string;
}

/** What every service method receives first: the actor and an EntityManager scoped to its tenant. */
export interface Scope {
  actor: Actor;
  em: EntityManager;
  /** The caller's address, for the audit log. */
  ip?: string;
}
