import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { unauthenticated } from '../errors';
import type { Actor } from './actor';
import type { TokenIssuer } from './tokens';
import { loadActor } from './authenticate';
import type { ActorCache } from './actor-cache';

/** A queued or served customer, known only through the websocket token join handed out. */
export interface CustomerIdentity {
  tenantId: string;
  callId: string;
  customerId: string;
  name: string;
}

/** Who holds a socket: an agent (access token) or a customer (their call's websocket token). */
export type Principal =
  | { kind: 'user'; actor: Actor; expiresAt: number }
  | { kind: 'customer'; customer: CustomerIdentity; expiresAt: number };

/** The participant id others see: the user id, or the customer id. */
export const participantId = (p: Principal) => (p.kind === 'user' ? p.actor.userId : p.customer.customerId);

/**
 * A socket's token, either kind. The user is read fresh (deactivated → refused); the socket
 * keeps the identity until the token expires, and each operation on it looks up the user's role
 * and status again (currentPrincipal).
 */
export async function authenticateToken(tokens: TokenIssuer, em: EntityManager, token: string | undefined, actors: ActorCache): Promise<Principal> {
  if (!token) throw unauthenticated();
  const access = await tokens.verifyAccess(token).catch(() => undefined);
  if (access) return { kind: 'user', expiresAt: access.expiresAt, actor: await loadActor(em, access, actors) };
  const claims = await tokens.verifyCustomer(token);
  em.setFilterParams(TENANT_FILTER, { tenantId: claims.tenantId });
  const customer = await em.findOne(Customer, { id: claims.customerId });
  if (!customer) throw unauthenticated();
  return {
    kind: 'customer',
    expiresAt: claims.expiresAt,
    customer: { tenantId: claims.tenantId, callId: claims.callId, customerId: customer.id, name: customer.name },
  };
}

/**
 * The principal as of now. A socket's user is read again for every operation, as an HTTP request
 * would be: a demotion or deactivation applies to the next join, push or query on every instance,
 * whether or not the bus message that closes such sockets arrived.
 */
export async function currentPrincipal(em: EntityManager, principal: Principal, actors: ActorCache): Promise<Principal> {
  if (principal.kind !== 'user') return principal;
  return { ...principal, actor: await loadActor(em, principal.actor, actors) };
}
