import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { authenticate, lazyScope, type Credentials } from './auth/authenticate';
import type { Scope } from './auth/actor';
import type { TokenIssuer } from './auth/tokens';
import type { Services } from './services';
import type { Logger } from './logger';

/** What a door needs to build a Context; created once per server. */
export interface ContextDeps {
  orm: MikroORM;
  tokens: TokenIssuer;
  services: Services;
  log: Logger;
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
}

export function createContext(deps: ContextDeps, creds: Credentials, requestId: string): Context {
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
    scope: lazyScope(() => authenticate(deps.tokens, em, creds)),
  };
}
