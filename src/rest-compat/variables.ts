import {
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, typeFromAST,
  type GraphQLInputObjectType, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { invalid } from '../errors';
import { isPlainObject, toCamel, toSnake } from './case';

/** What the REST door read from one HTTP request, before any GraphQL is involved. */
export interface RestInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/**
 * Query strings carry only text: numbers and booleans are read here, and anything unreadable
 * is passed on unchanged so that GraphQL's own coercion reports it against the field (422).
 */
function fromQueryString(type: GraphQLInputType, raw: unknown): unknown {
  if (Array.isArray(raw)) return isListType(isNonNullType(type) ? type.ofType : type) ? raw : raw[raw.length - 1];
  const named = getNamedType(type);
  if (typeof raw !== 'string' || !isScalarType(named)) return raw;
  if (named.name === 'Int' && /^-?\d{1,15}$/.test(raw)) return Number(raw);
  if (named.name === 'Float' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (named.name === 'Boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** snake_case JSON → the input type's camelCase fields; unknown keys are dropped, not rejected. */
function toInputObject(type: GraphQLInputObjectType, source: Record<string, unknown>): Record<string, unknown> {
  const fields = type.getFields();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const name = key in fields ? key : toCamel(key);
    const field = fields[name];
    if (!field) continue;
    out[name] = toInputValue(field.type, value);
  }
  return out;
}

function toInputValue(type: GraphQLInputType, value: unknown): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner) && Array.isArray(value)) return value.map((v) => toInputValue(inner.ofType, v));
  const named = getNamedType(inner);
  if (isInputObjectType(named) && isPlainObject(value)) return toInputObject(named, value);
  if (isEnumType(named) && typeof value === 'string') return value;
  return value;
}

/**
 * Builds the operation's variables from a REST request. Path parameters, then query parameters
 * (snake_case), then body keys name scalar arguments. An input-object argument takes the body
 * either wrapped in its own name (`{"user": {...}}`) or flat (`{...}`), as the docs allow.
 */
interface VariableSlot { name: string; snake: string; type: GraphQLInputType }

/** Each route's operation is built once by sofa, so its variable types are resolved once too. */
const slotsByOperation = new WeakMap<OperationDefinitionNode, VariableSlot[]>();

function slotsOf(schema: GraphQLSchema, operation: OperationDefinitionNode): VariableSlot[] {
  let slots = slotsByOperation.get(operation);
  if (!slots) {
    slots = (operation.variableDefinitions ?? []).map((d) => ({
      name: d.variable.name.value,
      snake: toSnake(d.variable.name.value),
      type: typeFromAST(schema, d.type as never) as GraphQLInputType,
    }));
    slotsByOperation.set(operation, slots);
  }
  return slots;
}

export function buildVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, input: RestInput) {
  const body = input.body ?? {};
  if (!isPlainObject(body)) throw invalid({ body: ['must be a JSON object'] });
  const variables: Record<string, unknown> = {};
  for (const { name, snake, type } of slotsOf(schema, operation)) {
    const named = getNamedType(type);
    let value: unknown;
    if (isInputObjectType(named)) {
      const wrapped = body[name] ?? body[snake];
      value = wrapped !== undefined ? wrapped : body;
      value = isPlainObject(value) ? toInputObject(named, value) : value;
    } else if (input.params[snake] !== undefined || input.params[name] !== undefined) {
      value = input.params[snake] ?? input.params[name];
    } else if (input.query[snake] !== undefined || input.query[name] !== undefined) {
      value = fromQueryString(type, input.query[snake] ?? input.query[name]);
    } else {
      value = toInputValue(type, body[snake] ?? body[name]);
    }
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}
