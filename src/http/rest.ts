import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { createSofaRouter, type RestContext } from '../rest-compat/sofa';
import { REST_PREFIXES, REST_ROUTES } from '../rest-compat/routes';
import { createContext, type ContextDeps } from '../context';
import { callerOf } from './caller';
import { notFoundHandler } from './errors';

/** "/v1/users/:id" → a regex over the full path, to tell a documented route from a stray one. */
const compiled = Object.values(REST_ROUTES).map((r) => ({
  method: r.method,
  pattern: new RegExp(`^/api${r.path.replace(/:\w+/g, '[^/]+')}/?$`),
}));

const isRoute = (method: string, path: string) => compiled.some((r) => r.method === method && r.pattern.test(path));

/**
 * Mounts the sofa-generated routes. Requests under the REST prefixes that match no documented
 * route get the JSON 404 here, so sofa's own extra routes (webhooks) are never reachable.
 */
export function createRestMiddleware(schema: GraphQLSchema, deps: ContextDeps): RequestHandler {
  const router = createSofaRouter(schema, deps.log) as unknown as (req: Request, res: Response) => Promise<void>;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!REST_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    if (!isRoute(req.method, req.path)) return notFoundHandler(req, res);
    // Sofa's own router matches exact paths only; a trailing slash would fall through it to an empty 404.
    if (req.path.endsWith('/')) req.url = req.originalUrl = req.originalUrl.replace(/\/+(?=\?|$)/, '');
    const ctx = createContext(deps, callerOf(req), req.id);
    (req as Request & { voki: RestContext }).voki = Object.assign(ctx, {
      rest: { params: {}, query: req.query as Record<string, unknown>, body: req.body },
    });
    // The door already holds the parsed body. whatwg-node would re-read the consumed stream for
    // an empty one ({} or []) and wait forever, so sofa is handed a neutral body instead.
    if (req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD') req.body = '{}';
    Promise.resolve(router(req, res)).catch(next);
  };
}
