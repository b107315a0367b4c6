import { execute, getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { KnownOperations } from './known-operations';
import { compileOperation, isCompiled, runCompiled, type CompiledOperation } from '../schema/compiled-operation';

interface GatewayRequestContext {
  document: DocumentNode;
  source: string;
  operationName?: string | null;
  request: { variables?: Record<string, unknown> };
  context: unknown;
}

/**
 * Apollo's executor slot (its gateway interface) filled with graphql-jit: each distinct document
 * (Apollo already keeps parsed, validated documents by query text) is compiled once and then
 * runs as a plain function, and is remembered in `known` by its text for the next request.
 * Introspection and anything jit cannot compile run on graphql-js.
 */
export function jitGateway(schema: GraphQLSchema, known: KnownOperations) {
  const plans = new WeakMap<DocumentNode, Map<string, CompiledOperation | null>>();
  const plan = (document: DocumentNode, operationName: string) => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    if (!byName.has(operationName)) {
      const op = getOperationAST(document, operationName || undefined);
      const introspection = op?.selectionSet.selections.some((s) => s.kind === 'Field' && s.name.value.startsWith('__'));
      const compiled = introspection ? undefined : compileOperation(schema, document, operationName || undefined);
      byName.set(operationName, compiled && isCompiled(compiled) ? compiled : null);
    }
    return byName.get(operationName)!;
  };

  const executor = async ({ document, source, operationName, request, context }: GatewayRequestContext): Promise<ExecutionResult> => {
    const variables = request.variables ?? {};
    const compiled = plan(document, operationName ?? '');
    if (compiled) {
      known.remember(source, operationName, compiled);
      return runCompiled(compiled, context, variables);
    }
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
