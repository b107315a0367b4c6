import { useSofa } from 'sofa-api';
import { Response } from 'fets';
import { filterSchema } from '@graphql-tools/utils';
import {
  execute, Kind, type ExecutionArgs, type ExecutionResult, type FieldNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { appErrorFrom } from '../schema/errors';
import { logServerError } from '../errors';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { REST_ROUTES, type RestRoute } from './routes';
import { buildVariables, type RestInput } from './variables';
import { snakeKeys } from './case';
import { errorBody, mergeErrors } from './respond';

export interface RestContext extends Context {
  rest: RestInput;
}

const isPage = (v: unknown): v is { data: unknown[]; meta: unknown } =>
  !!v && typeof v === 'object' && Array.isArray((v as { data?: unknown }).data) && 'meta' in v;

/** A field's value as the REST envelope: `{data}`, `{data, meta}` for lists, nothing for 204. */
function envelope(route: RestRoute, value: unknown) {
  if (route.status === 204) return null;
  return isPage(value) ? snakeKeys(value) : { data: snakeKeys(value) };
}

function rootField(document: ExecutionArgs['document']) {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const field = (op.selectionSet.selections[0] as FieldNode).name.value;
  const key = `${op.operation === 'query' ? 'Query' : 'Mutation'}.${field}`;
  return { op, field, route: REST_ROUTES[key] };
}

/**
 * Sofa has already chosen the route and built (once, at start-up) the operation for its field.
 * Here the request's snake_case path, query and body become the operation's variables, the
 * operation runs on the shared schema without per-request parse or validate, and the result
 * is wrapped in the documented envelope.
 */
function restExecute(schema: GraphQLSchema) {
  return async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const ctx = args.contextValue as RestContext;
    const { op, field, route } = rootField(args.document);
    const variableValues = buildVariables(schema, op, ctx.rest);
    const result = await execute({ ...args, schema, variableValues });
    if (result.errors?.length) return { errors: result.errors };
    return { data: { [field]: envelope(route, result.data?.[field] ?? null) } };
  };
}

export function createSofaRouter(schema: GraphQLSchema, log: Logger) {
  const restSchema = filterSchema({
    schema,
    rootFieldFilter: (operation, fieldName) => `${operation}.${fieldName}` in REST_ROUTES,
  });
  const routes = Object.fromEntries(
    Object.entries(REST_ROUTES).map(([key, r]) => [
      key,
      { method: r.method, path: r.path, responseStatus: (r.status ?? 200) as never, tags: [r.tag], description: r.summary },
    ]),
  );
  return useSofa({
    basePath: '/api',
    schema: restSchema,
    routes: routes as never,
    depthLimit: 2,
    context: ({ request, req }: { request: { params?: Record<string, string> }; req: { voki: RestContext } }) => {
      req.voki.rest.params = request.params ?? {};
      return req.voki;
    },
    execute: restExecute(restSchema) as never,
    errorHandler: (errors: ReadonlyArray<unknown>) => {
      const error = mergeErrors(errors.map(appErrorFrom));
      logServerError(log, error, errors[0], 'REST route');
      const { status, body, headers } = errorBody(error);
      return Response.json(body, { status: status as never, headers }) as never;
    },
  });
}
