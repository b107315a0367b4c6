import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

/** An operation compiled once with graphql-jit, run as a plain function afterwards. */
export interface CompiledOperation {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  compiled: CompiledQuery;
}

/** The document's operation compiled, or why it could not be. */
export function compileOperation(schema: GraphQLSchema, document: DocumentNode, operationName?: string): CompiledOperation | { errors: readonly GraphQLError[] } {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { errors: [new GraphQLError('Unknown operation')] };
  const compiled = compileQuery(schema, document, operationName);
  if (!isCompiledQuery(compiled)) return { errors: compiled.errors ?? [] };
  return { schema, operation, compiled };
}

export const isCompiled = (c: CompiledOperation | { errors: readonly GraphQLError[] }): c is CompiledOperation => 'compiled' in c;

/**
 * Runs a compiled operation as graphql-js would answer it. graphql-js checks the variables first:
 * its wording is what the error mapping reads field names from (jit words coercion errors
 * differently). jit's errors are rebuilt as graphql-js errors, since they leave `extensions`
 * undefined, which Apollo's error formatting cannot read.
 */
export async function runCompiled(plan: CompiledOperation, context: unknown, variables: Record<string, unknown>): Promise<ExecutionResult> {
  const coerced = getVariableValues(plan.schema, plan.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
  if (coerced.errors) return { errors: coerced.errors };
  const result = await plan.compiled.query(null, context, variables);
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions ?? {} });
    if (e.locations) (error as { locations?: unknown }).locations = e.locations;
    return error;
  });
  return { ...result, errors };
}
