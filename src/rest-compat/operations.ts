import { createSofa } from 'sofa-api';
import { buildOperationNodeForField, filterSchema } from '@graphql-tools/utils';
import { Kind, OperationTypeNode, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileOperation, isCompiled, type CompiledOperation } from '../schema/compiled-operation';
import { REST_ROUTES, type RestRoute } from './routes';
import { toSnake } from './case';

/** One documented route, with everything a request needs prepared at start-up. */
export interface RestOperation {
  route: RestRoute;
  field: string;
  /** The route's operation compiled to a function (graphql-jit): no per-request planning. */
  plan: CompiledOperation;
  /** Path parameter names, in the order the pattern captures them. */
  params: string[];
  pattern: RegExp;
}

/**
 * Response fields are aliased to their snake_case names in the operation itself, so results come
 * out of execution already in the REST door's casing, without a second walk over the data.
 */
function snakeAliases(document: DocumentNode): DocumentNode {
  return visit(document, {
    Field(node) {
      const snake = toSnake(node.name.value);
      if (node.alias || snake === node.name.value) return undefined;
      return { ...node, alias: { kind: Kind.NAME, value: snake } };
    },
  });
}

/**
 * Sofa decides each route's operation (which fields it selects, to what depth) at start-up, with
 * its own model rules; the operations are then compiled once. Requests never go through sofa's
 * router, whose per-request Fetch-API translation cost more than the query.
 */
export function buildRestOperations(fullSchema: GraphQLSchema): RestOperation[] {
  const schema = filterSchema({ schema: fullSchema, rootFieldFilter: (operation, name) => `${operation}.${name}` in REST_ROUTES });
  const sofa = createSofa({ basePath: '/api', schema, depthLimit: 2 });
  return Object.entries(REST_ROUTES).map(([key, route]) => {
    const [type, field] = key.split('.');
    const operation = buildOperationNodeForField({
      kind: type === 'Query' ? OperationTypeNode.QUERY : OperationTypeNode.MUTATION,
      schema,
      field,
      models: sofa.models,
      ignore: sofa.ignore,
      circularReferenceDepth: sofa.depthLimit,
    });
    const document = snakeAliases({ kind: Kind.DOCUMENT, definitions: [operation] });
    const plan = compileOperation(schema, document);
    if (!isCompiled(plan)) throw new Error(`REST route ${key} does not compile: ${plan.errors.map((e) => e.message).join('; ')}`);
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const pattern = new RegExp(`^/api${route.path.replace(/:\w+/g, '([^/]+)')}/?$`);
    return { route, field, plan, params, pattern };
  });
}
