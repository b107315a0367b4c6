/** A thin fetch wrapper: JSON in, parsed JSON out, with the status and headers kept. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface Auth {
  token: string;
  tenant: string;
}

export class Api {
  constructor(readonly base: string) {}

  async request<T = any>(method: string, path: string, opts: { auth?: Auth; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) {
      headers.authorization = `Bearer ${opts.auth.token}`;
      headers['x-tenant'] = opts.auth.tenant;
    }
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    let parsed: any = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  get = <T = any>(path: string, auth?: Auth) => this.request<T>('GET', path, { auth });
  post = <T = any>(path: string, body?: unknown, auth?: Auth) => this.request<T>('POST', path, { body, auth });
  put = <T = any>(path: string, body?: unknown, auth?: Auth) => this.request<T>('PUT', path, { body, auth });
  delete = <T = any>(path: string, auth?: Auth) => this.request<T>('DELETE', path, { auth });

  async graphql<T = any>(query: string, variables?: Record<string, unknown>, auth?: Auth) {
    return this.request<{ data?: T; errors?: Array<{ message: string; extensions: Record<string, any> }> }>(
      'POST', '/graphql', { body: { query, variables }, auth },
    );
  }
}
