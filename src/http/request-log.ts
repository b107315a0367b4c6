import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
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
export function startRequest(log: Logger, req: IncomingMessage, res: ServerResponse, path: string): string {
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

export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    req.id = startRequest(log, req, res, req.path);
    next();
  };
}
