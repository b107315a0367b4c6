import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap } from '@apollo/server';
import { toAppError } from '../errors';
import { sendError } from '../rest-compat/respond';
import { isPlainObject } from '../rest-compat/case';
import { createContext, type Context, type ContextDeps } from '../context';
import { runCompiled, type CompiledOperation } from '../schema/compiled-operation';
import { formatError, type GraphQLDoor } from './graphql';
import type { KnownOperations } from './known-operations';
import { isJsonRequest, rawCaller, readJson, splitUrl } from './raw';
import { beginRequest, type Middleware } from './request-log';
import { labelRoute } from './metrics';

type Body = { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };

/** A request Apollo would answer in one JSON result, for a document it has already accepted. */
function knownPlan(known: KnownOperations, req: IncomingMessage, body: unknown): CompiledOperation | undefined {
  if (!isPlainObject(body) || typeof body.query !== 'string' || 'extensions' in body) return undefined;
  if (body.variables != null && !isPlainObject(body.variables)) return undefined;
  if (body.operationName != null && typeof body.operationName !== 'string') return undefined;
  const accept = req.headers.accept;
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return undefined;
  return known.find(body.query, body.operationName as string | null | undefined);
}

/**
 * Runs a known document's plan and answers as Apollo does (fields in its order, errors through
 * the same formatError, status 200). Returns false when the variables do not fit the operation:
 * nothing has run then, and Apollo words that error and answers it with 400.
 */
async function answerKnown(plan: CompiledOperation, body: Body, context: Context, format: ReturnType<typeof formatError>, res: ServerResponse) {
  const result = await runCompiled(plan, context, body.variables ?? {});
  if (!('data' in result)) return false;
  const errors = result.errors?.map((error) => format({
    ...error.toJSON(), extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' },
  }, error));
  const text = `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

/**
 * GraphQL POSTs with a JSON body on plain node:http, ahead of Express: the same request id, log
 * line and headers, the same body limit and error shapes. A document Apollo has already accepted
 * runs its compiled plan directly; any other goes through Apollo's own HTTP entry point (what its
 * Express integration calls). Other content types, GETs and compressed bodies are left to Express.
 */
export function fastGraphQL(graphql: GraphQLDoor, deps: ContextDeps, cors: Middleware, trustProxy: boolean, limit: number) {
  const format = formatError(deps.log);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const { path, search } = splitUrl(req);
    if (path !== '/graphql' && path !== '/graphql/') return false;
    if (!isJsonRequest(req)) return false;
    labelRoute(res, '/graphql');
    beginRequest(deps.log, cors, req, res, path, (id) => {
      void (async () => {
        let body: unknown;
        try {
          body = await readJson(req, limit);
        } catch (error) {
          return sendError(res, toAppError(error));
        }
        const context = () => createContext(deps, rawCaller(req, trustProxy), id);
        const plan = search === undefined ? knownPlan(graphql.known, req, body) : undefined;
        if (plan && await answerKnown(plan, body as Body, context(), format, res)) return;
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        const answer = await graphql.server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: 'POST', headers, search: search === undefined ? '' : `?${search}`, body },
          context: async () => context(),
        });
        for (const [key, value] of answer.headers) res.setHeader(key, value);
        res.statusCode = answer.status ?? 200;
        if (answer.body.kind === 'complete') return void res.end(answer.body.string);
        for await (const chunk of answer.body.asyncIterator) res.write(chunk);
        res.end();
      })().catch((error) => {
        deps.log.error({ err: error }, 'graphql request failed');
        if (res.headersSent) return void res.end();
        sendError(res, toAppError(error));
      });
    });
    return true;
  };
}
