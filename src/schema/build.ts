import { buildSchema, createResolversMap } from 'type-graphql';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
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
  for (const [type, resolve] of Object.entries(REFERENCE_RESOLVERS)) {
    resolvers[type] = { ...resolvers[type], __resolveReference: resolve };
  }
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(base)}`);
  return guardRootFields(buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]));
}
