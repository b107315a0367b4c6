import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../logger';
import type { RestDoor } from './rest';
import { rawCaller, splitUrl } from './raw';
import { beginRequest, type Middleware } from './request-log';

/** GET routes under /api/v1 that Express serves itself (documents, downloads, the CSV export). */
const EXPRESS_ONLY = /^\/api\/v1\/(openapi\.json|docs|calls\/export)\/?$|^\/api\/v1\/calls\/[^/]+\/(files\/[^/]+|recording)\/?$/;

/**
 * The REST door's reads on plain node:http, ahead of Express: a documented GET goes through the
 * same request id and log line, CORS and nosniff headers and client address rules as every
 * other request, then straight to the door. Everything else (bodies, uploads, preflights, 404s)
 * is left to Express, whose own request and router layers cost a fifth of a list request.
 */
export function fastGet(door: RestDoor, log: Logger, cors: Middleware, trustProxy: boolean) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const { path, search } = splitUrl(req);
    if (!path.startsWith('/api/v1/') || EXPRESS_ONLY.test(path)) return false;
    const found = door.route('GET', path);
    if (!found) return false;
    beginRequest(log, cors, req, res, path, (id) => {
      const query = search === undefined ? {} : { ...parseQuery(search) };
      door.serve(found, { query, body: undefined }, rawCaller(req, trustProxy), id, res);
    });
    return true;
  };
}
