import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Caller } from '../context';

const trustAll = () => true;

/** Who calls, read from a plain request as callerOf reads it from Express (TRUST_PROXY included). */
export function rawCaller(req: IncomingMessage, trustProxy: boolean): Caller {
  const tenant = req.headers['x-tenant'];
  return {
    authorization: req.headers.authorization,
    tenant: typeof tenant === 'string' ? tenant : undefined,
    ip: (trustProxy ? proxyaddr(req, trustAll) : req.socket.remoteAddress) ?? '',
  };
}

/** The path and the query string (without its `?`) of a request's URL. */
export function splitUrl(req: IncomingMessage): { path: string; search: string | undefined } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? { path: url, search: undefined } : { path: url.slice(0, q), search: url.slice(q + 1) };
}
