import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Caller } from '../context';
import type { Logger } from '../logger';
import { startRequest } from './request-log';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

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

/**
 * What every response gets before a handler runs, as Express's first middlewares give it: the
 * request id and log line, nosniff, CORS headers; then `run` with the request id.
 */
export function beginRaw(log: Logger, cors: Middleware, req: IncomingMessage, res: ServerResponse, path: string, run: (requestId: string) => void) {
  const id = startRequest(log, req, res, path);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  cors(req, res, () => run(id));
}
