import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { authenticate, lazyScope, type Credentials } from './auth/authenticate';
import type { Scope } from './auth/actor';
import { currentPrincipal, type Principal } from './auth/principal';
import { forbidden } from './errors';
import type { TokenIssuer } from './auth/tokens';
import type { Services } from './services';
import type { Logger } from './logger';
import type { Bucket, RateLimits } from './services/rate-limits';
import type { ActorCache } from './auth/actor-cache';

/** What a door needs to build a Context; created once per server. */
export interface ContextDeps {
  orm: MikroORM;
  tokens: TokenIssuer;
  services: Services;
  log: Logger;
  rateLimits: RateLimits;
  actors: ActorCache;
}

/** Who is calling, as each door reads it from its transport. */
export interface Caller extends Credentials {
  /** Client IP (X-Forwarded-For only when TRUST_PROXY is set). */
  ip: string;
  /** Sockets authenticate once, at connect; their messages carry the result. */
  principal?: Principal;
  /** The socket a message came on: its id (so its sender is not echoed) and whether it is gone. */
  connection?: SocketConnection;
}

export interface SocketConnection {
  id: string;
  closed(): boolean;
}

/** One per request or socket message, the same for every door. */
export interface Context {
  requestId: string;
  /** The caller's address (public operations log it in the audit log). */
  ip: string;
  log: Logger;
  services: Services;
  /** A fresh fork; public operations use it unscoped, authenticated ones through scope(). */
  em: EntityManager;
  /** Authenticates on first use and remembers the answer (or the error). */
  scope(): Promise<Scope>;
  /** Spends one request of this caller's budget in `bucket`, or throws 429. */
  rateLimit(bucket: Bucket): Promise<void>;
  /** The agent or, on sockets, possibly the customer behind this request. */
  principal(): Promise<Principal>;
  connection?: SocketConnection;
}

export function createContext(deps: ContextDeps, caller: Caller, requestId: string): Context {
  const em = deps.orm.em.fork() as EntityManager;
  let log: Logger | undefined;
  const given = caller.principal;
  let current: Promise<Principal> | undefined;
  // A socket's principal is read again once per operation (its role may have changed since).
  const fresh = (p: Principal) => (current ??= currentPrincipal(em, p, deps.actors));
  const scope = lazyScope(async () => {
    if (!given) return { ...(await authenticate(deps.tokens, em, caller, deps.actors)), ip: caller.ip };
    if (given.kind !== 'user') throw forbidden('Customers may not do this');
    const now = await fresh(given);
    if (now.kind !== 'user') throw forbidden('Customers may not do this');
    return { actor: now.actor, em, ip: caller.ip };
  });
  return {
    requestId,
    ip: caller.ip,
    // Most requests never log; a pino child per request is not free.
    get log() {
      return (log ??= deps.log.child({ requestId }));
    },
    services: deps.services,
    em,
    scope,
    rateLimit: (bucket) => deps.rateLimits.consume(bucket, caller.ip),
    principal: async () => (given ? fresh(given) : { kind: 'user', actor: (await scope()).actor, expiresAt: 0 }),
    connection: caller.connection,
  };
}
