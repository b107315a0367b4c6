import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { authenticate, lazyScope, type Credentials } from './auth/authenticate';
import type { Scope } from './auth/actor';
import type { TokenIssuer } from './auth/tokens';
import type { Services } from './services';
import type { Logger } from './logger';
import type { Bucket, RateLimits } from './services/rate-limits';

/** What a door needs to build a Context; created once per server. */
export interface ContextDeps {
  orm: MikroORM;
  tokens: TokenIssuer;
  services: Services;
  log: Logger;
  rateLimits: RateLimits;
}

/** Who is calling, as each door reads it from its transport. */
export interface Caller extends Credentials {
  /** Client IP (X-Forwarded-For only when TRUST_PROXY is set). */
  ip: string;
}

/** One per request or socket message, the same for every door. */
export interface Context {
  requestId: string;
  log: Logger;
  services: Services;
  /** A fresh fork; public operations use it unscoped, authenticated ones through scope(). */
  em: EntityManager;
  /** Authenticates on first use and remembers the answer (or the error). */
  scope(): Promise<Scope>;
  /** Spends one request of this caller's budget in `bucket`, or throws 429. */
  rateLimit(bucket: Bucket): Promise<void>;
}

export function createContext(deps: ContextDeps, caller: Caller, requestId: string): Context {
  const em = deps.orm.em.fork() as EntityManager;
  let log: Logger | undefined;
  return {
    requestId,
    // Most requests never log; a pino child per request is not free.
    get log() {
      return (log ??= deps.log.child({ requestId }));
    },
    services: deps.services,
    em,
    scope: lazyScope(() => authenticate(deps.tokens, em, caller)),
    rateLimit: (bucket) => deps.rateLimits.consume(bucket, caller.ip),
  };
}
