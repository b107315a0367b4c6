import { buildSchema, createResolversMap, getMetadataStorage } from 'type-graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isObjectType, parse, type GraphQLSchema } from 'graphql';
import { RESOLVERS } from '../resolvers';
import { DateTimeScalar } from './scalars';
import type { Context } from '../context';
import { guardRootFields } from './input-guard';

const UNUSED_PUBSUB = {
  publish: () => {
    throw new Error('publish through the event bus');
  },
  subscribe: () => {
    throw new Error('subscribe through the event bus');
  },
};

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** Federation hands `_entities` a reference; it resolves through the same service rules as `user(id)`. */
const REFERENCE_RESOLVERS = {
  User: async (ref: { id: string }, ctx: Context) => ctx.services.users.get(await ctx.scope(), ref.id),
  Department: async (ref: { id: string }, ctx: Context) => ctx.services.departments.get(await ctx.scope(), ref.id),
};

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * type-graphql gives every plain property of an object type a resolver of its own, there to run
 * field middlewares and auth checks, which no object type here has (no @FieldResolver, and
 * @UseMiddleware only on root fields, which keep theirs). Without those wrappers graphql-jit
 * reads the property inline: a list of 20 calls makes 340 fewer resolver calls.
 */
function dropPropertyResolvers(schema: GraphQLSchema, resolvers: Record<string, Record<string, unknown>>) {
  const storage = getMetadataStorage();
  const onObjectType = (m: { target: unknown }) => storage.objectTypes.some((o) => o.target === m.target);
  if (storage.fieldResolvers.length || storage.middlewares.some(onObjectType) || storage.authorizedFields.some(onObjectType)) {
    throw new Error('schema/build.ts removes per-field resolvers: keep the ones @FieldResolver, @UseMiddleware or @Authorized need first');
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (ROOT_TYPES.has(typeName) || !isObjectType(schema.getType(typeName))) continue;
    for (const name of Object.keys(fields)) if (!name.startsWith('__')) delete fields[name];
  }
}

/**
 * The one schema every door serves. type-graphql builds it from the classes (validation
 * included), and it is re-wrapped as an Apollo Federation 2 subgraph with @key on User and
 * Department, so `_service { sdl }` and `_entities` exist alongside the API.
 */
export async function buildVokiSchema(): Promise<GraphQLSchema> {
  const base = await buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Inputs are validated by the services (services/validate.ts), so that every caller gets the same checks.
    validate: false,
    // Every subscription brings its own `subscribe` (the event bus); type-graphql insists on a pubSub anyway.
    pubSub: UNUSED_PUBSUB,
  });
  const resolvers = createResolversMap(base) as Record<string, Record<string, unknown>>;
  dropPropertyResolvers(base, resolvers);
  for (const [type, resolve] of Object.entries(REFERENCE_RESOLVERS)) {
    resolvers[type] = { ...resolvers[type], __resolveReference: resolve };
  }
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(base)}`);
  return guardRootFields(buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]));
}
