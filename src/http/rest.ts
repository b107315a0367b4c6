import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { runCompiled } from '../schema/compiled-operation';
import { buildRestOperations, type RestOperation } from '../rest-compat/operations';
import { REST_PREFIXES } from '../rest-compat/routes';
import { buildVariables, type RestInput } from '../rest-compat/variables';
import { mergeErrors, sendError, sendJson } from '../rest-compat/respond';
import { toSnake } from '../rest-compat/case';
import { appErrorFrom } from '../schema/errors';
import { logServerError, toAppError, type AppError } from '../errors';
import { createContext, type Caller, type ContextDeps } from '../context';
import { callerOf } from './caller';
import { notFoundHandler } from './errors';
import { labelRoute } from './metrics';

const isPage = (v: unknown): v is { data: unknown[]; meta: unknown } =>
  !!v && typeof v === 'object' && Array.isArray((v as { data?: unknown }).data) && 'meta' in v;

function match(operations: RestOperation[], method: string, path: string) {
  for (const op of operations) {
    if (op.route.method !== method) continue;
    const found = op.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    try {
      op.params.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
    } catch {
      return undefined;
    }
    return { op, params };
  }
  return undefined;
}

export type RestMatch = NonNullable<ReturnType<typeof match>>;

/** The REST door without its transport: find the route, then run it and write the answer. */
export interface RestDoor {
  route(method: string, path: string): RestMatch | undefined;
  serve(found: RestMatch, input: Omit<RestInput, 'params'>, caller: Caller, requestId: string, res: ServerResponse): void;
}

/**
 * A documented route becomes its root field's operation (built by sofa and compiled at start-up),
 * the request's path, query and body its variables, the result the documented envelope.
 */
export function createRestDoor(schema: GraphQLSchema, deps: ContextDeps): RestDoor {
  const operations = buildRestOperations(schema);
  const fail = (res: ServerResponse, error: AppError, cause: unknown) => {
    logServerError(deps.log, error, cause, 'REST route');
    sendError(res, error);
  };
  return {
    route: (method, path) => match(operations, method, path),
    serve({ op, params }, request, caller, requestId, res) {
      labelRoute(res, `/api${op.route.path}`);
      const run = async () => {
        const variables = buildVariables(schema, op.plan.operation, { ...request, params });
        const result = await runCompiled(op.plan, createContext(deps, caller, requestId), variables);
        if (result.errors?.length) {
          const errors = result.errors as GraphQLError[];
          return fail(res, mergeErrors(errors.map(appErrorFrom)), errors[0]);
        }
        const status = op.route.status ?? 200;
        if (status === 204) return void res.writeHead(204).end();
        const value = result.data?.[toSnake(op.field)] ?? null;
        sendJson(res, status, isPage(value) ? value : { data: value });
      };
      run().catch((error) => fail(res, toAppError(error), error));
    },
  };
}

/** The REST door on Express. Paths under the REST prefixes that match no route get the JSON 404. */
export function createRestMiddleware(door: RestDoor): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!REST_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    const found = door.route(req.method, req.path);
    if (!found) return notFoundHandler(req, res);
    door.serve(found, { query: req.query as Record<string, unknown>, body: req.body }, callerOf(req), req.id, res);
  };
}
