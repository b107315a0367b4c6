import { GraphQLScalarType, Kind } from 'graphql';

/** ISO 8601 UTC with `Z` and whole seconds, as the published examples show (2026-02-15T14:30:00Z). */
// toISOString is fixed-width for years 0–9999: the seconds end at character 19.
export const toIsoSeconds = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

/** A time as the API writes it, from a Date or the driver's text for one. */
export const serializeDate = (value: unknown) => toIsoSeconds(value instanceof Date ? value : new Date(value as string));

export function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new TypeError('must be an ISO 8601 date-time');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError('must be an ISO 8601 date-time');
  return date;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO 8601 date-time in UTC, whole seconds, e.g. 2026-02-15T14:30:00Z',
  serialize: serializeDate,
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('must be an ISO 8601 date-time');
    return parseDate(ast.value);
  },
});
