import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  execute, getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema,
} from 'graphql';

interface GatewayRequestContext {
  document: DocumentNode;
  operationName?: string | null;
  request: { variables?: Record<string, unknown> };
  context: unknown;
}

/**
 * Apollo's executor slot (its gateway interface) filled with graphql-jit: each distinct document
 * (Apollo already keeps parsed, validated documents by query text) is compiled once and then
 * runs as a plain function. Introspection and anything jit cannot compile run on graphql-js.
 * graphql-js checks the variables first, so bad variables get the same 400 and words as before.
 */
export function jitGateway(schema: GraphQLSchema) {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const plan = (document: DocumentNode, operationName: string) => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    if (!byName.has(operationName)) {
      const op = getOperationAST(document, operationName || undefined);
      const introspection = op?.selectionSet.selections.some((s) => s.kind === 'Field' && s.name.value.startsWith('__'));
      const result = introspection ? null : compileQuery(schema, document, operationName || undefined);
      byName.set(operationName, result && isCompiledQuery(result) ? result : null);
    }
    return byName.get(operationName)!;
  };

  // jit's errors leave `extensions` undefined, which Apollo's error formatting cannot read.
  const normalized = (result: ExecutionResult): ExecutionResult => {
    if (!result.errors?.length) return result;
    const errors = result.errors.map((e) => {
      const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions ?? {} });
      if (e.locations) (error as { locations?: unknown }).locations = e.locations;
      return error;
    });
    return { ...result, errors };
  };

  const executor = async ({ document, operationName, request, context }: GatewayRequestContext): Promise<ExecutionResult> => {
    const variables = request.variables ?? {};
    const op = getOperationAST(document, operationName ?? undefined);
    if (op) {
      const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
    }
    const fn = plan(document, operationName ?? '');
    if (fn) return normalized(await fn.query(null, context, variables));
    return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
  };

  return {
    async load() {
      return { schema, executor };
    },
    onSchemaLoadOrUpdate(callback: (s: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}
