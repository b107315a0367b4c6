import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../logger';
import { toAppError } from '../errors';
import { sendError } from '../rest-compat/respond';
import { REST_PREFIXES } from '../rest-compat/routes';
import type { RestDoor } from './rest';
import { isJsonRequest, rawCaller, readJson, splitUrl } from './raw';
import { beginRequest, type Middleware } from './request-log';

/** Routes under /api/v1 that Express serves itself (documents, downloads, the CSV export, uploads). */
const EXPRESS_ONLY = /^\/api\/v1\/(openapi\.json|docs|calls\/export)\/?$|^\/api\/v1\/calls\/[^/]+\/(files\/[^/]+|recording|upload)\/?$/;

/**
 * The REST door on plain node:http, ahead of Express: a documented GET, or a write with a plain
 * JSON body, goes through the same request id and log line, CORS and nosniff headers, client
 * address rules, body limit and body errors as on Express, then straight to the door.
 * Everything else (other body types, uploads, preflights, 404s) is left to Express, whose own
 * request, router and body-parser layers cost a fifth of a list request.
 */
export function fastRest(door: RestDoor, log: Logger, cors: Middleware, trustProxy: boolean, limit: number) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && !isJsonRequest(req)) return false;
    const { path, search } = splitUrl(req);
    if (!REST_PREFIXES.some((p) => path.startsWith(p)) || EXPRESS_ONLY.test(path)) return false;
    const found = door.route(method, path);
    if (!found) return false;
    beginRequest(log, cors, req, res, path, (id) => {
      const query = search === undefined ? {} : { ...parseQuery(search) };
      const caller = rawCaller(req, trustProxy);
      if (method === 'GET') return door.serve(found, { query, body: undefined }, caller, id, res);
      readJson(req, limit).then(
        (body) => door.serve(found, { query, body }, caller, id, res),
        (error) => sendError(res, toAppError(error)),
      );
    });
    return true;
  };
}
