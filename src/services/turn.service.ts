import { createHmac } from 'node:crypto';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';

export const TURN_TTL_SECONDS = 86400;

/**
 * Time-limited TURN credentials by the TURN REST API scheme that coturn's `use-auth-secret`
 * checks: username `expiry:user`, credential base64(HMAC-SHA1(secret, username)).
 */
export class TurnService {
  constructor(private readonly secret: string, private readonly urls: string[]) {}

  forUser(scope: Scope) {
    requireRole(scope.actor, 'attendant');
    return this.issue(scope.actor.userId);
  }

  /** For customers, who have no account: the user part is "anonymous". */
  anonymous() {
    return this.issue('anonymous');
  }

  private issue(user: string) {
    const expiry = Math.floor(Date.now() / 1000) + TURN_TTL_SECONDS;
    const username = `${expiry}:${user}`;
    const credential = createHmac('sha1', this.secret).update(username).digest('base64');
    return { urls: this.urls, username, credential, ttl: TURN_TTL_SECONDS };
  }
}
