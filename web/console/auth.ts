import { ApiError, request, type Credentials, type RequestOptions } from '../shared/api';

export interface User {
  id: string;
  name: string;
  email: string;
  role: 'attendant' | 'supervisor' | 'manager' | 'owner';
  department_ids: string[];
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  user: User;
}

const RANK = { attendant: 0, supervisor: 1, manager: 2, owner: 3 };
export const atLeast = (user: User, role: User['role']) => RANK[user.role] >= RANK[role];

/** Seconds since the epoch at which a JWT expires (its `exp`), read without verifying it. */
function expiryOf(jwt: string): number {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}

/**
 * The agent's session. Both tokens live in this object only (never in storage: a script that
 * can read storage would get a session that outlives the tab). The refresh token is spent at
 * four fifths of the access token's life, and `onRotate` tells the sockets to move over.
 */
export class Session {
  private access: string;
  private refreshToken: string;
  private timer?: ReturnType<typeof setTimeout>;
  private rotating?: Promise<void>;
  private readonly rotateListeners = new Set<() => void>();

  private constructor(readonly tenant: string, tokens: Tokens, private readonly onExpired: () => void) {
    this.access = tokens.access_token;
    this.refreshToken = tokens.refresh_token;
    this.user = tokens.user;
    this.schedule();
  }

  user: User;

  static async login(tenant: string, email: string, password: string, onExpired: () => void) {
    const tokens = await request<Tokens>('POST', '/api/auth/login', { body: { tenant, email, password } });
    return new Session(tenant, tokens, onExpired);
  }

  get token() {
    return this.access;
  }

  get credentials(): Credentials {
    return { token: this.access, tenant: this.tenant };
  }

  onRotate(fn: () => void) {
    this.rotateListeners.add(fn);
    return () => this.rotateListeners.delete(fn);
  }

  /** The REST door with this session's headers; a 401 is retried once after a refresh. */
  async api<T = any>(method: string, path: string, opts: Omit<RequestOptions, 'auth'> = {}): Promise<T> {
    try {
      return await request<T>(method, path, { ...opts, auth: this.credentials });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      await this.rotate();
      return request<T>(method, path, { ...opts, auth: this.credentials });
    }
  }

  /** Downloads a route that needs the headers (the CSV export) as a file. */
  async download(path: string, filename: string) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${this.access}`, 'x-tenant': this.tenant } });
    if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status}`, undefined);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  rotate(): Promise<void> {
    this.rotating ??= (async () => {
      try {
        const tokens = await request<Tokens>('POST', '/api/auth/refresh', { body: { refresh_token: this.refreshToken } });
        this.access = tokens.access_token;
        this.refreshToken = tokens.refresh_token;
        this.user = tokens.user;
        this.schedule();
        for (const fn of this.rotateListeners) fn();
      } catch (e) {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) this.end();
        else {
          // The network or a 429: try again soon, while the access token still works.
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.rotate().catch(() => undefined), 5000);
        }
        throw e;
      } finally {
        this.rotating = undefined;
      }
    })();
    return this.rotating;
  }

  async logout() {
    clearTimeout(this.timer);
    await request('POST', '/api/auth/logout', { body: { refresh_token: this.refreshToken }, auth: this.credentials }).catch(() => undefined);
  }

  private end() {
    clearTimeout(this.timer);
    this.onExpired();
  }

  private schedule() {
    clearTimeout(this.timer);
    const exp = expiryOf(this.access);
    if (!exp) return;
    const life = exp * 1000 - Date.now();
    this.timer = setTimeout(() => this.rotate().catch(() => undefined), Math.max(1000, life * 0.8));
  }
}
