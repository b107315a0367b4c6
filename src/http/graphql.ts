import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { RequestHandler } from 'express';
import { ERROR_TABLE, logServerError } from '../errors';
import { appErrorFrom } from '../schema/errors';
import { createContext, type Context, type ContextDeps } from '../context';
import { callerOf } from './caller';
import { jitGateway } from './jit-gateway';
import { KnownOperations } from './known-operations';
import type { Logger } from '../logger';

/**
 * Limits so that one query cannot exhaust the server. Depth counts introspection too (the
 * standard introspection query measures 21); cost is static, so it mostly stops repeated
 * fragment spreads: the widest legitimate query today costs about 400.
 */
export const QUERY_LIMITS = {
  maxDepth: { n: 24, ignoreIntrospection: false },
  maxAliases: { n: 15 },
  costLimit: { maxCost: 1000 },
  // graphql-js counts tokens while parsing, so an over-long document is a parse error (400);
  // armor's own token plugin re-parses first and turns every syntax error into a 500.
  maxTokens: { n: 3000, enabled: false },
  maxDirectives: { n: 20 },
  blockFieldSuggestion: { enabled: false },
};

/** Resolver errors carry the CONTRACT's extensions.code; unknown errors say nothing internal. */
export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    // Apollo's own parse/validation failures are already well-formed client errors.
    if (code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND') {
      return { message: formatted.message, locations: formatted.locations, extensions: { code } };
    }
    const appError = appErrorFrom(unwrapResolverError(error));
    logServerError(log, appError, unwrapResolverError(error), 'GraphQL');
    const extensions: Record<string, unknown> = { code: ERROR_TABLE[appError.code].graphql };
    if (appError.fields) extensions.fields = appError.fields;
    if (appError.retryAfterSeconds !== undefined) extensions.retryAfter = appError.retryAfterSeconds;
    Object.assign(extensions, appError.extra);
    return { message: appError.message, locations: formatted.locations, path: formatted.path, extensions };
  };
}

/** Apollo, the Express middleware in front of it, and the documents it has accepted so far. */
export interface GraphQLDoor {
  server: ApolloServer<Context>;
  middleware: RequestHandler;
  known: KnownOperations;
}

export async function createGraphQLMiddleware(schema: GraphQLSchema, deps: ContextDeps, extraPlugins: ApolloServerPlugin<Context>[] = []): Promise<GraphQLDoor> {
  const known = new KnownOperations();
  const armor = new ApolloArmor(QUERY_LIMITS).protect();
  const server = new ApolloServer<Context>({
    gateway: jitGateway(schema, known) as never,
    ...armor,
    // Cache-control hints are not used; the plugin would wrap every field resolver to collect them.
    plugins: [
      ...armor.plugins, ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(),
      ...extraPlugins,
    ],
    // Dashboards and codegen read the schema; Apollo would turn this off under NODE_ENV=production.
    introspection: true,
    validationRules: [...armor.validationRules],
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens.n },
    includeStacktraceInErrorResponses: false,
    // The server's own SIGTERM/SIGINT handling stops Apollo in order; two handlers race.
    stopOnTerminationSignals: false,
    formatError: formatError(deps.log),
  });
  await server.start();
  const middleware: RequestHandler = expressMiddleware(server, {
    context: async ({ req }) =>
      createContext(deps, callerOf(req), req.id),
  }) as RequestHandler;
  return { server, middleware, known };
}
