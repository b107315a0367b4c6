/** The documented REST door, as the pages use it: JSON in, the `data` envelope out. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: any) {
    super(message);
  }
}

export interface Credentials {
  token: string;
  tenant: string;
}

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  auth?: Credentials;
}

/** The first message of an error envelope: `detail`, or the first field's first complaint. */
export function errorMessage(body: any, status: number): string {
  const errors = body?.errors;
  if (typeof errors?.detail === 'string') return errors.detail;
  if (errors && typeof errors === 'object') {
    const [field, messages] = Object.entries(errors)[0] ?? [];
    if (field && Array.isArray(messages)) return `${field} ${messages[0]}`;
  }
  return `HTTP ${status}`;
}

export async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.auth) {
    headers.authorization = `Bearer ${opts.auth.token}`;
    headers['x-tenant'] = opts.auth.tenant;
  }
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, { method, headers, body });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(parsed, res.status), parsed);
  return (parsed?.data ?? parsed) as T;
}
