import {
  getNamedType, isInputObjectType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { invalid, type FieldErrors } from '../errors';

/**
 * Input fields are optional in GraphQL by being nullable, so the schema alone cannot tell
 * "leave it" (absent) from "clear it" (null). Fields where null means "clear" say so with this
 * decorator; null anywhere else is refused rather than reaching code that expects a value.
 */
const acceptsNull = new WeakMap<object, Set<string>>();
export const AcceptsNull = (): PropertyDecorator => (prototype, key) => {
  let fields = acceptsNull.get(prototype);
  if (!fields) acceptsNull.set(prototype, (fields = new Set()));
  fields.add(String(key));
};

/** Input type name → fields that accept null, inherited ones included. */
function nullableFieldsByType(): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const { name, target } of getMetadataStorage().inputTypes) {
    const fields = new Set<string>();
    for (let proto = target.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const f of acceptsNull.get(proto) ?? []) fields.add(f);
    }
    byType.set(name, fields);
  }
  return byType;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Rules every text and object input obeys, whichever door it came through: PostgreSQL cannot
 * store NUL in text, and null is only accepted where a field says it means "clear".
 */
function inspect(type: GraphQLInputType, value: unknown, path: string, nullable: Map<string, Set<string>>, problems: FieldErrors) {
  if (value === null || value === undefined) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (Array.isArray(value)) value.forEach((v) => inspect(inner.ofType, v, path, nullable, problems));
    return;
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) (problems[path || 'input'] ??= []).push('must not contain NUL characters');
    return;
  }
  const named = getNamedType(inner);
  if (!isInputObjectType(named) || typeof value !== 'object') return;
  const fields = named.getFields();
  const allowed = nullable.get(named.name);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = fields[key];
    if (!field) continue;
    if (v === null && !isNonNullType(field.type) && !allowed?.has(key)) (problems[join(path, key)] ??= []).push("can't be blank");
    else inspect(field.type, v, join(path, key), nullable, problems);
  }
}

function checkArgs(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, nullable: Map<string, Set<string>>) {
  const problems: FieldErrors = {};
  for (const arg of field.args) {
    // An input object's fields are named on their own, as the REST body sends them.
    const prefix = isInputObjectType(getNamedType(arg.type)) ? '' : arg.name;
    inspect(arg.type, args[arg.name], prefix, nullable, problems);
  }
  if (Object.keys(problems).length) throw invalid(problems);
}

/** Wraps every root field (query, mutation, subscription) so its arguments pass the guard first. */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  const nullable = nullableFieldsByType();
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root || !isObjectType(root)) continue;
    for (const field of Object.values(root.getFields())) {
      if (!field.args.length) continue;
      const { resolve, subscribe } = field;
      if (resolve) field.resolve = (source, args, ctx, info) => (checkArgs(field, args, nullable), resolve(source, args, ctx, info));
      if (subscribe) field.subscribe = (source, args, ctx, info) => (checkArgs(field, args, nullable), subscribe(source, args, ctx, info));
    }
  }
  return schema;
}
