import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

const CLIENT_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives a request its id (the caller's X-Request-Id when well-formed), echoes it, and logs one
 * line when the response ends. Only the path is logged: query strings and bodies may carry tokens.
 */
function startRequest(log: Logger, req: IncomingMessage, res: ServerResponse, path: string): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const line = { requestId: id, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 };
    if (res.statusCode >= 500) log.error(line, 'request');
    else log.info(line, 'request');
  });
  return id;
}

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * What every response gets before any handler runs, on the fast paths and through Express alike:
 * the request id and log line, nosniff, CORS headers (a preflight is answered here); then `run`
 * with the request id.
 */
export function beginRequest(log: Logger, cors: Middleware, req: IncomingMessage, res: ServerResponse, path: string, run: (requestId: string) => void) {
  const id = startRequest(log, req, res, path);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  cors(req, res, () => run(id));
}
